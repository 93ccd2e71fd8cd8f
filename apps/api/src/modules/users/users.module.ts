import { Module } from '@nestjs/common';
import { KeycloakAdminClient } from './keycloak-admin.client';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

/** The organization's users and their roles, administered in Keycloak by the API's service account. */
@Module({ controllers: [UsersController], providers: [KeycloakAdminClient, UsersService] })
export class UsersModule {}
