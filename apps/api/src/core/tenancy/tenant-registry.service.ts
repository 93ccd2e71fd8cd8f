import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Organization } from '@dispatch/domain';
import { DataSource } from 'typeorm';

const CACHE_MILLISECONDS = 30_000;

/**
 * Which tenants exist, and the schema of each. Known tenants are cached briefly (they are
 * provisioned rarely); unknown ones are looked up every time, so a tenant works the moment it is
 * provisioned.
 */
@Injectable()
export class TenantRegistry {
  private readonly cache = new Map<string, { schemaName: string; until: number }>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The schema of a provisioned tenant, or null when no such tenant is registered. */
  async schemaOf(slug: string): Promise<string | null> {
    const cached = this.cache.get(slug);
    if (cached && cached.until > Date.now()) return cached.schemaName;
    const organization = await this.dataSource.getRepository(Organization).findOneBy({ slug });
    if (!organization) return null;
    this.cache.set(slug, {
      schemaName: organization.schemaName,
      until: Date.now() + CACHE_MILLISECONDS,
    });
    return organization.schemaName;
  }
}
