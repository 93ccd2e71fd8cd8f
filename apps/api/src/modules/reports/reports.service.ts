import { Injectable } from '@nestjs/common';
import { DomainError } from '@dispatch/domain';
import { stringify } from 'csv-stringify';
import { pipeline, Readable } from 'node:stream';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../core/auth/actor';
import { AppConfig } from '../../core/config/app-config';
import { TenantDatabase } from '../../core/tenancy/tenant-database.service';
import type { ReportQuery } from './dto/report-query.dto';
import { REPORTS, type ReportName } from './report-definitions';

/** Longest range one report covers: two years of days. */
export const MAX_REPORT_DAYS = 731;

interface ResolvedRange {
  from: string;
  to: string;
  timeZone: string;
  rangeStart: Date;
  rangeEnd: Date;
}

export interface ReportResult<Row> {
  from: string;
  to: string;
  timeZone: string;
  rangeStart: string;
  rangeEnd: string;
  generatedAt: string;
  rows: Row[];
  total: Row;
}

function daysBetween(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
}

function assertRangeLength(query: ReportQuery): void {
  const days = daysBetween(query.from, query.to);
  if (days < 0)
    throw new DomainError('VALIDATION', 'The range ends before it begins', {
      fields: [{ field: 'to', message: 'to must not be before from' }],
    });
  if (days >= MAX_REPORT_DAYS)
    throw new DomainError('VALIDATION', `A report covers at most ${MAX_REPORT_DAYS} days`, {
      fields: [{ field: 'to', message: `at most ${MAX_REPORT_DAYS} days after from` }],
    });
}

/** Local days to instants: PostgreSQL's time zone rules decide where each day begins. */
async function resolveRange(manager: EntityManager, query: ReportQuery): Promise<ResolvedRange> {
  const timeZone = query.tz ?? 'UTC';
  const [bounds] = (await manager.query(
    `SELECT ($1::date::timestamp AT TIME ZONE $3) AS start,
            (($2::date + 1)::timestamp AT TIME ZONE $3) AS end`,
    [query.from, query.to, timeZone],
  )) as { start: Date; end: Date }[];
  return {
    from: query.from,
    to: query.to,
    timeZone,
    rangeStart: bounds.start,
    rangeEnd: bounds.end,
  };
}

/** Runs the report statements for the caller's tenant, as JSON or as a streamed CSV. */
@Injectable()
export class ReportsService {
  constructor(
    private readonly db: TenantDatabase,
    private readonly config: AppConfig,
  ) {}

  async report<Row>(
    actor: Actor,
    name: ReportName,
    query: ReportQuery,
  ): Promise<ReportResult<Row>> {
    const { range, rows } = await this.run<Row>(actor, name, query);
    const total = rows.pop() as Row; // every statement ends with its total row
    return {
      from: range.from,
      to: range.to,
      timeZone: range.timeZone,
      rangeStart: range.rangeStart.toISOString(),
      rangeEnd: range.rangeEnd.toISOString(),
      generatedAt: new Date().toISOString(),
      rows,
      total,
    };
  }

  /**
   * The same rows, the total last, as CSV with a header line. PostgreSQL aggregates the history
   * (in parallel, which a cursor would prevent); what reaches the API is one row per day, unit,
   * driver or priority, streamed out through the CSV encoder.
   */
  async csv(actor: Actor, name: ReportName, query: ReportQuery): Promise<Readable> {
    const { rows } = await this.run<object>(actor, name, query);
    return pipeline(
      Readable.from(rows),
      stringify({ header: true, columns: [...REPORTS[name].columns] }),
      () => {
        // Errors and early closes destroy both streams.
      },
    );
  }

  csvFileName(name: ReportName, query: ReportQuery): string {
    return `${name}-${query.from}-to-${query.to}.csv`;
  }

  private parameters(range: ResolvedRange, query: ReportQuery): unknown[] {
    return [
      range.rangeStart,
      range.rangeEnd,
      range.timeZone,
      query.siteId ?? null,
      query.equipmentTypeId ?? null,
      range.from,
      range.to,
      this.config.DISPATCH_LEAD_MINUTES,
    ];
  }

  private run<Row>(
    actor: Actor,
    name: ReportName,
    query: ReportQuery,
  ): Promise<{ range: ResolvedRange; rows: Row[] }> {
    assertRangeLength(query);
    return this.db.transaction(actor, async (manager) => {
      const range = await resolveRange(manager, query);
      const rows = (await manager.query(REPORTS[name].sql, this.parameters(range, query))) as Row[];
      return { range, rows };
    });
  }
}
