import { Module } from '@nestjs/common';
import { KeycloakAdminModule } from '../../core/keycloak/keycloak-admin.module';
import { ApiClientsController } from './api-clients.controller';
import { ApiClientsService } from './api-clients.service';

/** The organization's machine clients: Keycloak confidential clients plus the tenant's registry. */
@Module({
  imports: [KeycloakAdminModule],
  controllers: [ApiClientsController],
  providers: [ApiClientsService],
  exports: [ApiClientsService],
})
export class ApiClientsModule {}
