/**
 * The tenant the history happens in: sites around Berlin, qualifications, equipment types with
 * their requirements, units, drivers with certificates, and the people (and the ERP) who act.
 */
import { randomUUID } from 'node:crypto';
import { distanceKm } from '@dispatch/domain';
import { cumulative, type Random } from './random';

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;

/** The calendar date (YYYY-MM-DD, UTC) of a day number (days since 1970-01-01). */
export const dateOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

export interface QualificationSpec {
  id: string;
  code: string;
  name: string;
}

export interface TypeSpec {
  id: string;
  code: string;
  name: string;
  /** Indexes into the qualifications. */
  requires: number[];
  units: number;
  prefix: string;
  model: string;
  /** Share of the work orders. */
  demand: number;
  /** Median time on site, minutes. */
  workMinutes: number;
  titles: string[];
}

export interface SiteSpec {
  id: string;
  name: string;
  address: string;
  latitude: number;
  longitude: number;
  /** Relative share of the work orders. */
  weight: number;
}

export interface UnitSpec {
  id: string;
  code: string;
  name: string;
  type: number;
  /** Site it stands at when the history begins. */
  homeSite: number;
  /** Put into service during the year (ms), or the onboarding time. */
  createdAt: number;
  /** Retired during the year (ms), if it is. */
  retireAt: number | null;
  /** Planned maintenance: [due time, duration] in ms. */
  maintenance: [number, number][];
}

export interface DriverSpec {
  id: string;
  name: string;
  phone: string;
  email: string;
  subject: string;
  username: string;
  mask: number;
  /** Expiry day (days since epoch) per qualification index; -1 when not held. */
  expiresDay: number[];
}

/** Someone (or something) that acts: drivers, dispatchers, admins, the ERP, the engine. */
export interface ActorSpec {
  code: number;
  subject: string;
  name: string;
  role: string | null;
}

export const QUALIFICATIONS: [string, string][] = [
  ['CDL-A', 'Heavy goods vehicle licence (C+E)'],
  ['CDL-B', 'Medium goods vehicle licence (C1)'],
  ['crane-operator', 'Certified mobile crane operator'],
  ['hazmat', 'Dangerous goods (ADR) certificate'],
  ['excavator', 'Excavator operator certificate'],
  ['forklift', 'Forklift operator certificate'],
  ['aerial-platform', 'Mobile elevating work platform (IPAF)'],
  ['concrete-pump', 'Concrete pump operator'],
  ['first-aid', 'First aid and CPR'],
  ['confined-space', 'Confined space entry'],
  ['traffic-control', 'Road works traffic safety'],
  ['rigging', 'Rigging and slinging'],
];
const Q = Object.fromEntries(QUALIFICATIONS.map(([code], index) => [code, index])) as Record<
  string,
  number
>;

const TYPES: Omit<TypeSpec, 'id'>[] = [
  {
    code: 'dump-truck',
    name: 'Dump truck, 15 t',
    requires: [Q['CDL-A']],
    units: 110,
    prefix: 'DT',
    model: 'Mercedes Arocs 3345',
    demand: 0.19,
    workMinutes: 70,
    titles: ['Haul excavated soil', 'Remove demolition rubble', 'Deliver gravel for sub-base'],
  },
  {
    code: 'crane-50t',
    name: 'Mobile crane, 50 t',
    requires: [Q['CDL-A'], Q['crane-operator']],
    units: 36,
    prefix: 'CR',
    model: 'Liebherr LTM 1050',
    demand: 0.05,
    workMinutes: 150,
    titles: ['Lift rooftop HVAC units', 'Set precast concrete elements', 'Lift steel beams'],
  },
  {
    code: 'excavator',
    name: 'Tracked excavator, 20 t',
    requires: [Q.excavator],
    units: 90,
    prefix: 'EX',
    model: 'CAT 320',
    demand: 0.15,
    workMinutes: 115,
    titles: ['Trench for water main repair', 'Dig cable vault foundation', 'Excavate pump pit'],
  },
  {
    code: 'tanker',
    name: 'Fuel tanker',
    requires: [Q['CDL-A'], Q.hazmat],
    units: 30,
    prefix: 'TK',
    model: 'MAN TGS tanker',
    demand: 0.05,
    workMinutes: 55,
    titles: ['Refuel site generators', 'Refuel plant on site', 'Deliver diesel to depot'],
  },
  {
    code: 'generator',
    name: 'Mobile generator, 200 kVA',
    requires: [Q['CDL-B']],
    units: 60,
    prefix: 'GN',
    model: 'Atlas Copco QAS 200',
    demand: 0.1,
    workMinutes: 80,
    titles: ['Backup power for substation works', 'Temporary power for street works'],
  },
  {
    code: 'forklift',
    name: 'Rough-terrain forklift',
    requires: [Q.forklift],
    units: 60,
    prefix: 'FL',
    model: 'JCB 940',
    demand: 0.11,
    workMinutes: 75,
    titles: ['Unload material delivery', 'Move pallets to laydown area', 'Load returns for depot'],
  },
  {
    code: 'aerial-platform',
    name: 'Truck-mounted aerial platform, 27 m',
    requires: [Q['aerial-platform']],
    units: 54,
    prefix: 'AP',
    model: 'Ruthmann T 270',
    demand: 0.09,
    workMinutes: 100,
    titles: ['Replace street lighting', 'Facade inspection', 'Install signage at height'],
  },
  {
    code: 'concrete-pump',
    name: 'Truck-mounted concrete pump, 36 m',
    requires: [Q['CDL-A'], Q['concrete-pump']],
    units: 36,
    prefix: 'CP',
    model: 'Schwing S 36 X',
    demand: 0.05,
    workMinutes: 130,
    titles: ['Pour slab', 'Pour foundation footings', 'Pump concrete for retaining wall'],
  },
  {
    code: 'flatbed',
    name: 'Flatbed truck with loader crane',
    requires: [Q['CDL-B']],
    units: 72,
    prefix: 'FB',
    model: 'MAN TGL 12.250',
    demand: 0.13,
    workMinutes: 55,
    titles: ['Deliver steel reinforcement', 'Transport site containers', 'Deliver pipe sections'],
  },
  {
    code: 'light-tower',
    name: 'Mobile light tower',
    requires: [],
    units: 52,
    prefix: 'LT',
    model: 'Generac VT-Hybrid',
    demand: 0.08,
    workMinutes: 50,
    titles: ['Night works lighting', 'Light traffic diversion', 'Lighting for emergency repair'],
  },
];

export const NOTES = [
  'Site contact: gate 3, ask for the foreman.',
  'Access via the north gate only.',
  'Call the site manager 15 minutes before arrival.',
  'Narrow access road: no trailers over 12 m.',
  'PPE: hard hat, high-visibility vest, safety boots.',
  'Parking permit at the site office.',
];

/** Qualifications an order may need on top of its equipment type's, and how often each. */
export const EXTRA_REQUIREMENTS: [number, number][] = [
  [Q['first-aid'], 0.5],
  [Q['traffic-control'], 0.3],
  [Q['confined-space'], 0.15],
  [Q.rigging, 0.05],
];

const PLACES: [string, number, number, string][] = [
  ['Mitte', 52.52, 13.405, 'Invalidenstraße'],
  ['Kreuzberg', 52.4986, 13.4033, 'Skalitzer Straße'],
  ['Friedrichshain', 52.5158, 13.4543, 'Frankfurter Allee'],
  ['Prenzlauer Berg', 52.5387, 13.4245, 'Greifswalder Straße'],
  ['Charlottenburg', 52.5163, 13.3041, 'Kaiserdamm'],
  ['Spandau', 52.5352, 13.1975, 'Klosterstraße'],
  ['Steglitz', 52.4563, 13.3222, 'Schloßstraße'],
  ['Tempelhof', 52.4702, 13.3855, 'Tempelhofer Damm'],
  ['Neukölln', 52.4811, 13.4351, 'Sonnenallee'],
  ['Treptow', 52.4929, 13.4735, 'Puschkinallee'],
  ['Köpenick', 52.4455, 13.5745, 'Lindenstraße'],
  ['Lichtenberg', 52.5137, 13.4995, 'Möllendorffstraße'],
  ['Marzahn', 52.5453, 13.5644, 'Märkische Allee'],
  ['Hellersdorf', 52.5363, 13.6047, 'Stendaler Straße'],
  ['Pankow', 52.5693, 13.4015, 'Mühlenstraße'],
  ['Reinickendorf', 52.5893, 13.3227, 'Ollenhauerstraße'],
  ['Wedding', 52.5502, 13.3572, 'Müllerstraße'],
  ['Moabit', 52.5301, 13.3425, 'Turmstraße'],
  ['Adlershof', 52.4347, 13.5413, 'Rudower Chaussee'],
  ['Schöneweide', 52.4558, 13.5106, 'Schnellerstraße'],
  ['Zehlendorf', 52.4336, 13.2594, 'Clayallee'],
  ['Wannsee', 52.4219, 13.1793, 'Königstraße'],
  ['Tegel', 52.5877, 13.2837, 'Berliner Straße'],
  ['Weißensee', 52.5527, 13.4669, 'Berliner Allee'],
  ['Potsdam', 52.3906, 13.0645, 'Zeppelinstraße'],
  ['Teltow', 52.4022, 13.2707, 'Potsdamer Straße'],
  ['Schönefeld', 52.3887, 13.5176, 'Mittelstraße'],
  ['Oranienburg', 52.7545, 13.2369, 'Bernauer Straße'],
  ['Bernau', 52.6798, 13.5874, 'Breitscheidstraße'],
  ['Hennigsdorf', 52.6378, 13.2036, 'Rathenaustraße'],
];
const SITE_KINDS = [
  'Depot',
  'Substation',
  'Tower Project',
  'Hospital Wing',
  'Rail Yard',
  'Bridge Works',
  'Water Plant',
  'Logistics Hub',
  'School Extension',
  'Road Works',
];

const FIRST_NAMES = [
  'Anna',
  'Ben',
  'Clara',
  'David',
  'Elif',
  'Felix',
  'Greta',
  'Hannes',
  'Ilse',
  'Jonas',
  'Katrin',
  'Lukas',
  'Mira',
  'Niklas',
  'Olga',
  'Paul',
  'Rania',
  'Stefan',
  'Tanja',
  'Uwe',
  'Vera',
  'Wojciech',
  'Yusuf',
  'Zoe',
  'Mehmet',
  'Sabine',
  'Tomasz',
  'Leonie',
  'Marco',
  'Ayşe',
];
const LAST_NAMES = [
  'Müller',
  'Schmidt',
  'Schneider',
  'Fischer',
  'Weber',
  'Meyer',
  'Wagner',
  'Becker',
  'Schulz',
  'Hoffmann',
  'Koch',
  'Richter',
  'Klein',
  'Wolf',
  'Neumann',
  'Schwarz',
  'Zimmermann',
  'Braun',
  'Krüger',
  'Hofmann',
  'Yılmaz',
  'Kowalski',
  'Nowak',
  'Lange',
  'Schmitt',
  'Werner',
  'Krause',
  'Meier',
  'Lehmann',
  'Schmid',
  'Kaya',
];

export interface TenantModel {
  qualifications: QualificationSpec[];
  types: TypeSpec[];
  typeDemand: number[];
  sites: SiteSpec[];
  siteDemand: number[];
  /** Kilometres between sites, row-major. */
  distanceKm: Float64Array;
  units: UnitSpec[];
  drivers: DriverSpec[];
  actors: ActorSpec[];
  /** Actor codes by kind. */
  dispatcherCodes: number[];
  adminCodes: number[];
  erpCode: number;
  /** When the tenant was set up: before the year of history. */
  onboardedAt: number;
}

/** Actor code of the engine (`auto`). */
export const AUTO_ACTOR = -1;

const round6 = (value: number) => Math.round(value * 1e6) / 1e6;

export function buildTenantModel(
  random: Random,
  options: { start: number; end: number; slug: string; siteCount?: number; drivers?: number },
): TenantModel {
  const { start, end, slug } = options;
  const onboardedAt = start - 14 * DAY_MS;
  const qualifications = QUALIFICATIONS.map(([code, name]) => ({ id: randomUUID(), code, name }));
  const types: TypeSpec[] = TYPES.map((type) => ({ ...type, id: randomUUID() }));

  const siteCount = options.siteCount ?? 40;
  const sites: SiteSpec[] = [];
  const usedNames = new Set<string>();
  for (let index = 0; sites.length < siteCount; index += 1) {
    const [place, latitude, longitude, street] = PLACES[index % PLACES.length];
    const kind = SITE_KINDS[(index * 7 + Math.floor(index / PLACES.length)) % SITE_KINDS.length];
    const name = `${place} ${kind}`;
    if (usedNames.has(name)) continue;
    usedNames.add(name);
    sites.push({
      id: randomUUID(),
      name,
      address: `${street} ${10 + random.int(180)}, ${place}`,
      latitude: round6(latitude + random.uniform(-0.012, 0.012)),
      longitude: round6(longitude + random.uniform(-0.02, 0.02)),
      weight: Math.exp(0.6 * random.normal()),
    });
  }
  const distances = new Float64Array(sites.length * sites.length);
  for (let a = 0; a < sites.length; a += 1)
    for (let b = 0; b < sites.length; b += 1)
      distances[a * sites.length + b] = distanceKm(sites[a], sites[b]);

  // Units: most in service all year; a few added during the year, a few retired.
  const span = end - start;
  const units: UnitSpec[] = [];
  types.forEach((type, typeIndex) => {
    for (let number = 1; number <= type.units; number += 1) {
      const addedLater = random.chance(0.02);
      const createdAt = addedLater
        ? Math.round(start + random.uniform(0.2, 0.8) * span)
        : onboardedAt + random.int(HOUR_MS);
      const retireAt =
        !addedLater && random.chance(0.008) ? start + random.uniform(0.5, 0.9) * span : null;
      const visits = 2 + random.int(3);
      const maintenance: [number, number][] = [];
      for (let visit = 0; visit < visits; visit += 1) {
        const due = Math.round(start + ((visit + random.uniform(0.1, 0.9)) / visits) * span);
        const roll = random.next();
        const duration =
          roll < 0.7
            ? random.uniform(3, 10) * HOUR_MS
            : roll < 0.95
              ? random.uniform(1, 3) * DAY_MS
              : random.uniform(4, 10) * DAY_MS;
        if (due > createdAt) maintenance.push([due, Math.round(duration)]);
      }
      units.push({
        id: randomUUID(),
        code: `${type.prefix}-${String(number).padStart(3, '0')}`,
        name: `${type.model} #${number}`,
        type: typeIndex,
        homeSite: random.int(sites.length),
        createdAt,
        retireAt: retireAt === null ? null : Math.round(retireAt),
        maintenance,
      });
    }
  });

  const endDay = Math.floor(end / DAY_MS);
  const expiry = (): number => {
    const roll = random.next();
    if (roll < 0.03) return endDay - 1 - random.int(120); // lapsed, not renewed
    if (roll < 0.07) return endDay + random.int(30); // runs out soon
    return endDay + 31 + random.int(3 * 365);
  };
  const driverCount = options.drivers ?? 500;
  const drivers: DriverSpec[] = [];
  for (let index = 0; index < driverCount; index += 1) {
    const held = new Set<number>();
    const heavy = random.chance(0.62);
    if (heavy) {
      held.add(Q['CDL-A']);
      if (random.chance(0.8)) held.add(Q['CDL-B']);
      if (random.chance(0.24)) held.add(Q['crane-operator']);
      if (random.chance(0.25)) held.add(Q.hazmat);
      if (random.chance(0.2)) held.add(Q['concrete-pump']);
    } else if (random.chance(0.9)) held.add(Q['CDL-B']);
    if (random.chance(0.32)) held.add(Q.excavator);
    if (random.chance(0.35)) held.add(Q.forklift);
    if (random.chance(0.28)) held.add(Q['aerial-platform']);
    if (random.chance(0.7)) held.add(Q['first-aid']);
    if (random.chance(0.18)) held.add(Q['confined-space']);
    if (random.chance(0.3)) held.add(Q['traffic-control']);
    if (random.chance(0.12)) held.add(Q.rigging);
    const expiresDay = QUALIFICATIONS.map((_, q) => (held.has(q) ? expiry() : -1));
    const first = FIRST_NAMES[random.int(FIRST_NAMES.length)];
    const last = LAST_NAMES[random.int(LAST_NAMES.length)];
    const number = String(index + 1).padStart(4, '0');
    drivers.push({
      id: randomUUID(),
      name: `${first} ${last}`,
      phone: `+49 30 5550 ${number}`,
      email: `driver${number}@${slug}.example`,
      subject: randomUUID(),
      username: `${slug}-driver-${number}`,
      mask: [...held].reduce((mask, q) => mask | (1 << q), 0),
      expiresDay,
    });
  }

  const actors: ActorSpec[] = drivers.map((driver, code) => ({
    code,
    subject: driver.subject,
    name: driver.username,
    role: 'driver',
  }));
  const dispatcherCodes: number[] = [];
  for (let index = 1; index <= 12; index += 1) {
    dispatcherCodes.push(actors.length);
    actors.push({
      code: actors.length,
      subject: randomUUID(),
      name: `${slug}-dispatcher-${String(index).padStart(2, '0')}`,
      role: 'dispatcher',
    });
  }
  const adminCodes: number[] = [];
  for (let index = 1; index <= 2; index += 1) {
    adminCodes.push(actors.length);
    actors.push({
      code: actors.length,
      subject: randomUUID(),
      name: `${slug}-admin-${String(index).padStart(2, '0')}`,
      role: 'admin',
    });
  }
  const erpCode = actors.length;
  actors.push({
    code: erpCode,
    subject: randomUUID(),
    name: 'service-account-dispatch-erp',
    role: 'dispatcher',
  });
  actors.push({ code: AUTO_ACTOR, subject: 'auto', name: 'Dispatch engine', role: null });

  return {
    qualifications,
    types,
    typeDemand: cumulative(types.map((type) => type.demand)),
    sites,
    siteDemand: cumulative(sites.map((site) => site.weight)),
    distanceKm: distances,
    units,
    drivers,
    actors,
    dispatcherCodes,
    adminCodes,
    erpCode,
    onboardedAt,
  };
}
