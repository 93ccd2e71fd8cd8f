import { randomUUID } from 'node:crypto';
import type { ApiClient } from '@dispatch/testing';

function created<T>(result: { status: number; body: T }, what: string): T {
  if (result.status !== 201)
    throw new Error(`${what} failed: ${result.status} ${JSON.stringify(result.body)}`);
  return result.body;
}

export interface Unit {
  id: string;
  code: string;
  status: string;
}

export interface WorkOrderResult {
  id: string;
  number: string;
  status: string;
  dispatch?: { id: string; equipmentId: string; driverId: string; status: string };
  blockedBy?: { code: string; reason?: string; qualificationId?: string; message: string }[];
}

/**
 * An isolated corner of a tenant for one test: its own qualification, which its equipment type
 * requires and its drivers hold, so no other test's drivers or orders can match into it.
 */
export class Scenario {
  private constructor(
    readonly api: ApiClient,
    readonly qualificationId: string,
    readonly typeId: string,
    readonly siteId: string,
    readonly site: { latitude: number; longitude: number },
  ) {}

  static async create(
    api: ApiClient,
    site = { latitude: 39.74, longitude: -104.99 },
  ): Promise<Scenario> {
    const tag = randomUUID().slice(0, 8);
    const qualification = created(
      await api.post('/qualifications', { code: `Q-${tag}`, name: `Scenario ${tag}` }),
      'qualification',
    );
    const type = created(
      await api.post('/equipment-types', {
        code: `T-${tag}`,
        name: `Type ${tag}`,
        requiredQualificationIds: [qualification.id],
      }),
      'type',
    );
    const created_site = created(
      await api.post('/sites', { name: `Site ${tag}`, address: `${tag} Street`, ...site }),
      'site',
    );
    return new Scenario(api, qualification.id, type.id, created_site.id, site);
  }

  async qualification(): Promise<string> {
    const tag = randomUUID().slice(0, 8);
    return created(
      await this.api.post('/qualifications', { code: `X-${tag}`, name: `Extra ${tag}` }),
      'qualification',
    ).id;
  }

  async unit(
    position?: { latitude: number; longitude: number },
    code = `U-${randomUUID().slice(0, 8)}`,
  ): Promise<Unit> {
    return created(
      await this.api.post('/equipment', {
        code,
        name: `Unit ${code}`,
        equipmentTypeId: this.typeId,
        ...(position ?? {}),
      }),
      'unit',
    );
  }

  async driver(
    options: {
      name?: string;
      onDuty?: boolean;
      expiresAt?: string;
      extra?: { qualificationId: string; expiresAt: string }[];
      username?: string;
    } = {},
  ): Promise<{ id: string; name: string }> {
    return created(
      await this.api.post('/drivers', {
        name: options.name ?? `Driver ${randomUUID().slice(0, 8)}`,
        dutyStatus: options.onDuty === false ? 'off_duty' : 'on_duty',
        ...(options.username ? { username: options.username } : {}),
        qualifications: [
          { qualificationId: this.qualificationId, expiresAt: options.expiresAt ?? '2099-12-31' },
          ...(options.extra ?? []),
        ],
      }),
      'driver',
    );
  }

  async order(
    priority = 'standard',
    extra: Record<string, unknown> = {},
  ): Promise<WorkOrderResult> {
    return created(
      await this.api.post('/work-orders', {
        title: `Work ${priority}`,
        siteId: this.siteId,
        equipmentTypeId: this.typeId,
        priority,
        ...extra,
      }),
      'work order',
    );
  }
}

/** A moment `days` days from now: far enough ahead that work due then is scheduled, not dispatched. */
export function daysAhead(days: number): Date {
  return new Date(Date.now() + days * 86_400_000);
}

/** A one-hour time window starting at `start`, as the API takes it. */
export function hourFrom(start: Date): { start: string; end: string } {
  return { start: start.toISOString(), end: new Date(start.getTime() + 3_600_000).toISOString() };
}

export const DISPATCH_STEPS = ['acknowledged', 'en_route', 'on_site', 'completed'] as const;
