import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { EquipmentStatus, sqlValues } from '../enums';
import { EquipmentType } from './equipment-type.entity';
import { numericTransformer } from './numeric-transformer';

/** One equipment unit (a truck, a crane, a generator…). */
@Entity({ name: 'equipment' })
@Check('equipment_status_valid', `status IN (${sqlValues(Object.values(EquipmentStatus))})`)
@Check('equipment_latitude_range', 'latitude BETWEEN -90 AND 90')
@Check('equipment_longitude_range', 'longitude BETWEEN -180 AND 180')
@Index('equipment_type_status_idx', ['equipmentTypeId', 'status'])
export class Equipment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 50, unique: true })
  code: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'uuid' })
  equipmentTypeId: string;

  @ManyToOne(() => EquipmentType, { onDelete: 'RESTRICT', nullable: false })
  @JoinColumn({ name: 'equipment_type_id' })
  equipmentType?: Relation<EquipmentType>;

  @Column({ type: 'varchar', length: 20, default: EquipmentStatus.Available })
  status: EquipmentStatus;

  @Column({
    type: 'numeric',
    precision: 9,
    scale: 6,
    nullable: true,
    transformer: numericTransformer,
  })
  latitude: number | null;

  @Column({
    type: 'numeric',
    precision: 9,
    scale: 6,
    nullable: true,
    transformer: numericTransformer,
  })
  longitude: number | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  /** Dispatches given today (`assignmentsDay`), for "least used today"; kept by the engine. */
  @Column({ type: 'integer', default: 0 })
  assignmentsToday: number;

  @Column({ type: 'date', nullable: true })
  assignmentsDay: string | null;
}
