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
    const { capacity, requirements } = await this.read(manager, orders);
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

  /**
   * The tenant's capacity (units by type, drivers and what they hold, the labels) and the orders'
   * requirements in one statement: one round trip and one snapshot. A new order that stays queued
   * is explained while it holds the queue's decide lock, so every round trip here is one every
   * other order waiting to be queued waits for too.
   */
  private async read(
    manager: EntityManager,
    orders: readonly ExplainableOrder[],
  ): Promise<{ capacity: CapacitySnapshot; requirements: Map<string, string[]> }> {
    const [row] = (await manager.query(
      `SELECT
         (SELECT coalesce(json_agg(u), '[]') FROM (
            SELECT e.equipment_type_id AS type,
                   count(*)::int AS total,
                   count(*) FILTER (WHERE ${freeUnitSql('e')})::int AS available,
                   count(*) FILTER (WHERE e.status = 'dispatched')::int AS dispatched,
                   count(*) FILTER (WHERE e.status = 'maintenance')::int AS maintenance
              FROM equipment e WHERE e.status <> 'retired' GROUP BY e.equipment_type_id) u) AS units,
         (SELECT coalesce(json_agg(d), '[]') FROM (
            SELECT ${freeDriverSql('d')} AS free,
                   coalesce(json_object_agg(h.qualification_id, h.expires_at::text)
                              FILTER (WHERE h.qualification_id IS NOT NULL), '{}') AS qualifications
              FROM drivers d LEFT JOIN driver_qualifications h ON h.driver_id = d.id
             GROUP BY d.id) d) AS drivers,
         (SELECT coalesce(json_object_agg(id, code), '{}') FROM equipment_types) AS types,
         (SELECT coalesce(json_object_agg(id, code), '{}') FROM qualifications) AS qualifications,
         (SELECT coalesce(json_object_agg(wo.id, ${requiredQualificationsSql('wo')}), '{}')
            FROM work_orders wo WHERE wo.id = ANY($1::uuid[])) AS requirements`,
      [orders.map((order) => order.id)],
    )) as {
      units: ({ type: string } & UnitCounts)[];
      drivers: { free: boolean; qualifications: Record<string, string> }[];
      types: Record<string, string>;
      qualifications: Record<string, string>;
      requirements: Record<string, string[] | null>;
    }[];
    const types = new Map(Object.entries(row.types));
    const qualifications = new Map(Object.entries(row.qualifications));
    return {
      capacity: {
        unitsByType: new Map(row.units.map(({ type, ...counts }) => [type, counts])),
        drivers: row.drivers.map((driver) => ({
          free: driver.free,
          qualifications: new Map(Object.entries(driver.qualifications)),
        })),
        typeLabel: (id) => types.get(id) ?? id,
        qualificationLabel: (id) => qualifications.get(id) ?? id,
      },
      requirements: new Map(
        Object.entries(row.requirements).map(([id, required]) => [
          id,
          [...(required ?? [])].sort(),
        ]),
      ),
    };
  }
}
