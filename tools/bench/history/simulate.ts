/**
 * A year of dispatching, simulated event by event the way the engine decides: orders arrive with a
 * daily and weekly rhythm, are dispatched at once when a unit of their type and a qualified driver
 * are free, or wait in the queue (priority, aging, then oldest), and each dispatch holds its unit and
 * its driver from assignment to completion or cancellation. Because a unit or a driver is only ever
 * handed out when it is free, no unit's and no driver's periods overlap, by construction. The rules
 * of what fits and of the queue's order are the domain's, applied to the simulation's compact
 * arrays: `queuedSince`, `servingOrder`, `requiredQualificationIds`, `dueDate`, `isValidThrough`
 * (and `distanceKm`, in the model).
 */
import {
  DEFAULT_AGING_SECONDS,
  dueDate,
  isValidThrough,
  Priority,
  queuedSince,
  type QueuedOrderForOrdering,
  requiredQualificationIds,
  servingOrder,
} from '@dispatch/domain';
import {
  AUTO_ACTOR,
  dateOf,
  DAY_MS,
  EXTRA_REQUIREMENTS,
  HOUR_MS,
  MINUTE_MS,
  NOTES,
  type TenantModel,
} from './model';
import { cumulative, type Random } from './random';

/** Audit event kinds; their order breaks ties between events of the same millisecond. */
export const K = {
  workOrderCreated: 1,
  dispatchCompleted: 2,
  workOrderCompleted: 3,
  dispatchCancelled: 4,
  workOrderCancelledWithDispatch: 5,
  workOrderCancelledQueued: 6,
  misc: 7,
  dispatchAssigned: 10,
  dispatchAcknowledged: 11,
  dispatchReassigned: 12,
  dispatchEnRoute: 13,
  dispatchOnSite: 14,
} as const;

/** Priorities by their index in `History.priority`. */
export const PRIORITIES = [
  Priority.Emergency,
  Priority.Urgent,
  Priority.Standard,
  Priority.Low,
] as const;
export const WORK_ORDER_STATUSES = ['queued', 'dispatched', 'completed', 'cancelled'] as const;
export const DISPATCH_STATUSES = [
  'assigned',
  'acknowledged',
  'en_route',
  'on_site',
  'completed',
  'cancelled',
] as const;
const NO_DISPATCH = 255;

/**
 * The engine's defaults: aging per priority step, and the lead time of scheduled work (the API's
 * DISPATCH_LEAD_MINUTES). The rules that use them are the domain's (`queuedSince`, `servingOrder`).
 */
const AGING_SECONDS = DEFAULT_AGING_SECONDS;
const LEAD_MINUTES = 60;
/** Dispatchers cancel what has waited this long (should be rare). */
const STALE_MS = 12 * HOUR_MS;

export interface MiscEvent {
  at: number;
  action: 'equipment.created' | 'equipment.status_changed';
  unit: number;
  actor: number;
  from: string | null;
  to: string;
}

export interface StatusPeriod {
  unit: number;
  status: 'maintenance' | 'retired';
  start: number;
  end: number;
}

export interface History {
  start: number;
  end: number;
  orders: number;
  created: Float64Array;
  type: Uint8Array;
  site: Uint8Array;
  priority: Uint8Array;
  creator: Int16Array;
  title: Uint8Array;
  note: Int8Array;
  erp: Uint8Array;
  extra: Int8Array;
  windowStart: Float64Array;
  windowEnd: Float64Array;
  eligible: Float64Array;
  status: Uint8Array;
  queueCancelled: Float64Array;
  staff: Int16Array;
  unit: Int16Array;
  driver: Int16Array;
  firstDriver: Int16Array;
  assigned: Float64Array;
  acknowledged: Float64Array;
  enRoute: Float64Array;
  onSite: Float64Array;
  completed: Float64Array;
  cancelled: Float64Array;
  reassigned: Float64Array;
  dispatchStatus: Uint8Array;
  triggerActor: Int16Array;
  triggerIndex: Int32Array;
  triggerKind: Uint8Array;
  distanceCm: Int32Array;
  freeUnits: Int16Array;
  freeDrivers: Int16Array;
  otherQualifications: Int8Array;
  unitUsedToday: Int16Array;
  driverUsedToday: Int16Array;
  titles: string[];
  misc: MiscEvent[];
  periods: StatusPeriod[];
  /** Final state of each unit. */
  unitStatus: string[];
  unitSite: Int16Array;
  unitUpdatedAt: Float64Array;
  /** Final state of each driver. */
  driverUpdatedAt: Float64Array;
  stats: Record<string, number | string>;
}

// ---------------------------------------------------------------------------------------------
// Arrivals

const WEEKDAY_HOURS = [
  0.42, 0.4, 0.4, 0.42, 0.48, 0.62, 0.85, 1.15, 1.35, 1.38, 1.36, 1.3, 1.22, 1.3, 1.32, 1.28, 1.18,
  1.02, 0.88, 0.78, 0.68, 0.6, 0.52, 0.46,
];
const WEEKEND_HOURS = [
  0.5, 0.45, 0.42, 0.42, 0.45, 0.5, 0.62, 0.78, 0.95, 1.05, 1.1, 1.1, 1.05, 1.02, 1.0, 0.98, 0.95,
  0.9, 0.85, 0.8, 0.72, 0.65, 0.58, 0.52,
];
const WEEKDAY_FACTOR: Record<string, number> = {
  Mon: 1,
  Tue: 1.02,
  Wed: 1.02,
  Thu: 1,
  Fri: 0.94,
  Sat: 0.62,
  Sun: 0.42,
};

function easter(year: number): Date {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return new Date(Date.UTC(year, month - 1, day));
}

/** Public holidays in Berlin (YYYY-MM-DD). */
function holidays(years: number[]): Set<string> {
  const days = new Set<string>();
  for (const year of years) {
    for (const fixed of ['01-01', '03-08', '05-01', '10-03', '12-25', '12-26'])
      days.add(`${year}-${fixed}`);
    const sunday = easter(year).getTime();
    for (const offset of [-2, 1, 39, 50])
      days.add(new Date(sunday + offset * DAY_MS).toISOString().slice(0, 10));
  }
  return days;
}

/**
 * Creation times of `count` orders over [start, end): a non-homogeneous Poisson-like spread with
 * the rhythm of a week in Berlin (busy weekday mornings, quiet nights and Sundays), holidays, a
 * quiet Christmas, a summer high, day-to-day noise and a few very busy days (storms, outages).
 */
export function arrivals(random: Random, count: number, start: number, end: number): Float64Array {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Berlin',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    weekday: 'short',
    hourCycle: 'h23',
  });
  const firstHour = Math.floor(start / HOUR_MS) * HOUR_MS;
  const hours = Math.ceil((end - firstHour) / HOUR_MS);
  const years = [new Date(start).getUTCFullYear(), new Date(end).getUTCFullYear()];
  const holiday = holidays([...new Set(years)]);
  const dayFactor = new Map<string, number>();
  const weights = new Float64Array(hours);
  let total = 0;
  for (let h = 0; h < hours; h += 1) {
    const at = firstHour + h * HOUR_MS;
    const parts = Object.fromEntries(
      format.formatToParts(new Date(at)).map((part) => [part.type, part.value]),
    );
    const date = `${parts.year}-${parts.month}-${parts.day}`;
    let factor = dayFactor.get(date);
    if (factor === undefined) {
      const monthDay = date.slice(5);
      const dayOfYear =
        (Date.parse(`${date}T00:00:00Z`) - Date.UTC(Number(parts.year), 0, 1)) / DAY_MS;
      factor = holiday.has(date) ? 0.42 : (WEEKDAY_FACTOR[parts.weekday] ?? 1);
      factor *= 1 + 0.12 * Math.cos((2 * Math.PI * (dayOfYear - 196)) / 365);
      if (monthDay >= '12-23' || monthDay <= '01-01') factor *= 0.55;
      factor *= Math.max(0.6, 1 + 0.08 * random.normal());
      if (random.chance(0.025)) factor *= random.uniform(1.35, 1.8);
      dayFactor.set(date, factor);
    }
    const weekend = parts.weekday === 'Sat' || parts.weekday === 'Sun' || holiday.has(date);
    const hour = Number(parts.hour);
    const from = Math.max(at, start);
    const to = Math.min(at + HOUR_MS, end);
    const weight =
      to > from
        ? (factor * (weekend ? WEEKEND_HOURS[hour] : WEEKDAY_HOURS[hour]) * (to - from)) / HOUR_MS
        : 0;
    weights[h] = weight;
    total += weight;
  }
  const created = new Float64Array(count);
  let cumulativeShare = 0;
  let placed = 0;
  for (let h = 0; h < hours && placed < count; h += 1) {
    const before = Math.floor(cumulativeShare);
    cumulativeShare += (weights[h] * count) / total;
    const here = Math.min(count - placed, Math.floor(cumulativeShare + 1e-9) - before);
    if (here <= 0) continue;
    const from = Math.max(firstHour + h * HOUR_MS, start);
    const to = Math.min(firstHour + (h + 1) * HOUR_MS, end);
    const slice = new Float64Array(here);
    for (let n = 0; n < here; n += 1) slice[n] = Math.floor(random.uniform(from, to));
    slice.sort();
    created.set(slice, placed);
    placed += here;
  }
  // Rounding may leave a few: they arrive in the last minutes.
  for (; placed < count; placed += 1) created[placed] = Math.max(created[placed - 1], end - 1);
  return created;
}

// ---------------------------------------------------------------------------------------------
// Event queue

class EventHeap {
  private times: number[] = [];
  private payloads: number[] = [];

  get size(): number {
    return this.times.length;
  }

  peek(): number {
    return this.times.length ? this.times[0] : Infinity;
  }

  push(time: number, payload: number): void {
    const times = this.times;
    const payloads = this.payloads;
    let index = times.length;
    times.push(time);
    payloads.push(payload);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (times[parent] <= time) break;
      times[index] = times[parent];
      payloads[index] = payloads[parent];
      index = parent;
    }
    times[index] = time;
    payloads[index] = payload;
  }

  /** Removes the earliest event and returns its payload. */
  pop(): number {
    const times = this.times;
    const payloads = this.payloads;
    const top = payloads[0];
    const lastTime = times.pop() as number;
    const lastPayload = payloads.pop() as number;
    const size = times.length;
    if (size > 0) {
      let index = 0;
      for (;;) {
        let child = 2 * index + 1;
        if (child >= size) break;
        if (child + 1 < size && times[child + 1] < times[child]) child += 1;
        if (times[child] >= lastTime) break;
        times[index] = times[child];
        payloads[index] = payloads[child];
        index = child;
      }
      times[index] = lastTime;
      payloads[index] = lastPayload;
    }
    return top;
  }
}

const EV_END = 0;
const EV_REASSIGN = 1;
const EV_ELIGIBLE = 2;
const EV_PATIENCE = 3;
const EV_MAINTENANCE_DUE = 4;
const EV_MAINTENANCE_END = 5;
const EV_RETIRE = 6;
const EV_COMMISSION = 7;

const UNIT_NOT_YET = 0;
const UNIT_FREE = 1;
const UNIT_BUSY = 2;
const UNIT_MAINTENANCE = 3;
const UNIT_RETIRED = 4;

/** A set of small integers with O(1) add, remove and iteration over a dense array. */
class IndexSet {
  readonly items: number[] = [];
  private readonly position: Int32Array;

  constructor(capacity: number) {
    this.position = new Int32Array(capacity).fill(-1);
  }

  has(value: number): boolean {
    return this.position[value] >= 0;
  }

  add(value: number): void {
    if (this.position[value] >= 0) return;
    this.position[value] = this.items.length;
    this.items.push(value);
  }

  delete(value: number): void {
    const index = this.position[value];
    if (index < 0) return;
    const last = this.items.pop() as number;
    if (last !== value) {
      this.items[index] = last;
      this.position[last] = index;
    }
    this.position[value] = -1;
  }

  get size(): number {
    return this.items.length;
  }
}

function popcount(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * (sorted.length - 1)))];
}

// ---------------------------------------------------------------------------------------------
// Simulation

export function simulate(
  random: Random,
  model: TenantModel,
  options: { start: number; end: number; orders: number },
): History {
  const { start, end } = options;
  const N = options.orders;
  const S = model.sites.length;
  const U = model.units.length;
  const D = model.drivers.length;
  const Q = model.qualifications.length;

  // Orders and what they need.
  const created = arrivals(random, N, start, end);
  const type = new Uint8Array(N);
  const site = new Uint8Array(N);
  const priority = new Uint8Array(N);
  const creator = new Int16Array(N);
  const title = new Uint8Array(N);
  const note = new Int8Array(N).fill(-1);
  const erp = new Uint8Array(N);
  const extra = new Int8Array(N).fill(-1);
  const windowStart = new Float64Array(N).fill(NaN);
  const windowEnd = new Float64Array(N).fill(NaN);
  const eligible = new Float64Array(N);
  const patience = new Float64Array(N).fill(NaN);
  const staff = new Int16Array(N);

  const titles: string[] = [];
  const titleStart = model.types.map((spec) => {
    const first = titles.length;
    titles.push(...spec.titles);
    return first;
  });
  const extraCumulative = cumulative(EXTRA_REQUIREMENTS.map(([, weight]) => weight));
  const dispatchers = model.dispatcherCodes;

  for (let i = 0; i < N; i += 1) {
    const t = created[i];
    const typeIndex = random.pick(model.typeDemand);
    type[i] = typeIndex;
    site[i] = random.pick(model.siteDemand);
    const p = random.next();
    priority[i] = p < 0.015 ? 0 : p < 0.135 ? 1 : p < 0.9 ? 2 : 3;
    title[i] = titleStart[typeIndex] + random.int(model.types[typeIndex].titles.length);
    if (random.chance(0.25)) note[i] = random.int(NOTES.length);
    const c = random.next();
    if (priority[i] > 1 && c < 0.4) {
      creator[i] = model.erpCode;
      erp[i] = 1;
    } else if (c < 0.98) creator[i] = dispatchers[random.int(dispatchers.length)];
    else creator[i] = model.adminCodes[random.int(model.adminCodes.length)];
    if (random.chance(0.04)) extra[i] = EXTRA_REQUIREMENTS[random.pick(extraCumulative)][0];
    if (priority[i] !== 0 && random.chance(0.3)) {
      // A time window: some start right away, most are booked hours or days ahead.
      let from: number;
      if (random.chance(0.3))
        from =
          Math.ceil((t + random.uniform(0, 45) * MINUTE_MS) / (15 * MINUTE_MS)) * 15 * MINUTE_MS;
      else {
        const ahead = random.chance(0.6)
          ? random.uniform(2, 30) * HOUR_MS
          : random.uniform(1, 6) * DAY_MS;
        from = Math.ceil((t + ahead) / HOUR_MS) * HOUR_MS;
      }
      windowStart[i] = from;
      windowEnd[i] = from + Math.round(random.uniform(2, 10)) * HOUR_MS;
    }
    eligible[i] = queuedSince(
      {
        createdAt: new Date(t),
        windowStart: Number.isNaN(windowStart[i]) ? null : new Date(windowStart[i]),
      },
      LEAD_MINUTES,
    ).getTime();
    if (random.chance(0.02))
      patience[i] = eligible[i] + Math.round(random.uniform(10, 180) * MINUTE_MS);
    staff[i] = dispatchers[random.int(dispatchers.length)];
  }

  // Outcome arrays.
  const status = new Uint8Array(N);
  const queueCancelled = new Float64Array(N).fill(NaN);
  const unit = new Int16Array(N).fill(-1);
  const driver = new Int16Array(N).fill(-1);
  const firstDriver = new Int16Array(N).fill(-1);
  const assigned = new Float64Array(N).fill(NaN);
  const acknowledged = new Float64Array(N).fill(NaN);
  const enRoute = new Float64Array(N).fill(NaN);
  const onSite = new Float64Array(N).fill(NaN);
  const completed = new Float64Array(N).fill(NaN);
  const cancelled = new Float64Array(N).fill(NaN);
  const reassigned = new Float64Array(N).fill(NaN);
  const dispatchStatus = new Uint8Array(N).fill(NO_DISPATCH);
  const triggerActor = new Int16Array(N);
  const triggerIndex = new Int32Array(N);
  const triggerKind = new Uint8Array(N);
  const distanceCm = new Int32Array(N);
  const freeUnitsAt = new Int16Array(N);
  const freeDriversAt = new Int16Array(N);
  const otherQualifications = new Int8Array(N);
  const unitUsedToday = new Int16Array(N);
  const driverUsedToday = new Int16Array(N);
  const dispatchEnd = new Float64Array(N).fill(NaN);

  // Resources.
  const unitState = new Uint8Array(U);
  const unitType = Uint8Array.from(model.units.map((spec) => spec.type));
  const unitSite = Int16Array.from(model.units.map((spec) => spec.homeSite));
  const unitUpdatedAt = Float64Array.from(model.units.map((spec) => spec.createdAt));
  const unitUsedDay = new Int32Array(U).fill(-1);
  const unitUsedCount = new Int16Array(U);
  const pendingMaintenance = new Float64Array(U).fill(NaN);
  const pendingRetire = new Uint8Array(U);
  const openPeriod = new Int32Array(U).fill(-1);
  const freeUnits = model.types.map(() => new IndexSet(U));
  const driverMask = Int32Array.from(model.drivers.map((spec) => spec.mask));
  /** Expiry date (YYYY-MM-DD) of each qualification a driver holds, by driver × qualification. */
  const driverExpires: string[] = new Array<string>(D * Q).fill('');
  model.drivers.forEach((spec, d) =>
    spec.expiresDay.forEach((day, q) => {
      if (day >= 0) driverExpires[d * Q + q] = dateOf(day);
    }),
  );
  const driverUsedDay = new Int32Array(D).fill(-1);
  const driverUsedCount = new Int16Array(D);
  const driverUpdatedAt = new Float64Array(D).fill(model.onboardedAt);
  const freeDrivers = new IndexSet(D);
  for (let d = 0; d < D; d += 1) freeDrivers.add(d);
  const queue = new IndexSet(N);
  /** What the queue's serving order looks at, per order: built the first time it is ordered. */
  const queueEntry: (QueuedOrderForOrdering & { i: number })[] = new Array(N);

  const misc: MiscEvent[] = [];
  const periods: StatusPeriod[] = [];
  const heap = new EventHeap();

  model.units.forEach((spec, u) => {
    if (spec.createdAt > start) heap.push(spec.createdAt, u * 8 + EV_COMMISSION);
    else {
      unitState[u] = UNIT_FREE;
      freeUnits[spec.type].add(u);
    }
    spec.maintenance.forEach(([due], visit) =>
      heap.push(due, (u * 8 + visit) * 8 + EV_MAINTENANCE_DUE),
    );
    if (spec.retireAt !== null) heap.push(spec.retireAt, u * 8 + EV_RETIRE);
  });

  // Required qualifications, by the domain's rule (the type's and the order's own), as bit masks.
  const qualificationIds = model.qualifications.map((qualification) => qualification.id);
  const qualificationBit = new Map(qualificationIds.map((id, q) => [id, 1 << q]));
  const typeRequirements = model.types.map((spec) => spec.requires.map((q) => qualificationIds[q]));
  const requiredMasks = new Map<number, number>();
  let trigActor = AUTO_ACTOR;
  let trigIndex = -1;
  let trigKind = 0;
  const setTrigger = (actor: number, index: number, kind: number) => {
    trigActor = actor;
    trigIndex = index;
    trigKind = kind;
  };

  const stat = {
    reassigned: 0,
    reassignFailed: 0,
    staleCancelled: 0,
    patienceCancelled: 0,
    maintenance: 0,
    retired: 0,
    drains: 0,
  };

  const requirementOf = (i: number): number => {
    const key = type[i] * 64 + extra[i] + 1;
    let mask = requiredMasks.get(key);
    if (mask === undefined) {
      mask = requiredQualificationIds(
        typeRequirements[type[i]],
        extra[i] >= 0 ? [qualificationIds[extra[i]]] : [],
      ).reduce((bits, id) => bits | (qualificationBit.get(id) ?? 0), 0);
      requiredMasks.set(key, mask);
    }
    return mask;
  };
  /** The day the work is due at t (qualifications must be valid through it). */
  const dueOf = (i: number, t: number): string =>
    dueDate({ windowEnd: Number.isNaN(windowEnd[i]) ? null : new Date(windowEnd[i]) }, new Date(t));

  /** The engine's driver rule: holds everything needed, valid through the due day; fewest other qualifications, least used today. */
  const pickDriver = (required: number, due: string, today: number): number => {
    let best = -1;
    let bestExtra = 99;
    let bestUsed = 1 << 30;
    const items = freeDrivers.items;
    for (let n = 0; n < items.length; n += 1) {
      const d = items[n];
      const mask = driverMask[d];
      if ((mask & required) !== required) continue;
      let valid = true;
      for (let bits = required, q = 0; bits; bits >>>= 1, q += 1) {
        if (bits & 1 && !isValidThrough(driverExpires[d * Q + q], due)) {
          valid = false;
          break;
        }
      }
      if (!valid) continue;
      const others = popcount(mask & ~required);
      const used = driverUsedDay[d] === today ? driverUsedCount[d] : 0;
      if (
        others < bestExtra ||
        (others === bestExtra && (used < bestUsed || (used === bestUsed && d < best)))
      ) {
        best = d;
        bestExtra = others;
        bestUsed = used;
      }
    }
    return best;
  };

  const takeDriver = (d: number, t: number) => {
    freeDrivers.delete(d);
    const today = Math.floor(t / DAY_MS);
    if (driverUsedDay[d] !== today) {
      driverUsedDay[d] = today;
      driverUsedCount[d] = 0;
    }
    driverUsedCount[d] += 1;
    driverUpdatedAt[d] = t;
  };

  const releaseDriver = (d: number, t: number) => {
    freeDrivers.add(d);
    driverUpdatedAt[d] = t;
  };

  /** Tries to dispatch order i at time t; returns whether it was. */
  const tryMatch = (i: number, at: number): boolean => {
    const t = Math.min(at, end - 1);
    const units = freeUnits[type[i]];
    if (units.size === 0 || freeDrivers.size === 0) return false;
    const required = requirementOf(i);
    const today = Math.floor(t / DAY_MS);
    const d = pickDriver(required, dueOf(i, t), today);
    if (d < 0) return false;
    const orderSite = site[i];
    let u = -1;
    let bestDistance = Infinity;
    let bestUsed = 1 << 30;
    for (const candidate of units.items) {
      const distance = model.distanceKm[unitSite[candidate] * S + orderSite];
      const used = unitUsedDay[candidate] === today ? unitUsedCount[candidate] : 0;
      if (
        distance < bestDistance - 1e-9 ||
        (Math.abs(distance - bestDistance) <= 1e-9 &&
          (used < bestUsed || (used === bestUsed && candidate < u)))
      ) {
        u = candidate;
        bestDistance = distance;
        bestUsed = used;
      }
    }
    // What the engine writes into the audit event.
    freeUnitsAt[i] = units.size;
    freeDriversAt[i] = freeDrivers.size;
    distanceCm[i] = Math.round(bestDistance * 100);
    otherQualifications[i] = popcount(driverMask[d] & ~required);
    unitUsedToday[i] = bestUsed;
    driverUsedToday[i] = driverUsedDay[d] === today ? driverUsedCount[d] : 0;
    triggerActor[i] = trigActor;
    triggerIndex[i] = trigIndex;
    triggerKind[i] = trigKind;

    units.delete(u);
    unitState[u] = UNIT_BUSY;
    if (unitUsedDay[u] !== today) {
      unitUsedDay[u] = today;
      unitUsedCount[u] = 0;
    }
    unitUsedCount[u] += 1;
    unitUpdatedAt[u] = t;
    takeDriver(d, t);
    unit[i] = u;
    driver[i] = d;
    firstDriver[i] = d;
    status[i] = 1;
    assigned[i] = t;

    // The steps, timed now; the clock decides later which of them happened before the end.
    const urgent = priority[i] <= 1 ? 0.6 : 1;
    const ack = t + Math.round(random.logNormal(50_000 * urgent, 0.9, 3_000, 25 * MINUTE_MS));
    let leave =
      ack + Math.round(random.logNormal(4 * MINUTE_MS * urgent, 0.6, 20_000, 45 * MINUTE_MS));
    acknowledged[i] = ack;
    if (random.chance(0.004)) {
      const at = ack + Math.round(random.uniform(1, 10) * MINUTE_MS);
      heap.push(at, i * 8 + EV_REASSIGN);
      leave = at + Math.round(random.logNormal(6 * MINUTE_MS, 0.5, MINUTE_MS, 40 * MINUTE_MS));
    }
    enRoute[i] = leave;
    const travel = (6 + (bestDistance / 30) * 60 * random.uniform(0.8, 1.3)) * MINUTE_MS;
    const arrive = leave + Math.round(Math.min(travel, 150 * MINUTE_MS));
    onSite[i] = arrive;
    const work = random.logNormal(
      model.types[type[i]].workMinutes * MINUTE_MS,
      0.55,
      40 * MINUTE_MS,
      7 * HOUR_MS,
    );
    let finish = arrive + Math.round(work);
    completed[i] = finish;
    if (random.chance(0.028)) {
      // Called off part-way: before acknowledging, before leaving, or on the road.
      const step = random.pick([0.35, 0.75, 1]);
      const from = [t, ack, leave][step];
      const to = [ack, leave, arrive][step];
      finish = Math.round(from + random.uniform(0.1, 0.9) * (to - from));
      cancelled[i] = finish;
      completed[i] = NaN;
      onSite[i] = NaN;
      if (step < 2) enRoute[i] = NaN;
      if (step < 1) acknowledged[i] = NaN;
    }
    dispatchEnd[i] = finish;
    heap.push(finish, i * 8 + EV_END);
    return true;
  };

  const cancelQueued = (i: number, at: number, actor: number) => {
    queue.delete(i);
    status[i] = 3;
    queueCancelled[i] = at;
    staff[i] = actor;
  };

  /** Serves the queue in the engine's serving order; stops when no driver is free. */
  const drain = (t: number) => {
    if (queue.size === 0 || freeDrivers.size === 0) return;
    stat.drains += 1;
    const waiting = queue.items.slice();
    for (const i of waiting) {
      if (t - eligible[i] > STALE_MS) {
        cancelQueued(i, eligible[i] + STALE_MS, staff[i]);
        stat.staleCancelled += 1;
        continue;
      }
      queueEntry[i] ??= {
        i,
        priority: PRIORITIES[priority[i]],
        createdAt: new Date(created[i]),
        queuedSince: new Date(eligible[i]),
        number: i,
      };
    }
    const ordered = servingOrder(
      queue.items.map((i) => queueEntry[i]),
      new Date(t),
      AGING_SECONDS,
    );
    let at = t + 4;
    for (const { i } of ordered) {
      if (freeDrivers.size === 0) break;
      if (freeUnits[type[i]].size === 0) continue;
      if (tryMatch(i, at)) {
        queue.delete(i);
        at += 2 + random.int(6);
      }
    }
  };

  const startMaintenance = (u: number, t: number, duration: number, actor: number) => {
    unitState[u] = UNIT_MAINTENANCE;
    unitUpdatedAt[u] = t;
    openPeriod[u] = periods.length;
    periods.push({ unit: u, status: 'maintenance', start: t, end: NaN });
    misc.push({
      at: t,
      action: 'equipment.status_changed',
      unit: u,
      actor,
      from: 'available',
      to: 'maintenance',
    });
    heap.push(t + duration, u * 8 + EV_MAINTENANCE_END);
    stat.maintenance += 1;
  };

  const retire = (u: number, t: number) => {
    unitState[u] = UNIT_RETIRED;
    unitUpdatedAt[u] = t;
    periods.push({ unit: u, status: 'retired', start: t, end: NaN });
    const actor = model.adminCodes[random.int(model.adminCodes.length)];
    misc.push({
      at: t,
      action: 'equipment.status_changed',
      unit: u,
      actor,
      from: 'available',
      to: 'retired',
    });
    stat.retired += 1;
  };

  /** A unit back from a job: maintenance or retirement that waited for it, or free for the queue. */
  const releaseUnit = (u: number, t: number) => {
    unitUpdatedAt[u] = t;
    if (pendingRetire[u]) retire(u, t + 1);
    else if (!Number.isNaN(pendingMaintenance[u])) {
      startMaintenance(
        u,
        t + 1,
        pendingMaintenance[u],
        dispatchers[random.int(dispatchers.length)],
      );
      pendingMaintenance[u] = NaN;
    } else {
      unitState[u] = UNIT_FREE;
      freeUnits[unitType[u]].add(u);
    }
  };

  // The clock.
  let next = 0;
  for (;;) {
    const arrival = next < N ? created[next] : Infinity;
    const eventTime = heap.peek();
    const t = Math.min(arrival, eventTime);
    if (t >= end || t === Infinity) break;
    if (eventTime <= arrival) {
      const payload = heap.pop();
      const kind = payload & 7;
      const index = payload >>> 3;
      switch (kind) {
        case EV_END: {
          const i = index;
          const u = unit[i];
          const d = driver[i];
          const done = !Number.isNaN(completed[i]);
          if (done) unitSite[u] = site[i];
          releaseUnit(u, t);
          releaseDriver(d, t);
          if (done) setTrigger(d, i, K.dispatchCompleted);
          else setTrigger(staff[i], i, K.dispatchCancelled);
          drain(t);
          break;
        }
        case EV_REASSIGN: {
          const i = index;
          if (t >= dispatchEnd[i]) break; // called off before the swap
          const today = Math.floor(t / DAY_MS);
          const replacement = pickDriver(requirementOf(i), dueOf(i, t), today);
          if (replacement < 0) {
            stat.reassignFailed += 1;
            break;
          }
          releaseDriver(driver[i], t);
          takeDriver(replacement, t);
          driver[i] = replacement;
          reassigned[i] = t;
          stat.reassigned += 1;
          setTrigger(staff[i], i, K.dispatchReassigned);
          drain(t);
          break;
        }
        case EV_ELIGIBLE: {
          queue.add(index);
          setTrigger(AUTO_ACTOR, -1, 0);
          drain(t);
          break;
        }
        case EV_PATIENCE: {
          if (queue.has(index)) {
            cancelQueued(index, t, staff[index]);
            stat.patienceCancelled += 1;
          }
          break;
        }
        case EV_MAINTENANCE_DUE: {
          const u = index >>> 3;
          const duration = model.units[u].maintenance[index & 7][1];
          if (unitState[u] === UNIT_FREE) {
            freeUnits[unitType[u]].delete(u);
            startMaintenance(u, t, duration, dispatchers[random.int(dispatchers.length)]);
          } else if (unitState[u] === UNIT_BUSY) {
            pendingMaintenance[u] = Number.isNaN(pendingMaintenance[u])
              ? duration
              : Math.max(duration, pendingMaintenance[u]);
          }
          break;
        }
        case EV_MAINTENANCE_END: {
          const u = index;
          periods[openPeriod[u]].end = t;
          openPeriod[u] = -1;
          const actor = dispatchers[random.int(dispatchers.length)];
          misc.push({
            at: t,
            action: 'equipment.status_changed',
            unit: u,
            actor,
            from: 'maintenance',
            to: 'available',
          });
          if (pendingRetire[u]) retire(u, t + 1);
          else {
            unitState[u] = UNIT_FREE;
            unitUpdatedAt[u] = t;
            freeUnits[unitType[u]].add(u);
            setTrigger(actor, misc.length - 1, K.misc);
            drain(t);
          }
          break;
        }
        case EV_RETIRE: {
          const u = index;
          if (unitState[u] === UNIT_FREE) {
            freeUnits[unitType[u]].delete(u);
            retire(u, t);
          } else pendingRetire[u] = 1;
          break;
        }
        case EV_COMMISSION: {
          const u = index;
          const actor = model.adminCodes[random.int(model.adminCodes.length)];
          misc.push({
            at: t,
            action: 'equipment.created',
            unit: u,
            actor,
            from: null,
            to: 'available',
          });
          unitState[u] = UNIT_FREE;
          freeUnits[unitType[u]].add(u);
          setTrigger(actor, misc.length - 1, K.misc);
          drain(t);
          break;
        }
      }
    } else {
      const i = next;
      next += 1;
      if (eligible[i] > created[i]) {
        // Scheduled: the sweep picks it up when its lead time begins.
        heap.push(eligible[i] + random.int(30_000), i * 8 + EV_ELIGIBLE);
      } else {
        setTrigger(creator[i], i, K.workOrderCreated);
        if (!tryMatch(i, created[i] + 8 + random.int(120))) queue.add(i);
      }
      if (!Number.isNaN(patience[i])) heap.push(patience[i], i * 8 + EV_PATIENCE);
    }
  }

  // The end of the history: whatever has not happened yet did not happen.
  let open = 0;
  let dispatches = 0;
  for (let i = 0; i < N; i += 1) {
    if (unit[i] < 0) continue;
    dispatches += 1;
    for (const steps of [acknowledged, enRoute, onSite, completed, cancelled])
      if (steps[i] >= end) steps[i] = NaN;
    if (!Number.isNaN(completed[i])) {
      dispatchStatus[i] = 4;
      status[i] = 2;
    } else if (!Number.isNaN(cancelled[i])) {
      dispatchStatus[i] = 5;
      status[i] = 3;
    } else {
      open += 1;
      status[i] = 1;
      dispatchStatus[i] = !Number.isNaN(onSite[i])
        ? 3
        : !Number.isNaN(enRoute[i])
          ? 2
          : !Number.isNaN(acknowledged[i])
            ? 1
            : 0;
    }
  }
  const unitStatus = Array.from(unitState, (state) =>
    state === UNIT_BUSY
      ? 'dispatched'
      : state === UNIT_MAINTENANCE
        ? 'maintenance'
        : state === UNIT_RETIRED
          ? 'retired'
          : 'available',
  );
  // Units not yet in service at the end do not exist yet: the model only adds units before the end.
  if (unitState.some((state) => state === UNIT_NOT_YET))
    throw new Error('a unit was never put into service');

  // Figures for the log.
  const waits: number[] = [];
  const durations: number[] = [];
  let cancelledCount = 0;
  for (let i = 0; i < N; i += 1) {
    if (status[i] === 3) cancelledCount += 1;
    if (unit[i] >= 0) waits.push(assigned[i] - eligible[i]);
    if (!Number.isNaN(completed[i])) durations.push(completed[i] - assigned[i]);
  }
  const sortedWaits = Float64Array.from(waits).sort();
  const sortedDurations = Float64Array.from(durations).sort();
  const busyMs = durations.reduce((sum, value) => sum + value, 0);
  const minutes = (ms: number) => (ms / MINUTE_MS).toFixed(1);
  const stats: Record<string, number | string> = {
    orders: N,
    dispatches,
    openDispatches: open,
    queuedAtEnd: status.reduce((count, value) => count + (value === 0 ? 1 : 0), 0),
    cancelledOrders: cancelledCount,
    cancelledShare: (cancelledCount / N).toFixed(4),
    ...stat,
    waitP50Minutes: minutes(percentile(sortedWaits, 0.5)),
    waitP90Minutes: minutes(percentile(sortedWaits, 0.9)),
    waitP99Minutes: minutes(percentile(sortedWaits, 0.99)),
    waitMaxMinutes: minutes(percentile(sortedWaits, 1)),
    waitOver1hShare: (waits.filter((w) => w > HOUR_MS).length / Math.max(1, waits.length)).toFixed(
      4,
    ),
    durationP5Minutes: minutes(percentile(sortedDurations, 0.05)),
    durationP50Minutes: minutes(percentile(sortedDurations, 0.5)),
    durationP95Minutes: minutes(percentile(sortedDurations, 0.95)),
    durationMaxMinutes: minutes(percentile(sortedDurations, 1)),
    driverUtilisation: (busyMs / (D * (end - start))).toFixed(3),
    unitUtilisation: (busyMs / (U * (end - start))).toFixed(3),
  };

  return {
    start,
    end,
    orders: N,
    created,
    type,
    site,
    priority,
    creator,
    title,
    note,
    erp,
    extra,
    windowStart,
    windowEnd,
    eligible,
    status,
    queueCancelled,
    staff,
    unit,
    driver,
    firstDriver,
    assigned,
    acknowledged,
    enRoute,
    onSite,
    completed,
    cancelled,
    reassigned,
    dispatchStatus,
    triggerActor,
    triggerIndex,
    triggerKind,
    distanceCm,
    freeUnits: freeUnitsAt,
    freeDrivers: freeDriversAt,
    otherQualifications,
    unitUsedToday,
    driverUsedToday,
    titles,
    misc,
    periods,
    unitStatus,
    unitSite,
    unitUpdatedAt,
    driverUpdatedAt,
    stats,
  };
}
