import {
  Column,
  CreateDateColumn,
  Entity,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { EquipmentTypeRequiredQualification } from './required-qualification.entities';

@Entity({ name: 'equipment_types' })
export class EquipmentType {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 50, unique: true })
  code: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** Every driver of a unit of this type must hold all of these. */
  @OneToMany(() => EquipmentTypeRequiredQualification, (required) => required.equipmentType)
  requiredQualifications?: Relation<EquipmentTypeRequiredQualification[]>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
