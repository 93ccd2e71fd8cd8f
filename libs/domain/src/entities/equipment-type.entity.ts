import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { EquipmentTypeRequiredQualification } from './required-qualification.entities';

@Entity({ name: 'equipment_types' })
@Index('equipment_types_external_ref_unique', ['externalRef'], {
  unique: true,
  where: 'external_ref IS NOT NULL',
})
export class EquipmentType {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 50, unique: true })
  code: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** The type's key in the customer's ERP, so work orders may name it instead of its id; unique per tenant. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  externalRef: string | null;

  /** Every driver of a unit of this type must hold all of these. */
  @OneToMany(() => EquipmentTypeRequiredQualification, (required) => required.equipmentType)
  requiredQualifications?: Relation<EquipmentTypeRequiredQualification[]>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
