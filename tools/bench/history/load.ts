/**
 * Writes a simulated history into a tenant schema with set-based SQL: the simulation's compact
 * outcome goes into a temporary staging table (arrays through unnest, 50 000 rows a statement), and
 * every tenant table is filled from it with INSERT … SELECT.
 *
 * The session runs with `session_replication_role = replica`, so no trigger fires (not the reporting
 * history triggers, not the audit trail's append-only guard and NOTIFY, not the foreign-key checks).
 * This file therefore writes what those triggers would have written, the way the migration
 * 1795244000000-ReportingHistory backfills it: one assignment period per dispatch (two when the
 * driver was swapped: 'reassigned', then the new driver's), the site of the order on each period,
 * `work_orders.dispatched_at` and `on_site_at` from the dispatch, and maintenance and retirement
 * periods in `equipment_status_periods`.
 */
import { createHash } from 'node:crypto';
import type { Client } from 'pg';
import { dateOf, NOTES, type TenantModel } from './model';
import { DISPATCH_STATUSES, type History, K, PRIORITIES, WORK_ORDER_STATUSES } from './simulate';

/** Milliseconds since the epoch (a bigint column) as timestamptz. */
const ts = (ms: string) => `(timestamptz 'epoch' + (${ms}) * interval '1 millisecond')`;
/** The same as the API's `Date.toISOString()`. */
const iso = (ms: string) =>
  `to_char(${ts(ms)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
/** Request ids: one per API request; events written by one request share it. */
const rid = (index: string, kind: string) =>
  `md5('bench:' || (${kind}) || ':' || (${index}))::uuid::text`;

export function requestId(index: number, kind: number): string {
  const hex = createHash('md5').update(`bench:${kind}:${index}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const isoOf = (ms: number) => new Date(ms).toISOString();

const ENGINE_RULE =
  'unit nearest the site, then least used today; driver holding every required qualification valid through the due date, with the fewest other qualifications (keeps scarce skills free), then least used today';

type Column = [name: string, type: 'int' | 'bigint', values: ArrayLike<number>];

function stageColumns(history: History): Column[] {
  const index = Int32Array.from({ length: history.orders }, (_, i) => i);
  return [
    ['i', 'int', index],
    ['created', 'bigint', history.created],
    ['type', 'int', history.type],
    ['site', 'int', history.site],
    ['priority', 'int', history.priority],
    ['creator', 'int', history.creator],
    ['title', 'int', history.title],
    ['note', 'int', history.note],
    ['erp', 'int', history.erp],
    ['extra', 'int', history.extra],
    ['window_start', 'bigint', history.windowStart],
    ['window_end', 'bigint', history.windowEnd],
    ['status', 'int', history.status],
    ['queue_cancelled', 'bigint', history.queueCancelled],
    ['staff', 'int', history.staff],
    ['unit', 'int', history.unit],
    ['driver', 'int', history.driver],
    ['first_driver', 'int', history.firstDriver],
    ['assigned', 'bigint', history.assigned],
    ['acknowledged', 'bigint', history.acknowledged],
    ['en_route', 'bigint', history.enRoute],
    ['on_site', 'bigint', history.onSite],
    ['completed', 'bigint', history.completed],
    ['cancelled', 'bigint', history.cancelled],
    ['reassigned', 'bigint', history.reassigned],
    ['dispatch_status', 'int', history.dispatchStatus],
    ['trigger_actor', 'int', history.triggerActor],
    ['trigger_index', 'int', history.triggerIndex],
    ['trigger_kind', 'int', history.triggerKind],
    ['distance_cm', 'int', history.distanceCm],
    ['free_units', 'int', history.freeUnits],
    ['free_drivers', 'int', history.freeDrivers],
    ['other_qualifications', 'int', history.otherQualifications],
    ['unit_used', 'int', history.unitUsedToday],
    ['driver_used', 'int', history.driverUsedToday],
  ];
}

function joined(values: ArrayLike<number>, from: number, to: number): string {
  const parts = new Array<string>(to - from);
  for (let n = from; n < to; n += 1) {
    const value = values[n];
    parts[n - from] = Number.isNaN(value) ? '' : String(Math.round(value));
  }
  return parts.join(',');
}

async function insertJson(client: Client, sql: string, rows: unknown[]): Promise<void> {
  for (let from = 0; from < rows.length; from += 5_000)
    await client.query(sql, [JSON.stringify(rows.slice(from, from + 5_000))]);
}

/**
 * Drops the indexes of the big tables that back no constraint, and gives back a function that
 * builds them again, exactly as they were (one sort per index instead of millions of random
 * inserts). Inside the loading transaction: a failure rolls the drops back too.
 */
async function dropSecondaryIndexes(
  client: Client,
  tables: string[],
): Promise<() => Promise<void>> {
  const { rows } = await client.query<{ name: string; definition: string }>(
    `SELECT quote_ident(c.relname) AS name, pg_get_indexdef(i.indexrelid) AS definition
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indexrelid
       JOIN pg_class t ON t.oid = i.indrelid
      WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ANY($1)
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)`,
    [tables],
  );
  for (const { name } of rows) await client.query(`DROP INDEX ${name}`);
  return async () => {
    for (const { definition } of rows) await client.query(definition);
  };
}

export interface LoadResult {
  auditEvents: number;
  phases: [string, number][];
}

/** Fills the tenant (search_path already set, inside the caller's transaction). */
export async function loadHistory(
  client: Client,
  model: TenantModel,
  history: History,
  log: (line: string) => void,
): Promise<LoadResult> {
  const phases: [string, number][] = [];
  let mark = Date.now();
  const phase = (name: string) => {
    const now = Date.now();
    phases.push([name, (now - mark) / 1000]);
    log(`  ${name}: ${((now - mark) / 1000).toFixed(1)} s`);
    mark = now;
  };
  const onboarded = model.onboardedAt;
  const admin = model.actors[model.adminCodes[0]];

  const rebuildIndexes = await dropSecondaryIndexes(client, [
    'work_orders',
    'dispatches',
    'assignment_periods',
    'audit_events',
  ]);

  // --- Reference data, with the state it has at the end of the history.
  const openDriver = new Set<number>();
  for (let i = 0; i < history.orders; i += 1)
    if (history.unit[i] >= 0 && history.dispatchStatus[i] < 4) openDriver.add(history.driver[i]);

  await insertJson(
    client,
    `INSERT INTO qualifications (id, code, name, created_at, updated_at)
     SELECT id, code, name, ${ts('at')}, ${ts('at')} FROM json_to_recordset($1::json) AS x(id uuid, code text, name text, at bigint)`,
    model.qualifications.map((q) => ({ ...q, at: onboarded })),
  );
  await insertJson(
    client,
    `INSERT INTO sites (id, name, address, latitude, longitude, created_at, updated_at)
     SELECT id, name, address, latitude, longitude, ${ts('at')}, ${ts('at')}
       FROM json_to_recordset($1::json) AS x(id uuid, name text, address text, latitude numeric, longitude numeric, at bigint)`,
    model.sites.map((site) => ({ ...site, at: onboarded })),
  );
  await insertJson(
    client,
    `INSERT INTO equipment_types (id, code, name, created_at, updated_at)
     SELECT id, code, name, ${ts('at')}, ${ts('at')} FROM json_to_recordset($1::json) AS x(id uuid, code text, name text, at bigint)`,
    model.types.map((type) => ({ id: type.id, code: type.code, name: type.name, at: onboarded })),
  );
  await insertJson(
    client,
    `INSERT INTO equipment_type_required_qualifications (equipment_type_id, qualification_id)
     SELECT type_id, qualification_id FROM json_to_recordset($1::json) AS x(type_id uuid, qualification_id uuid)`,
    model.types.flatMap((type) =>
      type.requires.map((q) => ({
        type_id: type.id,
        qualification_id: model.qualifications[q].id,
      })),
    ),
  );
  await insertJson(
    client,
    `INSERT INTO equipment (id, code, name, equipment_type_id, status, latitude, longitude, created_at, updated_at)
     SELECT id, code, name, type_id, status, latitude, longitude, ${ts('created')}, ${ts('updated')}
       FROM json_to_recordset($1::json) AS x(id uuid, code text, name text, type_id uuid, status text, latitude numeric, longitude numeric, created bigint, updated bigint)`,
    model.units.map((unit, u) => {
      const where = model.sites[history.unitSite[u]];
      return {
        id: unit.id,
        code: unit.code,
        name: unit.name,
        type_id: model.types[unit.type].id,
        status: history.unitStatus[u],
        latitude: where.latitude,
        longitude: where.longitude,
        created: unit.createdAt,
        updated: Math.round(history.unitUpdatedAt[u]),
      };
    }),
  );
  await insertJson(
    client,
    `INSERT INTO drivers (id, name, phone, email, keycloak_subject, username, duty_status, created_at, updated_at)
     SELECT id, name, phone, email, subject, username, duty, ${ts('created')}, ${ts('updated')}
       FROM json_to_recordset($1::json) AS x(id uuid, name text, phone text, email text, subject text, username text, duty text, created bigint, updated bigint)`,
    model.drivers.map((driver, d) => ({
      ...driver,
      duty: openDriver.has(d) || d % 7 !== 3 ? 'on_duty' : 'off_duty',
      created: onboarded,
      updated: Math.round(history.driverUpdatedAt[d]),
    })),
  );
  await insertJson(
    client,
    `INSERT INTO driver_qualifications (driver_id, qualification_id, expires_at)
     SELECT driver_id, qualification_id, expires_at FROM json_to_recordset($1::json) AS x(driver_id uuid, qualification_id uuid, expires_at date)`,
    model.drivers.flatMap((driver) =>
      driver.expiresDay.flatMap((day, q) =>
        day < 0
          ? []
          : [
              {
                driver_id: driver.id,
                qualification_id: model.qualifications[q].id,
                expires_at: dateOf(day),
              },
            ],
      ),
    ),
  );

  // Lookups from the simulation's indexes to ids and names.
  await client.query(`
    CREATE TEMP TABLE b_types (idx int PRIMARY KEY, id uuid, req jsonb);
    CREATE TEMP TABLE b_sites (idx int PRIMARY KEY, id uuid);
    CREATE TEMP TABLE b_quals (idx int PRIMARY KEY, id uuid);
    CREATE TEMP TABLE b_units (idx int PRIMARY KEY, id uuid, code text, name text);
    CREATE TEMP TABLE b_drivers (idx int PRIMARY KEY, id uuid, name text);
    CREATE TEMP TABLE b_actors (code int PRIMARY KEY, subject text, name text, role text);
    CREATE TEMP TABLE b_titles (idx int PRIMARY KEY, title text);
    CREATE TEMP TABLE b_notes (idx int PRIMARY KEY, note text)`);
  const lookup = (table: string, columns: string, rows: unknown[]) =>
    insertJson(
      client,
      `INSERT INTO ${table} SELECT * FROM json_to_recordset($1::json) AS x(${columns})`,
      rows,
    );
  await lookup(
    'b_types',
    'idx int, id uuid, req jsonb',
    model.types.map((type, idx) => ({
      idx,
      id: type.id,
      req: type.requires.map((q) => model.qualifications[q].id),
    })),
  );
  await lookup(
    'b_sites',
    'idx int, id uuid',
    model.sites.map((site, idx) => ({ idx, id: site.id })),
  );
  await lookup(
    'b_quals',
    'idx int, id uuid',
    model.qualifications.map((q, idx) => ({ idx, id: q.id })),
  );
  await lookup(
    'b_units',
    'idx int, id uuid, code text, name text',
    model.units.map((unit, idx) => ({ idx, id: unit.id, code: unit.code, name: unit.name })),
  );
  await lookup(
    'b_drivers',
    'idx int, id uuid, name text',
    model.drivers.map((driver, idx) => ({ idx, id: driver.id, name: driver.name })),
  );
  await lookup('b_actors', 'code int, subject text, name text, role text', model.actors);
  await lookup(
    'b_titles',
    'idx int, title text',
    history.titles.map((title, idx) => ({ idx, title })),
  );
  await lookup(
    'b_notes',
    'idx int, note text',
    NOTES.map((note, idx) => ({ idx, note })),
  );
  phase('reference data');

  // --- The staging table: one row per work order, with its dispatch (if any).
  const columns = stageColumns(history);
  await client.query(
    `CREATE TEMP TABLE stage (${columns.map(([name, type]) => `${name} ${type}`).join(', ')}, wo_id uuid, d_id uuid)`,
  );
  const unnest = columns
    .map(([, type], n) => `string_to_array($${n + 1}, ',', '')::${type}[]`)
    .join(', ');
  const names = columns.map(([name]) => name).join(', ');
  const BATCH = 50_000;
  for (let from = 0; from < history.orders; from += BATCH) {
    const to = Math.min(history.orders, from + BATCH);
    await client.query(
      `INSERT INTO stage SELECT u.*, gen_random_uuid(), gen_random_uuid() FROM unnest(${unnest}) AS u(${names})`,
      columns.map(([, , values]) => joined(values, from, to)),
    );
  }
  await client.query(`CREATE UNIQUE INDEX ON stage (i)`);
  await client.query(`ANALYZE stage`);
  phase(`staging ${history.orders} orders`);

  // --- Work orders, as they stand at the end; dispatched_at / on_site_at as the trigger keeps them.
  const externalRef = `CASE WHEN s.erp = 1 THEN 'ERP-' || lpad((s.i + 1)::text, 7, '0') END`;
  const number = `'WO-' || CASE WHEN s.i + 1 < 1000000 THEN lpad((s.i + 1)::text, 6, '0') ELSE (s.i + 1)::text END`;
  const priorities = `(ARRAY[${PRIORITIES.map((p) => `'${p}'`).join(', ')}])[s.priority + 1]`;
  await client.query(`
    INSERT INTO work_orders (id, number, title, site_id, equipment_type_id, priority, window_start, window_end,
                             notes, external_ref, status, created_by, cancelled_at, completed_at, created_at,
                             updated_at, dispatched_at, on_site_at)
    SELECT s.wo_id, s.i + 1, ti.title, si.id, ty.id, ${priorities}, ${ts('s.window_start')}, ${ts('s.window_end')},
           nt.note, ${externalRef},
           (ARRAY[${WORK_ORDER_STATUSES.map((status) => `'${status}'`).join(', ')}])[s.status + 1],
           c.subject, ${ts('coalesce(s.cancelled, s.queue_cancelled)')}, ${ts('s.completed')}, ${ts('s.created')},
           ${ts('greatest(s.created, s.assigned, s.completed, s.cancelled, s.queue_cancelled)')},
           ${ts('s.assigned')}, ${ts('s.on_site')}
      FROM stage s
      JOIN b_titles ti ON ti.idx = s.title
      JOIN b_sites si ON si.idx = s.site
      JOIN b_types ty ON ty.idx = s.type
      JOIN b_actors c ON c.code = s.creator
      LEFT JOIN b_notes nt ON nt.idx = s.note
     ORDER BY s.i`);
  await client.query(
    `SELECT setval(pg_get_serial_sequence('work_orders', 'number'), (SELECT max(number) FROM work_orders))`,
  );
  await client.query(`
    INSERT INTO work_order_required_qualifications (work_order_id, qualification_id)
    SELECT s.wo_id, q.id FROM stage s JOIN b_quals q ON q.idx = s.extra WHERE s.extra >= 0`);
  phase('work_orders');

  await client.query(`
    INSERT INTO dispatches (id, work_order_id, equipment_id, driver_id, status, dispatched_by, assigned_at,
                            acknowledged_at, en_route_at, on_site_at, completed_at, cancelled_at, created_at, updated_at)
    SELECT s.d_id, s.wo_id, u.id, d.id,
           (ARRAY[${DISPATCH_STATUSES.map((status) => `'${status}'`).join(', ')}])[s.dispatch_status + 1],
           'auto', ${ts('s.assigned')}, ${ts('s.acknowledged')}, ${ts('s.en_route')}, ${ts('s.on_site')},
           ${ts('s.completed')}, ${ts('s.cancelled')}, ${ts('s.assigned')},
           ${ts('greatest(s.assigned, s.acknowledged, s.reassigned, s.en_route, s.on_site, s.completed, s.cancelled)')}
      FROM stage s
      JOIN b_units u ON u.idx = s.unit
      JOIN b_drivers d ON d.idx = s.driver
     WHERE s.unit >= 0
     ORDER BY s.assigned`);
  phase('dispatches');

  // What record_assignment_start / record_assignment_change would have written.
  await client.query(`
    INSERT INTO assignment_periods (dispatch_id, equipment_id, driver_id, site_id, started_at, ended_at, end_reason)
    SELECT p.d_id, u.id, d.id, si.id, ${ts('p.started')}, ${ts('p.ended')}, p.reason
      FROM (SELECT d_id, unit, first_driver AS driver, site, assigned AS started, reassigned AS ended,
                   'reassigned' AS reason
              FROM stage WHERE reassigned IS NOT NULL
            UNION ALL
            SELECT d_id, unit, driver, site, coalesce(reassigned, assigned), coalesce(completed, cancelled),
                   CASE WHEN completed IS NOT NULL THEN 'completed' WHEN cancelled IS NOT NULL THEN 'cancelled' END
              FROM stage WHERE unit >= 0) p
      JOIN b_units u ON u.idx = p.unit
      JOIN b_drivers d ON d.idx = p.driver
      JOIN b_sites si ON si.idx = p.site
     ORDER BY p.started`);
  await client.query(`
    UPDATE drivers dr SET active_dispatch_id = s.d_id
      FROM stage s JOIN b_drivers d ON d.idx = s.driver
     WHERE s.unit >= 0 AND s.dispatch_status < 4 AND dr.id = d.id`);
  // What record_equipment_status would have written.
  await insertJson(
    client,
    `INSERT INTO equipment_status_periods (equipment_id, status, started_at, ended_at)
     SELECT u.id, x.status, ${ts('x.started')}, ${ts('x.ended')}
       FROM json_to_recordset($1::json) AS x(unit int, status text, started bigint, ended bigint)
       JOIN b_units u ON u.idx = x.unit
      ORDER BY x.started`,
    history.periods.map((period) => ({
      unit: period.unit,
      status: period.status,
      started: period.start,
      ended: Number.isNaN(period.end) ? null : period.end,
    })),
  );
  phase('assignment_periods, equipment_status_periods');

  // --- Audit events: set-up and equipment events are built here, the rest in SQL.
  const equipmentView = (u: number, status: string, updated: number) => {
    const unit = model.units[u];
    const where = model.sites[unit.homeSite];
    return {
      id: unit.id,
      code: unit.code,
      name: unit.name,
      equipmentTypeId: model.types[unit.type].id,
      status,
      latitude: where.latitude,
      longitude: where.longitude,
      createdAt: isoOf(unit.createdAt),
      updatedAt: isoOf(updated),
    };
  };
  interface MiscRow {
    i: number;
    t: number;
    subject: string;
    name: string;
    role: string | null;
    action: string;
    entity_type: string;
    entity_id: string;
    before: object | null;
    after: object;
    request_id: string;
  }
  const misc: MiscRow[] = history.misc.map((event, index) => {
    const actor = model.actors.find((candidate) => candidate.code === event.actor) ?? admin;
    const unit = model.units[event.unit];
    return {
      i: index,
      t: event.at,
      subject: actor.subject,
      name: actor.name,
      role: actor.role,
      action: event.action,
      entity_type: 'equipment',
      entity_id: unit.id,
      before: event.from === null ? null : equipmentView(event.unit, event.from, event.at - 60_000),
      after: equipmentView(event.unit, event.to, event.at),
      request_id: requestId(index, K.misc),
    };
  });
  let at = onboarded;
  const setup = (entityType: string, entityId: string, after: object) => {
    at += 1_500 + (misc.length % 7) * 1_000;
    misc.push({
      i: misc.length,
      t: at,
      subject: admin.subject,
      name: admin.name,
      role: admin.role,
      action: `${entityType}.created`,
      entity_type: entityType,
      entity_id: entityId,
      before: null,
      after: { ...after, createdAt: isoOf(at), updatedAt: isoOf(at) },
      request_id: requestId(misc.length, K.misc),
    });
  };
  for (const q of model.qualifications)
    setup('qualification', q.id, { id: q.id, code: q.code, name: q.name });
  for (const site of model.sites)
    setup('site', site.id, {
      id: site.id,
      name: site.name,
      address: site.address,
      latitude: site.latitude,
      longitude: site.longitude,
    });
  for (const type of model.types)
    setup('equipment_type', type.id, {
      id: type.id,
      code: type.code,
      name: type.name,
      requiredQualifications: type.requires
        .map((q) => model.qualifications[q])
        .map((q) => ({ id: q.id, code: q.code, name: q.name }))
        .sort((a, b) => a.code.localeCompare(b.code)),
    });
  model.units.forEach((unit, u) => {
    if (unit.createdAt <= history.start)
      setup('equipment', unit.id, equipmentView(u, 'available', at));
  });
  for (const driver of model.drivers)
    setup('driver', driver.id, {
      id: driver.id,
      name: driver.name,
      phone: driver.phone,
      email: driver.email,
      username: driver.username,
      dutyStatus: 'on_duty',
      qualifications: driver.expiresDay
        .flatMap((day, q) =>
          day < 0
            ? []
            : [
                {
                  qualificationId: model.qualifications[q].id,
                  code: model.qualifications[q].code,
                  name: model.qualifications[q].name,
                  expiresAt: dateOf(day),
                },
              ],
        )
        .sort((a, b) => a.code.localeCompare(b.code)),
    });
  await client.query(`
    CREATE TEMP TABLE misc (i int PRIMARY KEY, t bigint, subject text, name text, role text, action text,
                            entity_type text, entity_id uuid, before jsonb, after jsonb, request_id text)`);
  await insertJson(
    client,
    `INSERT INTO misc SELECT * FROM json_to_recordset($1::json) AS x(i int, t bigint, subject text, name text, role text,
       action text, entity_type text, entity_id uuid, before jsonb, after jsonb, request_id text)`,
    misc,
  );

  // Every event's place in time; ids follow occurred_at, as they do when the API writes them.
  const [{ base }] = (
    await client.query<{ base: string }>(
      `SELECT coalesce(max(id), 0)::text AS base FROM audit_events`,
    )
  ).rows;
  await client.query(`
    CREATE TEMP TABLE ev AS
    SELECT row_number() OVER (ORDER BY t, k, i) + ${Number(base)} AS n, t, k, i FROM (
      SELECT created AS t, ${K.workOrderCreated} AS k, i FROM stage
      UNION ALL SELECT completed, ${K.dispatchCompleted}, i FROM stage WHERE completed IS NOT NULL
      UNION ALL SELECT completed, ${K.workOrderCompleted}, i FROM stage WHERE completed IS NOT NULL
      UNION ALL SELECT cancelled, ${K.dispatchCancelled}, i FROM stage WHERE cancelled IS NOT NULL
      UNION ALL SELECT cancelled, ${K.workOrderCancelledWithDispatch}, i FROM stage WHERE cancelled IS NOT NULL
      UNION ALL SELECT queue_cancelled, ${K.workOrderCancelledQueued}, i FROM stage WHERE queue_cancelled IS NOT NULL
      UNION ALL SELECT t, ${K.misc}, i FROM misc
      UNION ALL SELECT assigned, ${K.dispatchAssigned}, i FROM stage WHERE assigned IS NOT NULL
      UNION ALL SELECT acknowledged, ${K.dispatchAcknowledged}, i FROM stage WHERE acknowledged IS NOT NULL
      UNION ALL SELECT reassigned, ${K.dispatchReassigned}, i FROM stage WHERE reassigned IS NOT NULL
      UNION ALL SELECT en_route, ${K.dispatchEnRoute}, i FROM stage WHERE en_route IS NOT NULL
      UNION ALL SELECT on_site, ${K.dispatchOnSite}, i FROM stage WHERE on_site IS NOT NULL) u`);
  await client.query(`CREATE UNIQUE INDEX ON ev (n)`);
  await client.query(`ANALYZE ev`);
  const [{ events }] = (
    await client.query<{ events: number }>(`SELECT count(*)::int AS events FROM ev`)
  ).rows;
  phase(`ordering ${events} audit events`);

  const workOrderView = `jsonb_build_object(
      'id', s.wo_id, 'number', ${number}, 'title', ti.title, 'siteId', si.id, 'equipmentTypeId', ty.id,
      'priority', ${priorities},
      'requiredQualificationIds', CASE WHEN s.extra >= 0 THEN jsonb_build_array(xq.id) ELSE '[]'::jsonb END,
      'window', CASE WHEN s.window_start IS NULL THEN 'null'::jsonb
                     ELSE jsonb_build_object('start', ${iso('s.window_start')}, 'end', ${iso('s.window_end')}) END,
      'notes', nt.note, 'externalRef', ${externalRef}, 'status', 'queued', 'createdBy', c.subject,
      'createdAt', ${iso('s.created')}, 'updatedAt', ${iso('s.created')}, 'cancelledAt', NULL, 'completedAt', NULL)`;
  const dispatchView = (driverAlias: string, withUnit: boolean) => `jsonb_build_object(
      'id', s.d_id, 'workOrderId', s.wo_id, 'equipmentId', u.id,
      'equipmentCode', ${withUnit ? 'u.code' : "''"}, 'equipmentName', ${withUnit ? 'u.name' : "''"},
      'driverId', ${driverAlias}.id, 'status', 'acknowledged', 'dispatchedBy', 'auto',
      'assignedAt', ${iso('s.assigned')}, 'acknowledgedAt', ${iso('s.acknowledged')}, 'enRouteAt', NULL,
      'onSiteAt', NULL, 'completedAt', NULL, 'cancelledAt', NULL)`;
  const status = (value: string) => `jsonb_build_object('status', ${value})`;
  const statusBeforeCancel = `CASE WHEN s.en_route IS NOT NULL THEN 'en_route' WHEN s.acknowledged IS NOT NULL THEN 'acknowledged' ELSE 'assigned' END`;
  const due = `to_char(${ts('CASE WHEN s.window_end > s.assigned THEN s.window_end ELSE s.assigned END')} AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;
  const assignedView = `jsonb_build_object(
      'id', s.d_id, 'workOrderId', s.wo_id, 'equipmentId', u.id, 'driverId', d0.id, 'status', 'assigned',
      'assignedAt', ${iso('s.assigned')},
      'trigger', jsonb_build_object('subject', ta.subject, 'name', ta.name),
      'selection', jsonb_build_object(
        'rule', '${ENGINE_RULE}', 'due', ${due},
        'requiredQualificationIds', ty.req || CASE WHEN s.extra >= 0 THEN jsonb_build_array(xq.id) ELSE '[]'::jsonb END,
        'unit', jsonb_build_object('id', u.id, 'code', u.code, 'distanceKm', (s.distance_cm / 100.0)::float8,
                                   'usedToday', s.unit_used, 'freeUnitsOfType', s.free_units),
        'driver', jsonb_build_object('id', d0.id, 'name', d0.name, 'otherQualifications', s.other_qualifications,
                                     'usedToday', s.driver_used, 'freeDrivers', s.free_drivers)))`;
  const CHUNK = 1_500_000;
  const first = Number(base);
  for (let from = first; from < first + events; from += CHUNK) {
    await client.query(
      `
      INSERT INTO audit_events (id, occurred_at, actor_subject, actor_name, actor_role, action, entity_type, entity_id,
                                before, after, request_id)
      OVERRIDING SYSTEM VALUE
      SELECT e.n, ${ts('e.t')}, a.subject, a.name, a.role,
             CASE e.k WHEN ${K.workOrderCreated} THEN 'work_order.created'
                      WHEN ${K.dispatchCompleted} THEN 'dispatch.completed'
                      WHEN ${K.workOrderCompleted} THEN 'work_order.completed'
                      WHEN ${K.dispatchCancelled} THEN 'dispatch.cancelled'
                      WHEN ${K.dispatchAssigned} THEN 'dispatch.assigned'
                      WHEN ${K.dispatchAcknowledged} THEN 'dispatch.acknowledged'
                      WHEN ${K.dispatchReassigned} THEN 'dispatch.reassigned'
                      WHEN ${K.dispatchEnRoute} THEN 'dispatch.en_route'
                      WHEN ${K.dispatchOnSite} THEN 'dispatch.on_site'
                      ELSE 'work_order.cancelled' END,
             CASE WHEN e.k IN (${K.workOrderCreated}, ${K.workOrderCompleted}, ${K.workOrderCancelledWithDispatch}, ${K.workOrderCancelledQueued})
                  THEN 'work_order' ELSE 'dispatch' END,
             CASE WHEN e.k IN (${K.workOrderCreated}, ${K.workOrderCompleted}, ${K.workOrderCancelledWithDispatch}, ${K.workOrderCancelledQueued})
                  THEN s.wo_id ELSE s.d_id END,
             CASE e.k WHEN ${K.dispatchCompleted} THEN ${status("'on_site'")}
                      WHEN ${K.workOrderCompleted} THEN ${status("'dispatched'")}
                      WHEN ${K.dispatchCancelled} THEN ${status(statusBeforeCancel)}
                      WHEN ${K.workOrderCancelledWithDispatch} THEN ${status("'dispatched'")}
                      WHEN ${K.workOrderCancelledQueued} THEN ${workOrderView}
                      WHEN ${K.dispatchAcknowledged} THEN ${status("'assigned'")}
                      WHEN ${K.dispatchReassigned} THEN ${dispatchView('d0', false)}
                      WHEN ${K.dispatchEnRoute} THEN ${status("'acknowledged'")}
                      WHEN ${K.dispatchOnSite} THEN ${status("'en_route'")} END,
             CASE e.k WHEN ${K.workOrderCreated} THEN ${workOrderView}
                      WHEN ${K.dispatchCompleted} THEN ${status("'completed'")}
                      WHEN ${K.workOrderCompleted} THEN jsonb_build_object('status', 'completed', 'dispatchId', s.d_id)
                      WHEN ${K.dispatchCancelled} THEN ${status("'cancelled'")}
                      WHEN ${K.workOrderCancelledWithDispatch} THEN jsonb_build_object('status', 'cancelled', 'dispatchId', s.d_id)
                      WHEN ${K.workOrderCancelledQueued} THEN ${workOrderView} || jsonb_build_object(
                        'status', 'cancelled', 'cancelledAt', ${iso('s.queue_cancelled')}, 'updatedAt', ${iso('s.queue_cancelled')})
                      WHEN ${K.dispatchAssigned} THEN ${assignedView}
                      WHEN ${K.dispatchAcknowledged} THEN ${status("'acknowledged'")}
                      WHEN ${K.dispatchReassigned} THEN ${dispatchView('d', true)}
                      WHEN ${K.dispatchEnRoute} THEN ${status("'en_route'")}
                      WHEN ${K.dispatchOnSite} THEN ${status("'on_site'")} END,
             CASE WHEN e.k = ${K.dispatchAssigned}
                  THEN CASE WHEN s.trigger_actor < 0 THEN NULL ELSE ${rid('s.trigger_index', 's.trigger_kind')} END
                  WHEN e.k IN (${K.dispatchCompleted}, ${K.workOrderCompleted}) THEN ${rid('s.i', String(K.dispatchCompleted))}
                  WHEN e.k IN (${K.dispatchCancelled}, ${K.workOrderCancelledWithDispatch}) THEN ${rid('s.i', String(K.dispatchCancelled))}
                  ELSE ${rid('s.i', 'e.k')} END
        FROM ev e
        JOIN stage s ON s.i = e.i
        JOIN b_actors a ON a.code = CASE e.k
                 WHEN ${K.workOrderCreated} THEN s.creator
                 WHEN ${K.dispatchAssigned} THEN -1
                 WHEN ${K.dispatchAcknowledged} THEN s.first_driver
                 WHEN ${K.dispatchCompleted} THEN s.driver
                 WHEN ${K.workOrderCompleted} THEN s.driver
                 WHEN ${K.dispatchEnRoute} THEN s.driver
                 WHEN ${K.dispatchOnSite} THEN s.driver
                 ELSE s.staff END
        JOIN b_actors c ON c.code = s.creator
        JOIN b_titles ti ON ti.idx = s.title
        JOIN b_sites si ON si.idx = s.site
        JOIN b_types ty ON ty.idx = s.type
        LEFT JOIN b_notes nt ON nt.idx = s.note
        LEFT JOIN b_quals xq ON xq.idx = s.extra
        LEFT JOIN b_units u ON u.idx = s.unit
        LEFT JOIN b_drivers d ON d.idx = s.driver
        LEFT JOIN b_drivers d0 ON d0.idx = s.first_driver
        LEFT JOIN b_actors ta ON ta.code = s.trigger_actor
       WHERE e.k <> ${K.misc} AND e.n > $1 AND e.n <= $2`,
      [from, from + CHUNK],
    );
    log(`    audit events up to ${Math.min(from + CHUNK, first + events) - first} of ${events}`);
  }
  await client.query(`
    INSERT INTO audit_events (id, occurred_at, actor_subject, actor_name, actor_role, action, entity_type, entity_id,
                              before, after, request_id)
    OVERRIDING SYSTEM VALUE
    SELECT e.n, ${ts('m.t')}, m.subject, m.name, m.role, m.action, m.entity_type, m.entity_id, m.before, m.after,
           m.request_id
      FROM ev e JOIN misc m ON m.i = e.i
     WHERE e.k = ${K.misc}
     ORDER BY e.n`);
  await client.query(
    `SELECT setval(pg_get_serial_sequence('audit_events', 'id'), (SELECT max(id) FROM audit_events))`,
  );
  phase('audit_events');
  await rebuildIndexes();
  phase('indexes');
  await client.query(
    `DROP TABLE ev, misc, stage, b_types, b_sites, b_quals, b_units, b_drivers, b_actors, b_titles, b_notes`,
  );
  return { auditEvents: events, phases };
}
