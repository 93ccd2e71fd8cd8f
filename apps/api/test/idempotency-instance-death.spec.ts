import {
  ApiClient,
  ApiProcess,
  createTestDatabase,
  freePort,
  type HttpResult,
  queryDatabase,
  testEnvironment,
  type TestDatabase,
  tokenFor,
  invariantViolations,
  workTimeBound,
} from '@dispatch/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  INSTANCE_LOCK_NAMESPACE,
  instanceAliveSql,
  instanceLockKey,
  InstanceLiveness,
} from '../src/core/idempotency/instance-liveness.service';
import { Scenario } from './support/scenario';
import { startTestApp, type TestApp } from './support/test-app';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `read` every 10 ms until it gives a value, for at most `timeoutMs`. */
async function eventually<T>(
  what: string,
  read: () => Promise<T | undefined>,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(10);
  }
}

type Attempt = { result: HttpResult } | { error: unknown };

/** A request whose failure is an outcome to look at, not an unhandled rejection. */
function attempt(request: Promise<HttpResult>): Promise<Attempt> {
  return request.then(
    (result) => ({ result }),
    (error: unknown) => ({ error }),
  );
}

type ClaimRow = { claim: string; instance_id: string | null; committed: boolean };

/**
 * Two API instances share one database, as behind nginx, which sends a write cut at the connection
 * level (its instance killed) once more to the other instance. A claim on an Idempotency-Key names
 * the instance that made it; a retry takes over at once the claim of an instance that is dead (its
 * liveness lock gone from pg_locks), waits for one whose instance is alive, and the work still
 * commits only under the claim that holds the key.
 *
 * Instance A is a real API process, killed with SIGKILL; instance B runs in the test's process. A
 * request is held inside the database (after its claim, before its work commits) by a table lock
 * the test takes on work_orders, so the kill lands deterministically between claim and commit.
 */
describe('Idempotency-Key claims of a dead instance', () => {
  let database: TestDatabase;
  let apiA: ApiProcess;
  let aRunning = false;
  let survivor: TestApp;
  let onA: ApiClient;
  let onB: ApiClient;
  let world: Scenario;

  async function startA(): Promise<void> {
    if (aRunning) await apiA.kill();
    await apiA.start();
    aRunning = true;
  }

  async function killA(): Promise<void> {
    await apiA.kill();
    aRunning = false;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    survivor = await startTestApp({ database, config: { SCHEDULE_SWEEP_SECONDS: '0' } });
    apiA = new ApiProcess({
      DATABASE_URL: database.apiUrl,
      MIGRATION_DATABASE_URL: database.url,
      KEYCLOAK_URL: testEnvironment().keycloakUrl,
      PORT: String(await freePort()),
      LOG_LEVEL: 'silent',
      SCHEDULE_SWEEP_SECONDS: '0',
    });
    await startA();
    const dispatcher = await tokenFor('acme', 'dispatcher');
    onA = new ApiClient(`${apiA.baseUrl}/api/v1`, dispatcher);
    onB = survivor.api.as(dispatcher);
    world = await Scenario.create(survivor.api.as(await tokenFor('acme', 'admin')));
  });

  afterAll(async () => {
    await apiA?.stop();
    await survivor?.close();
    await database?.drop();
  });

  function orderBody(ref: string, withExternalRef = true) {
    return {
      title: `Takeover ${ref}`,
      ...(withExternalRef ? { externalRef: ref } : {}),
      siteId: world.siteId,
      equipmentTypeId: world.typeId,
      priority: 'standard',
    };
  }

  function post(api: ApiClient, ref: string, withExternalRef = true): Promise<HttpResult> {
    return api.request('POST', '/work-orders', orderBody(ref, withExternalRef), {
      'Idempotency-Key': ref,
    });
  }

  function survivorId(): string | undefined {
    return survivor.app.get(InstanceLiveness).liveId;
  }

  async function claimOf(key: string): Promise<ClaimRow | undefined> {
    const [row] = await queryDatabase<ClaimRow>(
      database.url,
      `SELECT claim, instance_id, committed FROM tenant_acme.idempotency_keys WHERE key = $1`,
      [key],
    );
    return row;
  }

  /** The production check (as `begin` runs it) of whether an instance is alive. */
  async function alive(instanceId: string): Promise<boolean> {
    const [row] = await queryDatabase<{ alive: boolean }>(
      database.url,
      `SELECT ${instanceAliveSql('$1::uuid')} AS alive`,
      [instanceId],
    );
    return row.alive;
  }

  /** The backend holding an instance's lock, found by the key derived in JavaScript. */
  async function lockHolder(instanceId: string): Promise<number | undefined> {
    const [row] = await queryDatabase<{ pid: number }>(
      database.url,
      `SELECT pid FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND objsubid = 2
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND classid = $1 AND objid = $2::int::oid`,
      [INSTANCE_LOCK_NAMESPACE, instanceLockKey(instanceId)],
    );
    return row?.pid;
  }

  async function sessionsWaitingOnLocks(): Promise<number> {
    const [row] = await queryDatabase<{ waiting: number }>(
      database.url,
      `SELECT count(*)::int AS waiting FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    return row.waiting;
  }

  async function ordersWhere(condition: string, value: string): Promise<number> {
    const [row] = await queryDatabase<{ count: number }>(
      database.url,
      `SELECT count(*)::int AS count FROM tenant_acme.work_orders WHERE ${condition}`,
      [value],
    );
    return row.count;
  }

  /** Keeps every new work order waiting inside the database until released. */
  async function holdWorkOrders(): Promise<{ release(): Promise<void> }> {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    await client.query(`BEGIN; LOCK TABLE tenant_acme.work_orders IN EXCLUSIVE MODE`);
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        await client.query('COMMIT');
        await client.end();
      },
    };
  }

  /** Sends a write to A and waits until it claimed its key and waits inside the database. */
  async function heldOnA(ref: string, withExternalRef = true) {
    const waitingBefore = await sessionsWaitingOnLocks();
    const first = attempt(post(onA, ref, withExternalRef));
    const claim = await eventually('the claim of the first attempt', () => claimOf(ref));
    await eventually('the first attempt waiting inside the database', async () =>
      (await sessionsWaitingOnLocks()) > waitingBefore ? true : undefined,
    );
    return { first, claim };
  }

  it('answers a retry 409 in progress while the instance holding the claim is alive and working', async () => {
    const ref = `live-${randomUUID()}`;
    const hold = await holdWorkOrders();
    let first: Promise<Attempt> | undefined;
    try {
      const held = await heldOnA(ref);
      first = held.first;
      const instance = held.claim.instance_id;
      expect(instance).toEqual(expect.any(String));
      expect(instance).not.toBe(survivorId());
      expect(await lockHolder(instance as string)).toEqual(expect.any(Number));
      expect(await alive(instance as string)).toBe(true);

      const retry = await post(onB, ref);
      expect(retry.status).toBe(409);
      expect(retry.body.type).toBe('urn:dispatch:problem:request-in-progress');
      expect(retry.headers.get('retry-after')).toBe('1');
    } finally {
      await hold.release();
    }
    const answered = await first;
    expect(answered && 'result' in answered ? answered.result.status : answered).toBe(201);
    const replay = await post(onB, ref);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(answered && 'result' in answered ? answered.result.body.id : undefined).toBe(
      replay.body.id,
    );
    expect(await ordersWhere('external_ref = $1', ref)).toBe(1);
  });

  it('lets a retry take over at once the claim of an instance killed mid-request; the work is done once', async () => {
    const ref = `dead-${randomUUID()}`;
    const hold = await holdWorkOrders();
    let retried: Promise<Attempt> | undefined;
    let killedAt = 0;
    try {
      const { first, claim } = await heldOnA(ref);
      const instance = claim.instance_id as string;
      expect(await alive(instance)).toBe(true);

      await killA();
      killedAt = Date.now();
      expect('error' in (await first)).toBe(true); // cut at the connection level
      // PostgreSQL ends the dead process's idle lock session at once, and the lock goes with it.
      await eventually('the dead instance losing its lock', async () =>
        (await alive(instance)) ? undefined : true,
      );
      expect(Date.now() - killedAt).toBeLessThan(1_000);
      // The dead attempt's transaction is still inside PostgreSQL, waiting on the test's lock:
      // the claim is taken over all the same, before it ends.
      expect(await sessionsWaitingOnLocks()).toBeGreaterThanOrEqual(1);
      retried = attempt(post(onB, ref));
      const taken = await eventually('the retry taking the claim over', async () => {
        const row = await claimOf(ref);
        return row && row.claim !== claim.claim ? row : undefined;
      });
      expect(taken.instance_id).toBe(survivorId());
      expect(Date.now() - killedAt).toBeLessThan(2_000);
    } finally {
      await hold.release();
    }
    const outcome = await retried;
    const retry = outcome && 'result' in outcome ? outcome.result : undefined;
    expect(retry?.status).toBe(201);
    expect(retry?.headers.get('idempotent-replayed')).toBeNull();
    expect(Date.now() - killedAt).toBeLessThan(workTimeBound(5_000));
    expect(await ordersWhere('external_ref = $1', ref)).toBe(1);
    expect(await claimOf(ref)).toMatchObject({ committed: true, instance_id: survivorId() });
    const replay = await post(onB, ref);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.id).toBe(retry?.body.id);
  });

  it('keeps the lease for a claim that names no instance; past it a retry takes over and the first attempt, still alive, is rolled back', async () => {
    await startA();
    // No externalRef: only the claim stands between the two attempts and a second order.
    const ref = `lease-${randomUUID()}`;
    const hold = await holdWorkOrders();
    let first: Promise<Attempt> | undefined;
    let retried: Promise<Attempt> | undefined;
    try {
      const held = await heldOnA(ref, false);
      first = held.first;
      // As a claim recorded before claims named their instance (or while it held no lock).
      await queryDatabase(
        database.url,
        `UPDATE tenant_acme.idempotency_keys SET instance_id = NULL WHERE key = $1`,
        [ref],
      );
      const waiting = await post(onB, ref, false);
      expect(waiting.status).toBe(409);
      expect(waiting.body.type).toBe('urn:dispatch:problem:request-in-progress');

      await queryDatabase(
        database.url,
        `UPDATE tenant_acme.idempotency_keys SET locked_until = now() - interval '1 second' WHERE key = $1`,
        [ref],
      );
      retried = attempt(post(onB, ref, false));
      await eventually('the retry taking the claim over', async () => {
        const row = await claimOf(ref);
        return row && row.claim !== held.claim.claim ? row : undefined;
      });
    } finally {
      await hold.release();
    }
    const firstOutcome = await first;
    const retryOutcome = await retried;
    const firstAnswer = firstOutcome && 'result' in firstOutcome ? firstOutcome.result : undefined;
    const retryAnswer = retryOutcome && 'result' in retryOutcome ? retryOutcome.result : undefined;
    expect(retryAnswer?.status).toBe(201);
    // The first attempt found its claim taken when it came to commit: rolled back, not done twice.
    expect(firstAnswer?.status).toBe(409);
    expect(firstAnswer?.body.type).toBe('urn:dispatch:problem:conflict');
    expect(await ordersWhere('title = $1', `Takeover ${ref}`)).toBe(1);
  });

  it('takes its liveness lock again, under the same id, when its connection is cut', async () => {
    const liveness = survivor.app.get(InstanceLiveness);
    const id = liveness.liveId as string;
    expect(id).toEqual(expect.any(String));
    const pid = await lockHolder(id);
    expect(pid).toEqual(expect.any(Number));
    const cutAt = Date.now();
    await queryDatabase(database.url, `SELECT pg_terminate_backend($1::int)`, [pid]);
    const holder = await eventually('the lock taken again', async () => {
      const current = liveness.liveId;
      const again = current ? await lockHolder(current) : undefined;
      return again !== undefined && again !== pid ? again : undefined;
    });
    expect(Date.now() - cutAt).toBeLessThan(2_000);
    expect(holder).not.toBe(pid);
    // The same id: claims it made before the cut count as alive again.
    expect(liveness.liveId).toBe(id);
    expect(await alive(id)).toBe(true);
  });

  it('serves every write cut by a kill mid-burst on the other instance within moments, each exactly once', async () => {
    await startA();
    const tag = randomUUID().slice(0, 8);
    const WRITERS = 12;
    const READERS = 2;
    interface Outcome {
      ref: string;
      /** The write was cut at the connection level on A and went to B, as nginx would send it. */
      cut: boolean;
      status: number;
      id?: string;
      /** When B last answered 409 in progress to it. */
      lastConflictAt?: number;
      at: number;
    }
    const outcomes: Outcome[] = [];
    const reads: { status: number; cut: boolean }[] = [];
    let stop = false;
    let killedAt = Number.POSITIVE_INFINITY;
    let answeredByA = 0;

    // B's 409 goes back to the client, which retries: every 100 ms here, to measure how long it lasts.
    const onSurvivor = async (ref: string): Promise<Omit<Outcome, 'ref' | 'cut'>> => {
      let lastConflictAt: number | undefined;
      for (;;) {
        const answer = await post(onB, ref);
        if (answer.status !== 409 || Date.now() - killedAt > 10_000)
          return { status: answer.status, id: answer.body?.id, lastConflictAt, at: Date.now() };
        lastConflictAt = Date.now();
        await sleep(100);
      }
    };
    const writer = async (index: number) => {
      for (let round = 0; !stop; round += 1) {
        const ref = `burst-${tag}-${index}-${round}`;
        try {
          const answer = await post(onA, ref);
          answeredByA += 1;
          outcomes.push({ ref, cut: false, status: answer.status, id: answer.body?.id, at: 0 });
        } catch {
          outcomes.push({ ref, cut: true, ...(await onSurvivor(ref)) });
        }
      }
    };
    const reader = async () => {
      while (!stop) {
        try {
          reads.push({ status: (await onA.get('/work-orders?limit=5')).status, cut: false });
        } catch {
          reads.push({ status: (await onB.get('/work-orders?limit=5')).status, cut: true });
        }
      }
    };
    const load = Promise.all([
      ...Array.from({ length: WRITERS }, (_, index) => writer(index)),
      ...Array.from({ length: READERS }, () => reader()),
    ]);

    let frozen: string[] = [];
    let hold: { release(): Promise<void> } | undefined;
    try {
      // The burst warms up first (how long 30 writes take depends on the machine and the engine:
      // on a Citus cluster several times longer); what is asserted comes after the kill.
      await eventually(
        'A answering writes',
        async () => (answeredByA >= 30 ? true : undefined),
        60_000,
      );
      // Mid-burst, new orders are held inside the database (granted once the writes under way
      // commit): every claim not committed now belongs to work that cannot commit before the kill.
      hold = await holdWorkOrders();
      frozen = await eventually('claims caught between claim and commit', async () => {
        const rows = await queryDatabase<{ key: string }>(
          database.url,
          `SELECT key FROM tenant_acme.idempotency_keys WHERE NOT committed AND key LIKE $1`,
          [`burst-${tag}-%`],
        );
        return rows.length >= 3 ? rows.map((row) => row.key) : undefined;
      });
      stop = true;
      await killA();
      killedAt = Date.now();
    } finally {
      stop = true;
      await hold?.release();
      await load;
    }

    // Every write was answered 201: by A before the kill, or by B after it.
    expect(outcomes.filter((outcome) => outcome.status !== 201)).toEqual([]);
    const cut = outcomes.filter((outcome) => outcome.cut);
    expect(cut.length).toBeGreaterThanOrEqual(frozen.length);
    for (const ref of frozen) expect(cut.map((outcome) => outcome.ref)).toContain(ref);
    // No 409 lasting more than a moment, and every cut write done within seconds of the kill.
    const conflicts = cut.flatMap((outcome) =>
      outcome.lastConflictAt ? [outcome.lastConflictAt - killedAt] : [],
    );
    expect(conflicts.filter((lasted) => lasted > 2_000)).toEqual([]);
    expect(cut.filter((outcome) => outcome.at - killedAt > workTimeBound(5_000))).toEqual([]);
    // The dead instance's claims were taken over by B, whose work committed under them.
    for (const ref of frozen)
      expect(await claimOf(ref)).toMatchObject({ committed: true, instance_id: survivorId() });
    // Reads cut by the kill were served by B.
    expect(reads.filter((read) => read.status !== 200)).toEqual([]);

    // Every write sent once more to B: the same answer, replayed.
    for (const outcome of outcomes) {
      const replay = await post(onB, outcome.ref);
      expect({ ref: outcome.ref, status: replay.status, id: replay.body?.id }).toEqual({
        ref: outcome.ref,
        status: 201,
        id: outcome.id,
      });
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
    }
    // Each externalRef exactly once; nothing else in the database; the engine's promises hold.
    const counts = await queryDatabase<{ external_ref: string; count: number }>(
      database.url,
      `SELECT external_ref, count(*)::int AS count FROM tenant_acme.work_orders
        WHERE external_ref LIKE $1 GROUP BY external_ref`,
      [`burst-${tag}-%`],
    );
    expect(counts.filter((row) => row.count !== 1)).toEqual([]);
    expect(counts.map((row) => row.external_ref).sort()).toEqual(
      outcomes.map((outcome) => outcome.ref).sort(),
    );
    expect(await invariantViolations(database.url)).toEqual({});
  }, 90_000);
});
