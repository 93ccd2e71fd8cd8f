import { Injectable } from '@nestjs/common';
import {
  ConflictError,
  DomainError,
  DutyStatus,
  Driver,
  DriverQualification,
  NotFoundError,
  Qualification,
  Role,
} from '@dispatch/domain';
import type { EntityManager } from 'typeorm';
import { type Actor, hasRole } from '../../core/auth/actor';
import { AuditService } from '../../core/audit/audit.service';
import { type Page, pageWindow } from '../../core/http/pagination';
import { assertAllExist, containsPattern, findOrFail } from '../../core/tenancy/lookups';
import { TenantDatabase } from '../../core/tenancy/tenant-database.service';
import { DispatchEngine } from '../dispatch-engine/dispatch-engine.service';
import {
  type CreateDriverDto,
  type DriverListQuery,
  type DriverView,
  type HeldQualificationInput,
  toDriverView,
  type UpdateDriverDto,
} from './dto/driver.dto';

const WITH_QUALIFICATIONS = { qualifications: { qualification: true } } as const;

function changedFields(changes: UpdateDriverDto): string[] {
  return Object.keys(changes).filter((key) => changes[key as keyof UpdateDriverDto] !== undefined);
}

@Injectable()
export class DriversService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly audit: AuditService,
    private readonly engine: DispatchEngine,
  ) {}

  list(actor: Actor, query: DriverListQuery): Promise<Page<DriverView>> {
    const { limit, offset } = pageWindow(query);
    return this.db.transaction(actor, async (manager) => {
      const builder = manager
        .createQueryBuilder(Driver, 'driver')
        .orderBy('driver.name', 'ASC')
        .addOrderBy('driver.id', 'ASC');
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
    return this.db.transaction(actor, async (manager) => {
      await this.engine.lockQueue(manager); // it will serve the queue: queue lock before row locks
      const { qualifications, ...fields } = input;
      const driver = await manager.save(manager.create(Driver, fields));
      await this.replaceQualifications(manager, driver.id, qualifications);
      const view = await this.load(manager, driver.id);
      await this.audit.record(manager, actor, {
        action: 'driver.created',
        entityType: 'driver',
        entityId: driver.id,
        after: view,
      });
      await this.engine.drain(manager, actor);
      return view;
    });
  }

  update(actor: Actor, id: string, changes: UpdateDriverDto): Promise<DriverView> {
    return this.db.transaction(actor, async (manager) => {
      await this.engine.lockQueue(manager); // it will serve the queue: queue lock before row locks
      const driver = await findOrFail(manager, Driver, 'Driver', id, { lock: true });
      await this.assertMayChange(manager, actor, driver, changes);
      if (changes.dutyStatus === DutyStatus.OffDuty && driver.activeDispatchId) {
        throw new ConflictError(
          `${driver.name} is on an open dispatch; complete, cancel or re-assign it before going off duty`,
          {
            dispatchId: driver.activeDispatchId,
          },
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
      const dutyOnly = changedFields(changes).every((field) => field === 'dutyStatus');
      await this.audit.record(manager, actor, {
        action:
          dutyOnly && before.dutyStatus !== after.dutyStatus
            ? 'driver.duty_changed'
            : 'driver.updated',
        entityType: 'driver',
        entityId: id,
        before,
        after,
      });
      await this.engine.drain(manager, actor);
      return after;
    });
  }

  remove(actor: Actor, id: string): Promise<void> {
    return this.db.transaction(actor, async (manager) => {
      await findOrFail(manager, Driver, 'Driver', id, { lock: true });
      const before = await this.load(manager, id);
      await manager.delete(Driver, { id });
      await this.audit.record(manager, actor, {
        action: 'driver.deleted',
        entityType: 'driver',
        entityId: id,
        before,
      });
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
    const dutyOnly = changedFields(changes).every((field) => field === 'dutyStatus');
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
    await this.audit.record(manager, actor, {
      action: 'driver.login_linked',
      entityType: 'driver',
      entityId: byUsername.id,
      after: { keycloakSubject: actor.subject, username: actor.name },
    });
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
