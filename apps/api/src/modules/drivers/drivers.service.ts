import { Injectable } from '@nestjs/common';
import {
  ConflictError,
  domainEvent,
  DomainError,
  DutyStatus,
  Driver,
  DriverQualification,
  type NewEvent,
  NotFoundError,
  Qualification,
  Role,
} from '@dispatch/domain';
import type { EntityManager } from 'typeorm';
import { type Actor, hasRole } from '../../core/auth/actor';
import { changedKeys } from '../../core/events/changed-keys';
import { EventOutbox } from '../../core/events/event-outbox.service';
import { orderBySort, type Page, pageWindow } from '../../core/http/pagination';
import { assertAllExist, containsPattern, findOrFail } from '../../core/tenancy/lookups';
import { TenantDatabase } from '../../core/tenancy/tenant-database.service';
import {
  type CreateDriverDto,
  type DriverListQuery,
  type DriverView,
  type HeldQualificationInput,
  toDriverView,
  type UpdateDriverDto,
  type UpdateOwnDutyDto,
  DRIVER_SORTING,
} from './dto/driver.dto';

const WITH_QUALIFICATIONS = { qualifications: { qualification: true } } as const;

/**
 * What a change to a driver means, as events: duty on or off, each qualification added, renewed
 * or removed, and any other edit.
 */
function driverChangeEvents(
  before: DriverView,
  after: DriverView,
  changes: UpdateDriverDto,
): NewEvent[] {
  const driver = { id: after.id, name: after.name };
  const events: NewEvent[] = [];
  if (before.dutyStatus !== after.dutyStatus) {
    events.push(
      domainEvent(
        'driver.duty_changed',
        driver.id,
        { driver, from: before.dutyStatus, to: after.dutyStatus },
        { before: { dutyStatus: before.dutyStatus }, after: { dutyStatus: after.dutyStatus } },
      ),
    );
  }
  const held = new Map(before.qualifications.map((entry) => [entry.qualificationId, entry]));
  const now = new Map(after.qualifications.map((entry) => [entry.qualificationId, entry]));
  for (const entry of after.qualifications) {
    const previous = held.get(entry.qualificationId);
    if (previous?.expiresAt === entry.expiresAt) continue;
    const change = {
      driver,
      qualification: { id: entry.qualificationId, code: entry.code },
      expiresAt: entry.expiresAt,
      previousExpiresAt: previous?.expiresAt ?? null,
    };
    events.push(
      previous
        ? domainEvent('driver.qualification_renewed', driver.id, change, {
            before: { expiresAt: previous.expiresAt },
            after: { expiresAt: entry.expiresAt },
          })
        : domainEvent('driver.qualification_added', driver.id, change, {
            after: { expiresAt: entry.expiresAt },
          }),
    );
  }
  for (const entry of before.qualifications) {
    if (now.has(entry.qualificationId)) continue;
    events.push(
      domainEvent(
        'driver.qualification_removed',
        driver.id,
        {
          driver,
          qualification: { id: entry.qualificationId, code: entry.code },
          expiresAt: null,
          previousExpiresAt: entry.expiresAt,
        },
        { before: { expiresAt: entry.expiresAt } },
      ),
    );
  }
  const others = changedKeys(changes).filter(
    (field) => field !== 'dutyStatus' && field !== 'qualifications',
  );
  if (others.length > 0) {
    events.push(
      domainEvent('driver.updated', driver.id, { driver, changed: others }, { before, after }),
    );
  }
  return events;
}

@Injectable()
export class DriversService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly outbox: EventOutbox,
  ) {}

  list(actor: Actor, query: DriverListQuery): Promise<Page<DriverView>> {
    const { limit, offset } = pageWindow(query);
    return this.db.transaction(actor, async (manager) => {
      const builder = orderBySort(
        manager.createQueryBuilder(Driver, 'driver'),
        query.sort,
        DRIVER_SORTING,
        { name: 'driver.name', username: 'driver.username', dutyStatus: 'driver.dutyStatus' },
        'driver.id',
      );
      if (query.dutyStatus)
        builder.andWhere('driver.dutyStatus = :duty', { duty: query.dutyStatus });
      if (query.qualificationId) {
        builder.andWhere(
          'EXISTS (SELECT 1 FROM driver_qualifications held WHERE held.driver_id = driver.id AND held.qualification_id = :qualificationId)',
          { qualificationId: query.qualificationId },
        );
      }
      if (query.q) {
        builder.andWhere(
          '(driver.name ILIKE :q OR driver.email ILIKE :q OR driver.username ILIKE :q)',
          { q: containsPattern(query.q) },
        );
      }
      const [page, total] = await builder
        .select('driver.id')
        .take(limit)
        .skip(offset)
        .getManyAndCount();
      const drivers = page.length
        ? await manager.find(Driver, {
            where: page.map(({ id }) => ({ id })),
            relations: WITH_QUALIFICATIONS,
          })
        : [];
      const byId = new Map(drivers.map((driver) => [driver.id, driver]));
      return {
        items: page.map(({ id }) => toDriverView(byId.get(id) as Driver)),
        total,
        limit,
        offset,
      };
    });
  }

  get(actor: Actor, id: string): Promise<DriverView> {
    return this.db.transaction(actor, async (manager) => this.load(manager, id));
  }

  /** The driver record of the calling user: matched by Keycloak subject, or bound to it on first use by username. */
  me(actor: Actor): Promise<DriverView> {
    return this.db.transaction(actor, async (manager) =>
      this.load(manager, (await this.ownDriver(manager, actor)).id),
    );
  }

  create(actor: Actor, input: CreateDriverDto): Promise<DriverView> {
    return this.db.transaction(
      actor,
      async (manager) => {
        const { qualifications, ...fields } = input;
        const driver = await manager.save(manager.create(Driver, fields));
        await this.replaceQualifications(manager, driver.id, qualifications);
        const view = await this.load(manager, driver.id);
        this.outbox.append(
          manager,
          actor,
          domainEvent(
            'driver.created',
            driver.id,
            { driver: { id: driver.id, name: view.name, dutyStatus: view.dutyStatus } },
            { after: view },
          ),
        );
        return view;
      },
      // A new driver on duty may serve a queued order.
      { servesQueue: true },
    );
  }

  update(actor: Actor, id: string, changes: UpdateDriverDto): Promise<DriverView> {
    return this.db.transaction(
      actor,
      async (manager) => {
        const driver = await findOrFail(manager, Driver, 'Driver', id, { lock: true });
        await this.assertMayChange(manager, actor, driver, changes);
        return this.applyChanges(manager, actor, driver, changes);
      },
      // On duty again, or newly qualified: queued work may now fit.
      { servesQueue: true },
    );
  }

  /** The calling driver goes on or off duty (`PATCH /drivers/me`), as an admin's change would. */
  updateOwnDuty(actor: Actor, input: UpdateOwnDutyDto): Promise<DriverView> {
    return this.db.transaction(
      actor,
      async (manager) => {
        const own = await this.ownDriver(manager, actor);
        // Locked as `update` locks it: a booking of this driver waits, or this waits for it.
        const driver = await findOrFail(manager, Driver, 'Driver', own.id, { lock: true });
        return this.applyChanges(
          manager,
          actor,
          driver,
          { dutyStatus: input.dutyStatus },
          { own: true },
        );
      },
      // On duty again: queued work may now fit.
      { servesQueue: true },
    );
  }

  /**
   * Applies checked changes to a driver the caller has locked, with their events. Refuses off
   * duty while the driver is on an open dispatch (read under the lock, so no booking slips in);
   * `own`: the driver asks for themself, and is told what they can do about it.
   */
  private async applyChanges(
    manager: EntityManager,
    actor: Actor,
    driver: Driver,
    changes: UpdateDriverDto,
    { own = false }: { own?: boolean } = {},
  ): Promise<DriverView> {
    const { id } = driver;
    if (changes.dutyStatus === DutyStatus.OffDuty && driver.activeDispatchId) {
      throw new ConflictError(
        own
          ? 'You are on an open job: complete it, or ask your dispatcher to re-assign it, before going off duty'
          : `${driver.name} is on an open dispatch; complete, cancel or re-assign it before going off duty`,
        { dispatchId: driver.activeDispatchId },
      );
    }
    const before = await this.load(manager, id);
    const { qualifications, ...fields } = changes;
    // Setting a login unbinds the old subject; the new user binds on first sign-in.
    const relink =
      fields.username !== undefined && fields.username !== driver.username
        ? { keycloakSubject: null }
        : {};
    await manager.save(Object.assign(driver, { ...fields, ...relink }));
    if (qualifications) await this.replaceQualifications(manager, id, qualifications);
    const after = await this.load(manager, id);
    this.outbox.append(manager, actor, ...driverChangeEvents(before, after, changes));
    return after;
  }

  remove(actor: Actor, id: string): Promise<void> {
    return this.db.transaction(actor, async (manager) => {
      await findOrFail(manager, Driver, 'Driver', id, { lock: true });
      const before = await this.load(manager, id);
      await manager.delete(Driver, { id });
      this.outbox.append(
        manager,
        actor,
        domainEvent('driver.deleted', id, { driver: { id, name: before.name } }, { before }),
      );
    });
  }

  /** Admins change anything; dispatchers only duty; drivers only their own duty. */
  private async assertMayChange(
    manager: EntityManager,
    actor: Actor,
    driver: Driver,
    changes: UpdateDriverDto,
  ): Promise<void> {
    if (hasRole(actor, Role.Admin)) return;
    const dutyOnly = changedKeys(changes).every((field) => field === 'dutyStatus');
    if (!dutyOnly)
      throw new DomainError('FORBIDDEN', 'Only admins may edit a driver beyond duty status');
    if (hasRole(actor, Role.Dispatcher)) return;
    const own = await this.ownDriver(manager, actor).catch(() => undefined);
    if (own?.id !== driver.id)
      throw new DomainError('FORBIDDEN', 'Drivers may change only their own duty status');
  }

  private async ownDriver(manager: EntityManager, actor: Actor): Promise<Driver> {
    const bound = await manager.findOneBy(Driver, { keycloakSubject: actor.subject });
    if (bound) return bound;
    const byUsername = await manager.findOne(Driver, {
      where: { username: actor.name },
      lock: { mode: 'pessimistic_write' },
    });
    if (!byUsername || byUsername.keycloakSubject !== null) {
      throw new NotFoundError('Driver profile of user', actor.name);
    }
    byUsername.keycloakSubject = actor.subject;
    await manager.save(byUsername);
    this.outbox.append(
      manager,
      actor,
      domainEvent(
        'driver.login_linked',
        byUsername.id,
        { driver: { id: byUsername.id, name: byUsername.name }, username: actor.name },
        { after: { keycloakSubject: actor.subject, username: actor.name } },
      ),
    );
    return byUsername;
  }

  private async load(manager: EntityManager, id: string): Promise<DriverView> {
    return toDriverView(
      await findOrFail(manager, Driver, 'Driver', id, { relations: WITH_QUALIFICATIONS }),
    );
  }

  private async replaceQualifications(
    manager: EntityManager,
    driverId: string,
    held: HeldQualificationInput[],
  ): Promise<void> {
    const ids = held.map((entry) => entry.qualificationId);
    if (new Set(ids).size !== ids.length) {
      throw new DomainError('VALIDATION', 'A qualification is listed twice', {
        fields: [{ field: 'qualifications', message: 'each qualification may appear once' }],
      });
    }
    await assertAllExist(manager, Qualification, 'Qualification', ids, 'qualifications');
    await manager.delete(DriverQualification, { driverId });
    if (held.length > 0) {
      await manager.insert(
        DriverQualification,
        held.map((entry) => ({ driverId, ...entry })),
      );
    }
  }
}
