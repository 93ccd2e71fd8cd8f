import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { PLATFORM_SCHEMA, TENANT_SLUG_PATTERN_SQL } from '../tenancy/tenant-schema';

/** A customer organization (tenant). Lives in the shared platform schema; its data lives in `schemaName`. */
@Entity({ name: 'organizations', schema: PLATFORM_SCHEMA })
@Check('organizations_slug_format', `slug ~ '${TENANT_SLUG_PATTERN_SQL}'`)
export class Organization {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 40, unique: true })
  slug: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 63, unique: true })
  schemaName: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
