import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isDatabaseUnavailable } from '../../core/errors/database-errors';
import { type ChainedEvent, GENESIS_HASH, Organization, sealHash } from '@dispatch/domain';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, systemActor } from '../../core/auth/actor';
import { AppConfig } from '../../core/config/app-config';
import { TenantDatabase } from '../../core/tenancy/tenant-database.service';
import { type AuditEventRow, auditRowToView } from '../events/event-row';
import type { AuditVerification } from './dto/audit.dto';

const SEAL_BATCH = 2_000;
/**
 * Events are sealed in commit order, which may differ from id order: an event whose transaction
 * commits late is still found as long as fewer than this many newer events were sealed meanwhile.
 */
const LATE_COMMIT_WINDOW = 100_000;

/** What a seal vouches for. Events of the event spine add who acted (kind) and their payload. */
function chained(row: AuditEventRow): ChainedEvent {
  const view = auditRowToView(row);
  return {
    id: view.id,
    occurredAt: view.occurredAt,
    actorSubject: view.actorSubject,
    actorName: view.actorName,
    actorRole: view.actorRole,
    action: view.action,
    entityType: view.entityType,
    entityId: view.entityId,
    before: view.before,
    after: view.after,
    requestId: view.requestId,
    ...(row.payload === null ? {} : { actorKind: row.actor_kind, payload: row.payload }),
  };
}

/**
 * Makes each tenant's audit trail tamper-evident without touching the business transactions:
 * writing an audit event stays a plain insert, and a sealer links committed events into a hash
 * chain shortly after, in ordered batches, one tenant at a time.
 */
@Injectable()
export class AuditChain implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AuditChain.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly db: TenantDatabase,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.AUDIT_SEAL_MILLISECONDS === 0) return;
    this.timer = setInterval(() => {
      this.running ??= this.sealAll()
        .then(() => undefined)
        .catch((error: unknown) =>
          // An outage is reported by every part that meets it; this one only says it waits.
          isDatabaseUnavailable(error)
            ? this.logger.warn(`Audit sealing waits for the database: ${String(error)}`)
            : this.logger.error({ err: error }, 'Audit sealing failed'),
        )
        .finally(() => (this.running = undefined));
    }, this.config.AUDIT_SEAL_MILLISECONDS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  async sealAll(): Promise<number> {
    let sealed = 0;
    for (const { slug } of await this.dataSource
      .getRepository(Organization)
      .find({ select: { slug: true } })) {
      sealed += await this.seal(slug);
    }
    return sealed;
  }

  /** Seals the tenant's committed, not yet sealed events; several instances take turns. */
  seal(tenant: string): Promise<number> {
    return this.db.transaction(systemActor(tenant), async (manager) => {
      const [locked] = (await manager.query(
        `SELECT pg_try_advisory_xact_lock(2, hashtext(current_schema())) AS locked`,
      )) as { locked: boolean }[];
      if (!locked.locked) return 0;
      const [last] = (await manager.query(
        `SELECT s.seq::text AS seq, s.hash, s.event_id::text AS event_id FROM audit_seals s ORDER BY s.seq DESC LIMIT 1`,
      )) as {
        seq: string;
        hash: string;
        event_id: string;
      }[];
      const rows = (await manager.query(
        `SELECT e.* FROM audit_events e
          WHERE e.id > $1 AND NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.event_id = e.id)
          ORDER BY e.id LIMIT ${SEAL_BATCH}`,
        [Math.max(0, Number(last?.event_id ?? 0) - LATE_COMMIT_WINDOW)],
      )) as AuditEventRow[];
      if (rows.length === 0) return 0;
      let seq = BigInt(last?.seq ?? 0);
      let hash = last?.hash ?? GENESIS_HASH;
      const seqs: string[] = [];
      const ids: string[] = [];
      const hashes: string[] = [];
      for (const row of rows) {
        seq += 1n;
        hash = sealHash(hash, seq, chained(row));
        seqs.push(seq.toString());
        ids.push(String(row.id));
        hashes.push(hash);
      }
      await manager.query(
        `INSERT INTO audit_seals (seq, event_id, hash) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[])`,
        [seqs, ids, hashes],
      );
      return rows.length;
    });
  }

  /** Walks the tenant's chain from the first seal and reports the first link that does not hold. */
  verify(actor: Actor): Promise<AuditVerification> {
    return this.db.transaction(actor, async (manager) => {
      let previous = GENESIS_HASH;
      let expectedSeq = 1n;
      let sealed = 0;
      for (;;) {
        const rows = (await manager.query(
          `SELECT s.seq::text AS seal_seq, s.hash AS seal_hash, s.event_id::text AS seal_event_id, e.*
             FROM audit_seals s LEFT JOIN audit_events e ON e.id = s.event_id
            WHERE s.seq >= $1 ORDER BY s.seq LIMIT 5000`,
          [expectedSeq.toString()],
        )) as (AuditEventRow & { seal_seq: string; seal_hash: string; seal_event_id: string })[];
        if (rows.length === 0) break;
        for (const row of rows) {
          const seq = BigInt(row.seal_seq);
          const broken = (reason: string) =>
            this.result(manager, false, sealed, {
              seq: row.seal_seq,
              eventId: row.seal_event_id,
              reason,
            });
          if (seq !== expectedSeq) return broken('a seal is missing before this one');
          if (row.id === null || row.id === undefined) return broken('the sealed event is gone');
          const hash = sealHash(previous, seq, chained(row));
          if (hash !== row.seal_hash.trim())
            return broken('the event or its seal was changed after sealing');
          previous = hash;
          expectedSeq += 1n;
          sealed += 1;
        }
      }
      return this.result(manager, true, sealed);
    });
  }

  private async result(
    manager: EntityManager,
    intact: boolean,
    sealed: number,
    firstBroken?: AuditVerification['firstBroken'],
  ): Promise<AuditVerification> {
    const [{ pending }] = (await manager.query(
      `SELECT count(*)::int AS pending FROM audit_events e WHERE NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.event_id = e.id)`,
    )) as { pending: number }[];
    return {
      intact,
      sealedEvents: sealed,
      pendingEvents: pending,
      ...(firstBroken ? { firstBroken } : {}),
    };
  }
}
