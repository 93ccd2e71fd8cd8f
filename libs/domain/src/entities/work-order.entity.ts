import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Generated,
  Index,
  JoinColumn,
  OneToMany,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { OPEN_WORK_ORDER_STATUSES, Priority, sqlValues, WorkOrderStatus } from '../enums';
import { CURRENT_CHANGE_XID_SQL, WORK_ORDER_OPEN_EXTERNAL_REF_INDEX } from '../rules/change-feed';
import { EquipmentType } from './equipment-type.entity';
import { WorkOrderRequiredQualification } from './required-qualification.entities';
import { Site } from './site.entity';

@Entity({ name: 'work_orders' })
@Check('work_orders_status_valid', `status IN (${sqlValues(Object.values(WorkOrderStatus))})`)
@Check('work_orders_priority_valid', `priority IN (${sqlValues(Object.values(Priority))})`)
@Check(
  'work_orders_window_valid',
  '(window_start IS NULL AND window_end IS NULL) OR (window_start IS NOT NULL AND window_end IS NOT NULL AND window_end > window_start)',
)
// An ERP's key names at most one open order; a completed or cancelled order's key is free again.
@Index(WORK_ORDER_OPEN_EXTERNAL_REF_INDEX, ['externalRef'], {
  unique: true,
  where: `external_ref IS NOT NULL AND status IN (${sqlValues(OPEN_WORK_ORDER_STATUSES)})`,
})
@Index('work_orders_external_ref_idx', ['externalRef'], { where: 'external_ref IS NOT NULL' })
@Index('work_orders_change_idx', ['changeXid', 'id'])
@Index('work_orders_status_priority_idx', ['status', 'priority', 'createdAt'])
@Index('work_orders_created_at_idx', ['createdAt'])
export class WorkOrder {
  /** Time-ordered (UUID version 7) so new rows append to the indexes on it. */
  @PrimaryColumn({ type: 'uuid', default: () => 'uuid_v7()' })
  id: string;

  /** Human-facing sequence number, shown as `WO-000123`. */
  @Column({ type: 'integer', unique: true })
  @Generated('increment')
  number: number;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'uuid' })
  siteId: string;

  @ManyToOne(() => Site, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'site_id' })
  site?: Relation<Site>;

  @Column({ type: 'uuid' })
  equipmentTypeId: string;

  @ManyToOne(() => EquipmentType, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'equipment_type_id' })
  equipmentType?: Relation<EquipmentType>;

  /** Qualifications the work needs on top of those the equipment type requires. */
  @OneToMany(() => WorkOrderRequiredQualification, (required) => required.workOrder)
  requiredQualifications?: Relation<WorkOrderRequiredQualification[]>;

  @Column({ type: 'varchar', length: 20 })
  priority: Priority;

  @Column({ type: 'timestamptz', nullable: true })
  windowStart: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  windowEnd: Date | null;

  @Column({ type: 'text', nullable: true })
  notes: string | null;

  /** The order's id in the customer's ERP; unique among the tenant's open (queued or dispatched) orders. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  externalRef: string | null;

  @Column({ type: 'varchar', length: 20, default: WorkOrderStatus.Queued })
  status: WorkOrderStatus;

  /** Keycloak subject of the creator. */
  @Column({ type: 'varchar', length: 64 })
  createdBy: string;

  @Column({ type: 'timestamptz', nullable: true })
  cancelledAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  /** First dispatch; kept by a trigger on `dispatches`, never written by the application. */
  @Column({ type: 'timestamptz', nullable: true, insert: false, update: false })
  dispatchedAt: Date | null;

  /** First arrival on site; kept by a trigger on `dispatches`, never written by the application. */
  @Column({ type: 'timestamptz', nullable: true, insert: false, update: false })
  onSiteAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  /**
   * The transaction that last changed what the API shows of the order (its 64-bit id, as
   * `pg_current_xact_id()` gives it): the position of the change in the incremental sync. Inserts
   * get it by default; every statement that sets `updated_at` also sets it to
   * `CURRENT_CHANGE_XID_SQL`. Statements that touch only reporting columns (first dispatch, first
   * arrival) set neither.
   */
  @Column({ type: 'bigint', default: () => CURRENT_CHANGE_XID_SQL, insert: false, select: false })
  changeXid?: string;
}
