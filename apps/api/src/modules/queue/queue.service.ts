import { Injectable } from '@nestjs/common';
import { effectivePriority, WorkOrder, WorkOrderStatus } from '@dispatch/domain';
import type { Actor } from '../../core/auth/actor';
import { type Page, pageWindow, type PageQuery } from '../../core/http/pagination';
import { TenantDatabase } from '../../core/tenancy/tenant-database.service';
import { DispatchEngine } from '../dispatch-engine/dispatch-engine.service';
import { QueueExplainer } from '../dispatch-engine/queue-explainer.service';
import { toWorkOrderView } from '../work-orders/dto/work-order.dto';
import type { QueueItemView } from './queue.dto';

@Injectable()
export class QueueService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly engine: DispatchEngine,
    private readonly explainer: QueueExplainer,
  ) {}

  /** Queued work orders in the order they will be served, each with what blocks it. */
  list(actor: Actor, query: PageQuery): Promise<Page<QueueItemView>> {
    const { limit, offset } = pageWindow(query);
    return this.db.transaction(actor, async (manager) => {
      const [{ total }] = (await manager.query(
        `SELECT count(*)::int AS total FROM work_orders WHERE status = 'queued'`,
      )) as { total: number }[];
      const ranked = (await manager.query(
        `SELECT wo.id, GREATEST(0, extract(epoch FROM now() - ${this.engine.queuedSinceSql()}))::float8 AS waited
           FROM work_orders wo WHERE wo.status = 'queued'
          ORDER BY ${this.engine.servingOrderSql()}
          LIMIT $1 OFFSET $2`,
        [limit, offset],
      )) as { id: string; waited: number }[];
      const orders = ranked.length
        ? await manager.find(WorkOrder, {
            where: ranked.map(({ id }) => ({ id, status: WorkOrderStatus.Queued })),
            relations: { requiredQualifications: true },
          })
        : [];
      const byId = new Map(orders.map((order) => [order.id, order]));
      const blockers = await this.explainer.explain(manager, orders);
      const items = ranked.flatMap((row, index) => {
        const order = byId.get(row.id);
        if (!order) return [];
        const waitingSeconds = Math.max(0, Math.floor(row.waited));
        return [
          {
            workOrder: toWorkOrderView(order),
            position: offset + index + 1,
            waitingSeconds,
            effectivePriority: effectivePriority(
              order.priority,
              row.waited,
              this.engine.queueAgingSeconds,
            ),
            blockedBy: blockers.get(order.id) ?? [],
          },
        ];
      });
      return { items, total, limit, offset };
    });
  }
}
