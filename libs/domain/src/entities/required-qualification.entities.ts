import { Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { EquipmentType } from './equipment-type.entity';
import { Qualification } from './qualification.entity';
import { WorkOrder } from './work-order.entity';

/**
 * A qualification every driver of a unit of this equipment type must hold. Removing the type
 * removes its requirements; a qualification still required somewhere cannot be deleted.
 */
@Entity({ name: 'equipment_type_required_qualifications' })
export class EquipmentTypeRequiredQualification {
  @PrimaryColumn({ type: 'uuid' })
  equipmentTypeId: string;

  @PrimaryColumn({ type: 'uuid' })
  qualificationId: string;

  @ManyToOne(() => EquipmentType, (type) => type.requiredQualifications, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'equipment_type_id' })
  equipmentType?: Relation<EquipmentType>;

  @ManyToOne(() => Qualification, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'qualification_id' })
  qualification?: Relation<Qualification>;
}

/** A qualification this particular work needs on top of what its equipment type requires. */
@Entity({ name: 'work_order_required_qualifications' })
export class WorkOrderRequiredQualification {
  @PrimaryColumn({ type: 'uuid' })
  workOrderId: string;

  @PrimaryColumn({ type: 'uuid' })
  qualificationId: string;

  @ManyToOne(() => WorkOrder, (order) => order.requiredQualifications, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'work_order_id' })
  workOrder?: Relation<WorkOrder>;

  @ManyToOne(() => Qualification, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'qualification_id' })
  qualification?: Relation<Qualification>;
}
