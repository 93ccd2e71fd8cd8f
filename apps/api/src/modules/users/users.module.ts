import { Module } from '@nestjs/common';
import { KeycloakAdminModule } from '../../core/keycloak/keycloak-admin.module';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

/** The organization's users and their roles, administered in Keycloak by the API's service account. */
@Module({
  imports: [KeycloakAdminModule],
  controllers: [UsersController],
  providers: [UsersService],
})
export class UsersModule {}
