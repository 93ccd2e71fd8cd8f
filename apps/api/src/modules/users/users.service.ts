import { Injectable } from '@nestjs/common';
import { domainEvent, LastAdminError, type NewEvent, NotFoundError, Role } from '@dispatch/domain';
import type { Actor } from '../../core/auth/actor';
import { changedKeys } from '../../core/events/changed-keys';
import { EventOutbox } from '../../core/events/event-outbox.service';
import {
  KeycloakAdminClient,
  type KeycloakUser,
  type UserChanges,
} from '../../core/keycloak/keycloak-admin.client';
import { TenantDatabase } from '../../core/tenancy/tenant-database.service';
import type { CreateUserDto, ResetPasswordDto, UpdateUserDto, UserView } from './dto/user.dto';

/**
 * The transaction-scoped advisory lock (with the tenant's schema) under which a change that may
 * take away an enabled admin is checked and made. Namespaces taken: 1 deciding dispatches, 2 the
 * audit chain, 3 serving the queue, 4 instance liveness.
 */
const ADMIN_GUARD_LOCK = 5;

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

  /**
   * Changes a user's role, whether they may sign in, their name or email. A change that takes an enabled admin away
   * (demoted or disabled) is refused when they are the organization's last one, the admin making
   * it included: checked and made under a lock per tenant, so two admins demoting each other at
   * the same moment cannot both succeed.
   */
  async update(actor: Actor, id: string, changes: UpdateUserDto): Promise<UserView> {
    const before = await this.view(await this.ownUser(actor, id));
    const takesAdminAway =
      changes.enabled === false || (changes.role !== undefined && changes.role !== Role.Admin);
    if (!takesAdminAway) {
      const after = await this.apply(id, changes);
      await this.record(actor, this.updateEvent(id, changes, before, after));
      return after;
    }
    return this.db.transaction(actor, async (manager) => {
      await manager.query(
        `SELECT pg_advisory_xact_lock(${ADMIN_GUARD_LOCK}, hashtext(current_schema()))`,
      );
      const admins = await this.enabledAdmins(actor.tenant);
      if (admins.length === 1 && admins[0] === id)
        throw new LastAdminError(before.username, changes.enabled === false ? 'disable' : 'demote');
      const after = await this.apply(id, changes);
      // Keycloak is not transactional with PostgreSQL: the event follows the change it records.
      this.outbox.append(manager, actor, this.updateEvent(id, changes, before, after));
      return after;
    });
  }

  /** Ids of the tenant's users who may sign in and hold the admin role, as Keycloak has them now. */
  private async enabledAdmins(tenant: string): Promise<string[]> {
    const enabled = (await this.keycloak.usersOfTenant(tenant)).filter((user) => user.enabled);
    const roles = await Promise.all(enabled.map((user) => this.keycloak.realmRoles(user.id)));
    return enabled.filter((_, index) => roles[index].includes(Role.Admin)).map((user) => user.id);
  }

  private async apply(id: string, changes: UpdateUserDto): Promise<UserView> {
    if (changes.role) await this.keycloak.setRole(id, changes.role);
    const profile: UserChanges = {};
    if (typeof changes.enabled === 'boolean') profile.enabled = changes.enabled;
    for (const field of ['email', 'firstName', 'lastName'] as const) {
      const value = changes[field];
      if (typeof value === 'string') profile[field] = value;
    }
    if (Object.keys(profile).length > 0) await this.keycloak.updateUser(id, profile);
    return this.view(await this.keycloak.user(id));
  }

  private updateEvent(
    id: string,
    changes: UpdateUserDto,
    before: UserView,
    after: UserView,
  ): NewEvent {
    const user = { id, username: after.username };
    return changes.enabled === false
      ? domainEvent('user.disabled', null, { user }, { before: { userId: id, ...before }, after })
      : domainEvent(
          'user.updated',
          null,
          { user, changed: changedKeys(changes) },
          { before: { userId: id, ...before }, after },
        );
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
      firstName: user.firstName || null,
      lastName: user.lastName || null,
      role: role ?? null,
      enabled: user.enabled,
    };
  }

  /** Keycloak is not transactional with PostgreSQL: the event follows the change it records. */
  private record(actor: Actor, event: NewEvent): Promise<void> {
    return this.db.transaction(actor, async (manager) => this.outbox.append(manager, actor, event));
  }
}
