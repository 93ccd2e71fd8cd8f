import { Injectable } from '@nestjs/common';
import { domainEvent, Site } from '@dispatch/domain';
import type { Actor } from '../../core/auth/actor';
import { changedKeys } from '../../core/events/changed-keys';
import { EventOutbox } from '../../core/events/event-outbox.service';
import { orderBySort, type Page, pageWindow } from '../../core/http/pagination';
import { containsPattern, findOrFail } from '../../core/tenancy/lookups';
import { TenantDatabase } from '../../core/tenancy/tenant-database.service';
import {
  type CreateSiteDto,
  type SiteListQuery,
  type SiteView,
  toSiteView,
  type UpdateSiteDto,
  SITE_SORTING,
} from './dto/site.dto';

@Injectable()
export class SitesService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly outbox: EventOutbox,
  ) {}

  list(actor: Actor, query: SiteListQuery): Promise<Page<SiteView>> {
    const { limit, offset } = pageWindow(query);
    return this.db.transaction(actor, async (manager) => {
      const builder = orderBySort(
        manager.createQueryBuilder(Site, 'site'),
        query.sort,
        SITE_SORTING,
        { name: 'site.name', address: 'site.address' },
        'site.id',
      );
      if (query.q)
        builder.andWhere('(site.name ILIKE :q OR site.address ILIKE :q)', {
          q: containsPattern(query.q),
        });
      if (query.externalRef)
        builder.andWhere('site.externalRef = :externalRef', { externalRef: query.externalRef });
      const [sites, total] = await builder.take(limit).skip(offset).getManyAndCount();
      return { items: sites.map(toSiteView), total, limit, offset };
    });
  }

  get(actor: Actor, id: string): Promise<SiteView> {
    return this.db.transaction(actor, async (manager) =>
      toSiteView(await findOrFail(manager, Site, 'Site', id)),
    );
  }

  create(actor: Actor, input: CreateSiteDto): Promise<SiteView> {
    return this.db.transaction(actor, async (manager) => {
      const site = await manager.save(manager.create(Site, input));
      const view = toSiteView(site);
      this.outbox.append(
        manager,
        actor,
        domainEvent(
          'site.created',
          site.id,
          { site: { id: site.id, name: site.name } },
          { after: view },
        ),
      );
      return view;
    });
  }

  update(actor: Actor, id: string, changes: UpdateSiteDto): Promise<SiteView> {
    return this.db.transaction(actor, async (manager) => {
      const site = await findOrFail(manager, Site, 'Site', id, { lock: true });
      const before = toSiteView(site);
      const after = toSiteView(await manager.save(Object.assign(site, changes)));
      this.outbox.append(
        manager,
        actor,
        domainEvent(
          'site.updated',
          id,
          { site: { id, name: after.name }, changed: changedKeys(changes) },
          { before, after },
        ),
      );
      return after;
    });
  }

  remove(actor: Actor, id: string): Promise<void> {
    return this.db.transaction(actor, async (manager) => {
      const site = await findOrFail(manager, Site, 'Site', id, { lock: true });
      await manager.delete(Site, { id });
      this.outbox.append(
        manager,
        actor,
        domainEvent(
          'site.deleted',
          id,
          { site: { id, name: site.name } },
          { before: toSiteView(site) },
        ),
      );
    });
  }
}
