import { Injectable } from '@nestjs/common';
import { domainEvent, type NewEvent, NotFoundError, type Role } from '@dispatch/domain';
import type { Actor } from '../../core/auth/actor';
import { changedKeys } from '../../core/events/changed-keys';
import { EventOutbox } from '../../core/events/event-outbox.service';
import { KeycloakAdminClient, type KeycloakUser } from '../../core/keycloak/keycloak-admin.client';
import { TenantDatabase } from '../../core/tenancy/tenant-database.service';
import type { CreateUserDto, ResetPasswordDto, UpdateUserDto, UserView } from './dto/user.dto';

/**
 * Users of the admin's own organization, kept in Keycloak: the `tenant` attribute ties a user to
 * its organization, and a user of another organization does not exist here (404).
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly keycloak: KeycloakAdminClient,
    private readonly db: TenantDatabase,
    private readonly outbox: EventOutbox,
  ) {}

  async list(actor: Actor): Promise<UserView[]> {
    const users = await this.keycloak.usersOfTenant(actor.tenant);
    const views = await Promise.all(users.map(async (user) => this.view(user)));
    return views.sort((a, b) => a.username.localeCompare(b.username));
  }

  async create(actor: Actor, input: CreateUserDto): Promise<UserView> {
    const id = await this.keycloak.create({
      username: input.username,
      email: input.email,
      firstName: input.firstName,
      lastName: input.lastName,
      attributes: { tenant: [actor.tenant] },
      password: input.password,
      temporaryPassword: input.temporaryPassword ?? true,
    });
    await this.keycloak.setRole(id, input.role);
    const view = await this.view(await this.keycloak.user(id));
    await this.record(
      actor,
      domainEvent(
        'user.created',
        null,
        { user: { id, username: view.username }, role: (view.role as Role | null) ?? null },
        { before: { userId: id }, after: view },
      ),
    );
    return view;
  }

  async update(actor: Actor, id: string, changes: UpdateUserDto): Promise<UserView> {
    const before = await this.view(await this.ownUser(actor, id));
    if (changes.role) await this.keycloak.setRole(id, changes.role);
    if (changes.enabled !== undefined) await this.keycloak.setEnabled(id, changes.enabled);
    const after = await this.view(await this.keycloak.user(id));
    const user = { id, username: after.username };
    await this.record(
      actor,
      changes.enabled === false
        ? domainEvent('user.disabled', null, { user }, { before: { userId: id, ...before }, after })
        : domainEvent(
            'user.updated',
            null,
            { user, changed: changedKeys(changes) },
            { before: { userId: id, ...before }, after },
          ),
    );
    return after;
  }

  async resetPassword(actor: Actor, id: string, input: ResetPasswordDto): Promise<void> {
    const user = await this.ownUser(actor, id);
    const temporary = input.temporary ?? true;
    await this.keycloak.resetPassword(id, input.password, temporary);
    await this.record(
      actor,
      domainEvent(
        'user.password_reset',
        null,
        { user: { id, username: user.username }, temporary },
        { before: { userId: id }, after: { temporary } },
      ),
    );
  }

  private async ownUser(actor: Actor, id: string): Promise<KeycloakUser> {
    const user = await this.keycloak.user(id).catch(() => undefined);
    if (!user || user.attributes?.tenant?.[0] !== actor.tenant) throw new NotFoundError('User', id);
    return user;
  }

  private async view(user: KeycloakUser): Promise<UserView> {
    const [role] = await this.keycloak.realmRoles(user.id);
    return {
      id: user.id,
      username: user.username,
      email: user.email ?? null,
      name: [user.firstName, user.lastName].filter(Boolean).join(' ') || user.username,
      role: role ?? null,
      enabled: user.enabled,
    };
  }

  /** Keycloak is not transactional with PostgreSQL: the event follows the change it records. */
  private record(actor: Actor, event: NewEvent): Promise<void> {
    return this.db.transaction(actor, async (manager) => this.outbox.append(manager, actor, event));
  }
}
