import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { DispatchStatus, OPEN_DISPATCH_STATUSES, sqlValues } from '../enums';
import { Driver } from './driver.entity';
import { Equipment } from './equipment.entity';
import { WorkOrder } from './work-order.entity';

const OPEN = `status IN (${sqlValues(OPEN_DISPATCH_STATUSES)})`;

/**
 * A work order assigned to one equipment unit and one driver. The partial unique indexes make
 * double-booking impossible in the database itself: at most one open dispatch per unit, per
 * driver and per work order. They are on `open` (generated from the status), so a step that keeps
 * the dispatch open changes no indexed column and is updated in place.
 */
@Entity({ name: 'dispatches' })
@Check('dispatches_status_valid', `status IN (${sqlValues(Object.values(DispatchStatus))})`)
@Check(
  'dispatches_completion_note_when_completed',
  `completion_note IS NULL OR status = '${DispatchStatus.Completed}'`,
)
@Index('dispatches_one_open_per_equipment', ['equipmentId'], { unique: true, where: 'open' })
@Index('dispatches_one_open_per_driver', ['driverId'], { unique: true, where: 'open' })
@Index('dispatches_one_open_per_work_order', ['workOrderId'], { unique: true, where: 'open' })
@Index('dispatches_work_order_idx', ['workOrderId'])
@Index('dispatches_driver_idx', ['driverId', 'assignedAt'])
@Index('dispatches_equipment_idx', ['equipmentId', 'assignedAt'])
export class Dispatch {
  /** Time-ordered (UUID version 7) so new rows append to the indexes on it. */
  @PrimaryColumn({ type: 'uuid', default: () => 'uuid_v7()' })
  id: string;

  @Column({ type: 'uuid' })
  workOrderId: string;

  /** Still holds its unit, driver and order (derived from the status by PostgreSQL). */
  @Column({
    type: 'boolean',
    generatedType: 'STORED',
    asExpression: OPEN,
    insert: false,
    update: false,
    select: false,
  })
  open?: boolean;

  @ManyToOne(() => WorkOrder, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'work_order_id' })
  workOrder?: Relation<WorkOrder>;

  @Column({ type: 'uuid' })
  equipmentId: string;

  @ManyToOne(() => Equipment, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'equipment_id' })
  equipment?: Relation<Equipment>;

  @Column({ type: 'uuid' })
  driverId: string;

  @ManyToOne(() => Driver, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'driver_id' })
  driver?: Relation<Driver>;

  @Column({ type: 'varchar', length: 20, default: DispatchStatus.Assigned })
  status: DispatchStatus;

  /** Keycloak subject of the dispatcher, or `auto` for the dispatch engine. */
  @Column({ type: 'varchar', length: 64 })
  dispatchedBy: string;

  @Column({ type: 'timestamptz' })
  assignedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  acknowledgedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  enRouteAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  onSiteAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  cancelledAt: Date | null;

  /** What the driver (or dispatcher) wrote on completing the job, if anything. */
  @Column({ type: 'varchar', length: 2000, nullable: true })
  completionNote: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
