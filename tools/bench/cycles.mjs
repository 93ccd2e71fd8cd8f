/* global performance, fetch, setTimeout, console -- Node globals (a copy of the shared yardstick, kept as it is) */
// Closed-loop load: each of C workers runs dispatch cycles (create a work order that is dispatched
// at once, then complete its dispatch) for S seconds. Prints cycles/s and per-request latency.
// Usage: node cycles.mjs --base URL --token TOKEN [--c 8] [--s 15] [--profile flask|dispatch] [--body JSON]
import { parseArgs } from 'node:util';
const { values: a } = parseArgs({
  options: {
    base: { type: 'string' },
    token: { type: 'string' },
    c: { type: 'string', default: '8' },
    s: { type: 'string', default: '15' },
    profile: { type: 'string', default: 'flask' },
    body: { type: 'string', default: '{}' },
    steps: { type: 'string', default: 'completed' },
  },
});
const headers = { authorization: `Bearer ${a.token}`, 'content-type': 'application/json' };
const extra = JSON.parse(a.body);
const lat = [],
  errors = new Map();
let cycles = 0,
  stop = false;
async function req(method, path, body) {
  const t0 = performance.now();
  let res;
  try {
    res = await fetch(a.base + path, {
      method,
      headers,
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch {
    errors.set('network', (errors.get('network') ?? 0) + 1);
    return { status: 0, json: undefined };
  }
  const json = await res.json().catch(() => undefined);
  lat.push(performance.now() - t0);
  if (res.status >= 300) errors.set(res.status, (errors.get(res.status) ?? 0) + 1);
  return { status: res.status, json };
}
async function cycle() {
  if (a.profile === 'flask5') {
    const r = await req('POST', '/work-orders', {
      type: Math.floor(Math.random() * 10),
      priority: 2,
    });
    const id = r.json?.dispatch?.id;
    if (!id) return false;
    for (const to of ['acknowledged', 'en_route', 'on_site', 'completed'])
      await req('POST', `/dispatches/${id}/transitions`, { to });
    return true;
  }
  if (a.profile === 'flask') {
    const r = await req('POST', '/work-orders', {
      type: Math.floor(Math.random() * 10),
      priority: 2,
    });
    if (r.json?.dispatch) await req('POST', `/dispatches/${r.json.dispatch.id}/complete`);
    return !!r.json?.dispatch;
  }
  const r = await req('POST', '/work-orders', { title: 'bench', priority: 'standard', ...extra });
  const id = r.json?.dispatch?.id;
  if (!id) return false;
  for (const to of a.steps.split(',')) await req('POST', `/dispatches/${id}/transitions`, { to });
  return true;
}
async function worker() {
  while (!stop) if (await cycle()) cycles++;
}
const t0 = performance.now();
setTimeout(
  () => {
    stop = true;
  },
  Number(a.s) * 1000,
);
await Promise.all(Array.from({ length: Number(a.c) }, worker));
const secs = (performance.now() - t0) / 1000;
lat.sort((x, y) => x - y);
const p = (q) => lat[Math.min(lat.length - 1, Math.floor(q * lat.length))]?.toFixed(1);
console.log(`cycles_per_s ${(cycles / secs).toFixed(1)}`);
console.log(
  `requests ${lat.length} p50_ms ${p(0.5)} p99_ms ${p(0.99)} errors ${JSON.stringify(Object.fromEntries(errors))}`,
);
