import { Injectable } from '@nestjs/common';
import { ApiClient, ConflictError, domainEvent, type EventPayload } from '@dispatch/domain';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../core/auth/actor';
import { MachineClients } from '../../core/auth/machine-clients.service';
import { EventOutbox } from '../../core/events/event-outbox.service';
import { type Page, pageWindow } from '../../core/http/pagination';
import { KeycloakAdminClient } from '../../core/keycloak/keycloak-admin.client';
import { findOrFail } from '../../core/tenancy/lookups';
import { TenantDatabase } from '../../core/tenancy/tenant-database.service';
import { machineClientId, newClientSecret } from './api-client-credentials';
import {
  type ApiClientListQuery,
  type ApiClientView,
  type ApiClientWithSecretView,
  type CreateApiClientDto,
  toApiClientView,
} from './dto/api-client.dto';

function apiClientRef(client: ApiClient): EventPayload<'api_client.created'>['apiClient'] {
  return { id: client.id, clientId: client.clientId, name: client.name, role: client.role };
}

/**
 * The organization's machine clients (ERP systems). Each is a confidential Keycloak client (client
 * credentials only) whose tokens carry the tenant and one role, and a row of the tenant's registry
 * (`api_clients`), which is what the API trusts: a machine token is honoured only while its row
 * exists (see MachineClientGuard). The secret is kept by Keycloak and shown once, on create and
 * on rotation.
 *
 * Keycloak is not transactional with PostgreSQL, so each change is ordered to fail safe: a client
 * is created in Keycloak before its row (and removed again if the row cannot be written); a
 * delete removes the row and calls Keycloak inside the same transaction, so either both happen or
 * (Keycloak failing) neither does.
 */
@Injectable()
export class ApiClientsService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly outbox: EventOutbox,
    private readonly keycloak: KeycloakAdminClient,
    private readonly machines: MachineClients,
  ) {}

  list(actor: Actor, query: ApiClientListQuery): Promise<Page<ApiClientView>> {
    const { limit, offset } = pageWindow(query);
    return this.db.transaction(actor, async (manager) => {
      const [clients, total] = await manager.findAndCount(ApiClient, {
        order: { name: 'ASC', id: 'ASC' },
        take: limit,
        skip: offset,
      });
      return { items: clients.map(toApiClientView), total, limit, offset };
    });
  }

  async create(actor: Actor, input: CreateApiClientDto): Promise<ApiClientWithSecretView> {
    await this.db.transaction(actor, (manager) => this.assertNameFree(manager, input.name));
    const clientId = machineClientId(actor.tenant, input.name);
    const secret = newClientSecret();
    const description = input.description || null;
    const keycloakId = await this.keycloak.createServiceClient({
      clientId,
      name: input.name,
      description,
      tenant: actor.tenant,
      role: input.role,
      secret,
    });
    try {
      return await this.db.transaction(actor, async (manager) => {
        const client = await manager.save(
          manager.create(ApiClient, {
            clientId,
            keycloakId,
            name: input.name,
            description,
            role: input.role,
            createdBySubject: actor.subject,
            createdByName: actor.name,
            secretRotatedAt: null,
          }),
        );
        const view = toApiClientView(client);
        this.outbox.append(
          manager,
          actor,
          domainEvent(
            'api_client.created',
            client.id,
            { apiClient: apiClientRef(client) },
            { after: view },
          ),
        );
        return { ...view, clientSecret: secret };
      });
    } catch (error) {
      // Without its row the client is refused by the API anyway; do not leave it in Keycloak.
      await this.keycloak.deleteClient(keycloakId).catch(() => undefined);
      throw error;
    }
  }

  rotateSecret(actor: Actor, id: string): Promise<ApiClientWithSecretView> {
    return this.db.transaction(actor, async (manager) => {
      const client = await findOrFail(manager, ApiClient, 'API client', id, { lock: true });
      const before = toApiClientView(client);
      const secret = await this.keycloak.regenerateClientSecret(client.keycloakId);
      client.secretRotatedAt = new Date();
      const view = toApiClientView(await manager.save(client));
      this.outbox.append(
        manager,
        actor,
        domainEvent(
          'api_client.secret_rotated',
          id,
          { apiClient: apiClientRef(client) },
          { before, after: view },
        ),
      );
      return { ...view, clientSecret: secret };
    });
  }

  async remove(actor: Actor, id: string): Promise<void> {
    const client = await this.db.transaction(actor, async (manager) => {
      const found = await findOrFail(manager, ApiClient, 'API client', id, { lock: true });
      await manager.delete(ApiClient, { id });
      this.outbox.append(
        manager,
        actor,
        domainEvent(
          'api_client.deleted',
          id,
          { apiClient: apiClientRef(found) },
          { before: toApiClientView(found) },
        ),
      );
      // Last, so a failure of Keycloak rolls the row back; a client already gone counts as deleted.
      await this.keycloak.deleteClient(found.keycloakId);
      return found;
    });
    // Refused at once on this instance; other instances follow within MACHINE_CLIENT_CHECK_MILLISECONDS.
    this.machines.forget(actor.tenant, client.clientId);
  }

  private async assertNameFree(manager: EntityManager, name: string): Promise<void> {
    const taken = await manager
      .createQueryBuilder(ApiClient, 'client')
      .where('lower(client.name) = lower(:name)', { name })
      .getExists();
    if (taken)
      throw new ConflictError(`An API client named "${name}" exists`, {
        fields: [{ field: 'name', message: 'is already taken' }],
      });
  }
}
