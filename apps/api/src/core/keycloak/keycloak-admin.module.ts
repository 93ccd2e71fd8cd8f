import { Module } from '@nestjs/common';
import { KeycloakAdminClient } from './keycloak-admin.client';

/** Keycloak's admin API through the API's own service account: for users and API clients alike. */
@Module({ providers: [KeycloakAdminClient], exports: [KeycloakAdminClient] })
export class KeycloakAdminModule {}
