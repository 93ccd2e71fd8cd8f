import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { DutyStatus, sqlValues } from '../enums';
import { DriverQualification } from './driver-qualification.entity';

@Entity({ name: 'drivers' })
@Check('drivers_duty_status_valid', `duty_status IN (${sqlValues(Object.values(DutyStatus))})`)
@Index('drivers_active_dispatch_unique', ['activeDispatchId'], {
  unique: true,
  where: 'active_dispatch_id IS NOT NULL',
})
@Index('drivers_keycloak_subject_unique', ['keycloakSubject'], {
  unique: true,
  where: 'keycloak_subject IS NOT NULL',
})
export class Driver {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 40, nullable: true })
  phone: string | null;

  @Column({ type: 'varchar', length: 320, nullable: true })
  email: string | null;

  /** The Keycloak subject (`sub`) of the driver's login, if the driver has one. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  keycloakSubject: string | null;

  /** The Keycloak username of the driver's login; bound to `keycloakSubject` on first sign-in. */
  @Column({ type: 'varchar', length: 255, nullable: true, unique: true })
  username: string | null;

  @Column({ type: 'varchar', length: 20, default: DutyStatus.OffDuty })
  dutyStatus: DutyStatus;

  /**
   * The open dispatch the driver is on, if any. Kept on the row (not only derived from dispatches)
   * so that a matcher waiting on the driver's row lock re-checks it after the lock is granted.
   */
  @Column({ type: 'uuid', nullable: true })
  activeDispatchId: string | null;

  @OneToMany(() => DriverQualification, (held) => held.driver, { cascade: true })
  qualifications: Relation<DriverQualification[]>;

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
