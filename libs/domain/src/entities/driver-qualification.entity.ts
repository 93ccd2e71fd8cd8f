import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  type Relation,
} from 'typeorm';
import { Driver } from './driver.entity';
import { Qualification } from './qualification.entity';

/** A qualification a driver holds, valid up to and including `expiresAt`. */
@Entity({ name: 'driver_qualifications' })
@Index('driver_qualifications_qualification_idx', ['qualificationId', 'expiresAt'])
export class DriverQualification {
  @PrimaryColumn({ type: 'uuid' })
  driverId: string;

  @PrimaryColumn({ type: 'uuid' })
  qualificationId: string;

  @ManyToOne(() => Driver, (driver) => driver.qualifications, {
    onDelete: 'CASCADE',
    orphanedRowAction: 'delete',
  })
  @JoinColumn({ name: 'driver_id' })
  driver?: Relation<Driver>;

  @ManyToOne(() => Qualification, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'qualification_id' })
  qualification?: Relation<Qualification>;

  /** Calendar date (YYYY-MM-DD) of expiry. */
  @Column({ type: 'date' })
  expiresAt: string;
}
