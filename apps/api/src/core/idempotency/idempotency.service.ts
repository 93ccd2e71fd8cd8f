import { Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import type { Actor } from '../auth/actor';
import { AppConfig } from '../config/app-config';
import { TenantDatabase } from '../tenancy/tenant-database.service';
import { instanceAliveSql, InstanceLiveness } from './instance-liveness.service';

/**
 * The longest a first attempt that did not commit holds its key against a retry. One whose
 * instance is gone (its liveness lock with it) is taken over at once; the lease is what is left
 * for claims that name no instance (made while the instance held no lock, or before instances were
 * recorded) and for an attempt its live instance lost track of (a release that kept failing).
 */
export const IDEMPOTENCY_LEASE_SECONDS = 30;
/** How long a request meeting a claim in progress looks again before answering 409, and how often. */
const IN_PROGRESS_RECHECK_MILLISECONDS = 1_000;
const IN_PROGRESS_POLL_MILLISECONDS = 100;

interface KeyRow {
  claim: string;
  instance_id: string | null;
  fingerprint: string;
  committed: boolean;
  response_status: number | null;
  response_location: string | null;
  response_body: unknown;
}

/** What a request with an Idempotency-Key is to do. */
export type IdempotencyDecision =
  | { kind: 'run'; claim: string }
  | {
      kind: 'replay';
      /** null when the first attempt committed but its answer was never recorded. */
      status: number | null;
      location: string | null;
      body: unknown;
    }
  | { kind: 'mismatch' }
  | { kind: 'in_progress' };

/** The request as the key's first use saw it: same key, other request → 422. */
export function requestFingerprint(parts: {
  method: string;
  path: string;
  subject: string;
  body: unknown;
}): string {
  return createHash('sha256')
    .update(JSON.stringify([parts.method, parts.path, parts.subject, parts.body ?? null]))
    .digest('hex');
}

/**
 * Idempotency keys per tenant (IETF draft "The Idempotency-Key HTTP Header Field"): a key is
 * claimed before the work (naming this instance, see InstanceLiveness), marked done by the
 * transaction that commits the work (TenantDatabase), and completed with the answer. Each step is
 * one statement; a claim that meets an existing key reads it with a second.
 */
@Injectable()
export class IdempotencyKeys {
  constructor(
    private readonly db: TenantDatabase,
    private readonly config: AppConfig,
    private readonly liveness: InstanceLiveness,
  ) {}

  async begin(actor: Actor, key: string, fingerprint: string): Promise<IdempotencyDecision> {
    const claim = randomUUID();
    // Times come from this instance's clock as parameters: Citus refuses now() (not IMMUTABLE) in
    // an INSERT's ON CONFLICT clauses, and every reading and writing of these leases is here.
    const now = new Date();
    const [claimed] = await this.db.statement<{ claim: string }>(
      actor,
      (schema) => `
        INSERT INTO ${schema}.idempotency_keys AS k
               (key, fingerprint, claim, instance_id, locked_until, created_at, expires_at)
        VALUES ($1, $2, $3, $6::uuid, $7::timestamptz + make_interval(secs => $4), $7::timestamptz,
                $7::timestamptz + make_interval(hours => $5))
        ON CONFLICT (key) DO UPDATE
           SET fingerprint = EXCLUDED.fingerprint, claim = EXCLUDED.claim, committed = false,
               instance_id = EXCLUDED.instance_id,
               response_status = NULL, response_location = NULL, response_body = NULL,
               locked_until = EXCLUDED.locked_until, created_at = EXCLUDED.created_at,
               expires_at = EXCLUDED.expires_at
         -- An expired key starts afresh; so does one whose first attempt died before committing
         -- and whose lease ran out (a dead instance's claim is taken over below, sooner).
         WHERE k.expires_at < EXCLUDED.created_at
            OR (NOT k.committed AND k.fingerprint = EXCLUDED.fingerprint
                AND k.locked_until < EXCLUDED.created_at)
        RETURNING claim`,
      [
        key,
        fingerprint,
        claim,
        IDEMPOTENCY_LEASE_SECONDS,
        this.config.IDEMPOTENCY_KEY_HOURS,
        this.liveness.liveId ?? null,
        now.toISOString(),
      ],
    );
    if (claimed?.claim === claim) return { kind: 'run', claim };
    // A claim still in progress is looked at again for a moment before answering 409: a retry
    // sent on by a load balancer the instant the first instance died can arrive before
    // PostgreSQL has ended that instance's sessions (and so its liveness lock), and the first
    // attempt may also be about to commit. Only a conflict pays for this, never a new key.
    const deadline = Date.now() + IN_PROGRESS_RECHECK_MILLISECONDS;
    for (;;) {
      const decision = await this.decideOnExisting(actor, key, fingerprint, claim);
      if (decision.kind !== 'in_progress' || Date.now() >= deadline) return decision;
      await new Promise((resolve) => setTimeout(resolve, IN_PROGRESS_POLL_MILLISECONDS));
    }
  }

  /** What to do with a key someone else holds: replay its answer, take it over, or wait. */
  private async decideOnExisting(
    actor: Actor,
    key: string,
    fingerprint: string,
    claim: string,
  ): Promise<IdempotencyDecision> {
    const [existing] = await this.db.statement<KeyRow>(
      actor,
      (schema) => `SELECT * FROM ${schema}.idempotency_keys WHERE key = $1`,
      [key],
    );
    // Expired and purged between the two statements: rare enough to ask for a retry.
    if (!existing) return { kind: 'in_progress' };
    if (existing.fingerprint !== fingerprint) return { kind: 'mismatch' };
    if (existing.response_status !== null || existing.committed) {
      return {
        kind: 'replay',
        status: existing.response_status,
        location: existing.response_location,
        body: existing.response_body,
      };
    }
    if (existing.instance_id && (await this.takeOverFromDeadInstance(actor, key, existing, claim)))
      return { kind: 'run', claim };
    return { kind: 'in_progress' };
  }

  /**
   * A not-committed claim whose instance no longer holds its liveness lock died with that
   * instance: take it over at once instead of waiting out its lease. The liveness check reads
   * pg_locks on its own (where the instances' locks are: on Citus, the coordinator), and the
   * takeover replaces exactly the dead claim, so of several retries only one wins.
   */
  private async takeOverFromDeadInstance(
    actor: Actor,
    key: string,
    existing: KeyRow,
    claim: string,
  ): Promise<boolean> {
    const [liveness] = await this.db.statement<{ alive: boolean }>(
      actor,
      () => `SELECT ${instanceAliveSql('$1::uuid')} AS alive`,
      [existing.instance_id],
    );
    if (liveness?.alive !== false) return false;
    const now = new Date();
    const [taken] = await this.db.statement<{ claim: string }>(
      actor,
      (schema) => `
        UPDATE ${schema}.idempotency_keys
           SET claim = $3, instance_id = $4::uuid, committed = false,
               response_status = NULL, response_location = NULL, response_body = NULL,
               locked_until = $5::timestamptz + make_interval(secs => $6), created_at = $5::timestamptz
         WHERE key = $1 AND claim = $2 AND NOT committed
        RETURNING claim`,
      [
        key,
        existing.claim,
        claim,
        this.liveness.liveId ?? null,
        now.toISOString(),
        IDEMPOTENCY_LEASE_SECONDS,
      ],
    );
    return taken?.claim === claim;
  }

  /** Records the first answer, to be replayed for the key's lifetime. */
  async complete(
    actor: Actor,
    key: string,
    claim: string,
    answer: { status: number; location: string | null; body: unknown },
  ): Promise<void> {
    await this.db.statement(
      actor,
      (schema) => `
        UPDATE ${schema}.idempotency_keys
           SET response_status = $3, response_location = $4, response_body = $5::jsonb, committed = true
         WHERE key = $1 AND claim = $2`,
      [key, claim, answer.status, answer.location, JSON.stringify(answer.body ?? null)],
    );
  }

  /** The work failed before committing anything: the key is free for a retry at once. */
  async release(actor: Actor, key: string, claim: string): Promise<void> {
    await this.db.statement(
      actor,
      (schema) =>
        `DELETE FROM ${schema}.idempotency_keys WHERE key = $1 AND claim = $2 AND NOT committed`,
      [key, claim],
    );
  }

  /** Drops keys past their lifetime (each tenant, now and then). */
  async purgeExpired(actor: Pick<Actor, 'tenant'>): Promise<void> {
    await this.db.statement(
      actor,
      (schema) => `DELETE FROM ${schema}.idempotency_keys WHERE expires_at < now()`,
      [],
    );
  }
}
