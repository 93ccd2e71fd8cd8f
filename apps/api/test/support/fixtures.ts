import { randomUUID } from 'node:crypto';
import type { ApiClient } from '@dispatch/testing';
import { daysAhead, hourFrom } from './scenario';

/** Creates records through the real API as an admin; each call makes a new, uniquely coded record. */
export class Fixtures {
  constructor(private readonly admin: ApiClient) {}

  private unique(prefix: string): string {
    return `${prefix}-${randomUUID().slice(0, 8)}`;
  }

  private async created<T>(response: Promise<{ status: number; body: T }>): Promise<T> {
    const result = await response;
    if (result.status !== 201)
      throw new Error(`fixture creation failed: ${result.status} ${JSON.stringify(result.body)}`);
    return result.body;
  }

  qualification(code = this.unique('Q')): Promise<{ id: string; code: string }> {
    return this.created(
      this.admin.post('/qualifications', { code, name: `Qualification ${code}` }),
    );
  }

  equipmentType(requiredQualificationIds: string[] = []): Promise<{ id: string; code: string }> {
    const code = this.unique('type');
    return this.created(
      this.admin.post('/equipment-types', { code, name: `Type ${code}`, requiredQualificationIds }),
    );
  }

  site(): Promise<{ id: string; name: string }> {
    return this.created(
      this.admin.post('/sites', {
        name: this.unique('Site'),
        address: '1 Test Street',
        latitude: 39.7,
        longitude: -104.9,
      }),
    );
  }

  equipment(equipmentTypeId: string): Promise<{ id: string; code: string; status: string }> {
    return this.created(
      this.admin.post('/equipment', {
        code: this.unique('EQ'),
        name: 'Test unit',
        equipmentTypeId,
        latitude: 39.7,
        longitude: -104.9,
      }),
    );
  }

  driver(extra: Record<string, unknown> = {}): Promise<{ id: string; name: string }> {
    return this.created(
      this.admin.post('/drivers', { name: this.unique('Driver'), qualifications: [], ...extra }),
    );
  }

  workOrder(
    siteId: string,
    equipmentTypeId: string,
    extra: Record<string, unknown> = {},
  ): Promise<{ id: string; number: string; status: string }> {
    return this.created(
      this.admin.post('/work-orders', {
        title: 'Test work',
        siteId,
        equipmentTypeId,
        priority: 'standard',
        ...extra,
      }),
    );
  }

  /** Work whose window starts in three days: it stays queued (scheduled), free for a manual dispatch. */
  scheduledWorkOrder(
    siteId: string,
    equipmentTypeId: string,
  ): Promise<{ id: string; status: string }> {
    return this.workOrder(siteId, equipmentTypeId, { window: hourFrom(daysAhead(3)) });
  }

  /**
   * An open dispatch made by hand on a fresh type, unit and scheduled order; the driver is a fresh
   * on-duty one unless `driverId` names one (which must be on duty and free).
   */
  async manualDispatch(
    driverId?: string,
  ): Promise<{ id: string; equipmentId: string; driverId: string; workOrderId: string }> {
    const type = await this.equipmentType();
    const site = await this.site();
    const unit = await this.equipment(type.id);
    const driver = driverId ?? (await this.driver({ dutyStatus: 'on_duty' })).id;
    const order = await this.scheduledWorkOrder(site.id, type.id);
    return this.created(
      this.admin.post('/dispatches', {
        workOrderId: order.id,
        equipmentId: unit.id,
        driverId: driver,
      }),
    );
  }
}
