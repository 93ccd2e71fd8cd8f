import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { numericTransformer } from './numeric-transformer';

@Entity({ name: 'sites' })
@Check('sites_latitude_range', 'latitude BETWEEN -90 AND 90')
@Check('sites_longitude_range', 'longitude BETWEEN -180 AND 180')
@Index('sites_external_ref_unique', ['externalRef'], {
  unique: true,
  where: 'external_ref IS NOT NULL',
})
export class Site {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 200, unique: true })
  name: string;

  @Column({ type: 'varchar', length: 500 })
  address: string;

  @Column({ type: 'numeric', precision: 9, scale: 6, transformer: numericTransformer })
  latitude: number;

  @Column({ type: 'numeric', precision: 9, scale: 6, transformer: numericTransformer })
  longitude: number;

  /** The site's key in the customer's ERP, so work orders may name it instead of its id; unique per tenant. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  externalRef: string | null;

  /** Whom a driver calls at the site, and on which number (both optional). */
  @Column({ type: 'varchar', length: 200, nullable: true })
  contactName: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  contactPhone: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
