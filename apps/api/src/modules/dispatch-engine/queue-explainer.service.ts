import { Injectable } from '@nestjs/common';
import {
  type Blocker,
  type CapacitySnapshot,
  dueDate,
  explainBlockers,
  freeDriverSql,
  freeUnitSql,
  queuedSince,
  requiredQualificationsSql,
  type UnitCounts,
} from '@dispatch/domain';
import type { EntityManager } from 'typeorm';
import { DispatchEngine } from './dispatch-engine.service';

export interface ExplainableOrder {
  id: string;
  equipmentTypeId: string;
  createdAt: Date;
  windowStart: Date | null;
  windowEnd: Date | null;
}

/** Reads the tenant's capacity once and tells, for each queued order, what it is waiting for. */
@Injectable()
export class QueueExplainer {
  constructor(private readonly engine: DispatchEngine) {}

  /** When scheduled work becomes the engine's to dispatch, if that is still ahead. */
  private notBefore(order: ExplainableOrder, now: Date): string | undefined {
    const from = queuedSince(order, this.engine.dispatchLeadMinutes);
    return from > now ? from.toISOString() : undefined;
  }

  async explain(
    manager: EntityManager,
    orders: readonly ExplainableOrder[],
  ): Promise<Map<string, Blocker[]>> {
    const result = new Map<string, Blocker[]>();
    if (orders.length === 0) return result;
    const capacity = await this.capacity(manager);
    const requirements = await this.requirements(manager, orders);
    const now = new Date();
    for (const order of orders) {
      result.set(
        order.id,
        explainBlockers(
          {
            equipmentTypeId: order.equipmentTypeId,
            requiredQualificationIds: requirements.get(order.id) ?? [],
            due: dueDate({ windowEnd: order.windowEnd }),
            notBefore: this.notBefore(order, now),
          },
          capacity,
        ),
      );
    }
    return result;
  }

  private async capacity(manager: EntityManager): Promise<CapacitySnapshot> {
    const units = (await manager.query(
      `SELECT e.equipment_type_id AS type,
              count(*)::int AS total,
              count(*) FILTER (WHERE ${freeUnitSql('e')})::int AS available,
              count(*) FILTER (WHERE e.status = 'dispatched')::int AS dispatched,
              count(*) FILTER (WHERE e.status = 'maintenance')::int AS maintenance
         FROM equipment e WHERE e.status <> 'retired' GROUP BY e.equipment_type_id`,
    )) as ({ type: string } & UnitCounts)[];
    const drivers = (await manager.query(
      `SELECT d.id, ${freeDriverSql('d')} AS free,
              coalesce(json_object_agg(h.qualification_id, h.expires_at::text) FILTER (WHERE h.qualification_id IS NOT NULL), '{}') AS qualifications
         FROM drivers d LEFT JOIN driver_qualifications h ON h.driver_id = d.id
        GROUP BY d.id`,
    )) as { id: string; free: boolean; qualifications: Record<string, string> }[];
    const types = new Map(
      (
        (await manager.query(`SELECT id, code FROM equipment_types`)) as {
          id: string;
          code: string;
        }[]
      ).map((row) => [row.id, row.code]),
    );
    const qualifications = new Map(
      (
        (await manager.query(`SELECT id, code FROM qualifications`)) as {
          id: string;
          code: string;
        }[]
      ).map((row) => [row.id, row.code]),
    );
    return {
      unitsByType: new Map(units.map(({ type, ...counts }) => [type, counts])),
      drivers: drivers.map((driver) => ({
        free: driver.free,
        qualifications: new Map(Object.entries(driver.qualifications)),
      })),
      typeLabel: (id) => types.get(id) ?? id,
      qualificationLabel: (id) => qualifications.get(id) ?? id,
    };
  }

  private async requirements(
    manager: EntityManager,
    orders: readonly ExplainableOrder[],
  ): Promise<Map<string, string[]>> {
    const rows = (await manager.query(
      `SELECT wo.id, ${requiredQualificationsSql('wo')}::text[] AS required
         FROM work_orders wo WHERE wo.id = ANY($1::uuid[])`,
      [orders.map((order) => order.id)],
    )) as { id: string; required: string[] }[];
    return new Map(rows.map((row) => [row.id, [...row.required].sort()]));
  }
}
