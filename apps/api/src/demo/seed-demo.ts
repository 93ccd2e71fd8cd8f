import {
  type EventPayload,
  applicationDataSourceOptions,
  AuditEvent,
  type DatabaseConnectionOptions,
  Driver,
  DriverQualification,
  DutyStatus,
  Equipment,
  EquipmentStatus,
  EquipmentType,
  EquipmentTypeRequiredQualification,
  Priority,
  Qualification,
  Site,
  tenantSchemaName,
  WorkOrder,
  WorkOrderStatus,
} from '@dispatch/domain';
import { DataSource, type EntityManager } from 'typeorm';
import { type HistoryCast, seedHistory } from './seed-history';

/** Each demo tenant gets its own city, so a glance tells whose data is on screen. */
const CITIES: Record<
  string,
  { name: string; latitude: number; longitude: number; streets: string[] }
> = {
  acme: {
    name: 'Denver',
    latitude: 39.7392,
    longitude: -104.9903,
    streets: [
      'Blake St',
      'Larimer St',
      'Colfax Ave',
      'Federal Blvd',
      'Brighton Blvd',
      'Santa Fe Dr',
      'Quebec St',
      'Hampden Ave',
    ],
  },
  globex: {
    name: 'Springfield',
    latitude: 39.7817,
    longitude: -89.6501,
    streets: [
      'Evergreen Ter',
      'Fifth St',
      'Monroe St',
      'Dirksen Pkwy',
      'Wabash Ave',
      'Stevenson Dr',
      'Ash St',
      'Clear Lake Ave',
    ],
  },
};

const QUALIFICATIONS = [
  ['CDL-A', 'Commercial driver licence, class A'],
  ['CDL-B', 'Commercial driver licence, class B'],
  ['crane-operator', 'Certified crane operator (NCCCO)'],
  ['hazmat', 'Hazardous materials endorsement'],
  ['excavator', 'Excavator operator certificate'],
  ['forklift', 'Forklift operator certificate'],
  ['first-aid', 'First aid and CPR'],
  ['confined-space', 'Confined space entry'],
] as const;

const EQUIPMENT_TYPES: {
  code: string;
  name: string;
  requires: string[];
  units: number;
  prefix: string;
  model: string;
  /** What a typical job of this type is called, for the history. */
  workTitle: string;
}[] = [
  {
    code: 'dump-truck',
    workTitle: 'Haul excavated soil',
    name: 'Dump truck, 15 t',
    requires: ['CDL-A'],
    units: 7,
    prefix: 'DT',
    model: 'Mack Granite',
  },
  {
    code: 'crane-50t',
    workTitle: 'Lift steel beams',
    name: 'Mobile crane, 50 t',
    requires: ['CDL-A', 'crane-operator'],
    units: 4,
    prefix: 'CR',
    model: 'Liebherr LTM 1050',
  },
  {
    code: 'excavator',
    workTitle: 'Dig foundation trench',
    name: 'Tracked excavator, 20 t',
    requires: ['excavator'],
    units: 6,
    prefix: 'EX',
    model: 'CAT 320',
  },
  {
    code: 'tanker',
    workTitle: 'Deliver diesel to site tanks',
    name: 'Fuel tanker',
    requires: ['CDL-A', 'hazmat'],
    units: 3,
    prefix: 'TK',
    model: 'Kenworth T880 tanker',
  },
  {
    code: 'generator',
    workTitle: 'Temporary power for site works',
    name: 'Mobile generator, 200 kVA',
    requires: ['CDL-B'],
    units: 5,
    prefix: 'GN',
    model: 'Atlas Copco QAS 200',
  },
  {
    code: 'forklift',
    workTitle: 'Unload material deliveries',
    name: 'Rough-terrain forklift',
    requires: ['forklift'],
    units: 5,
    prefix: 'FL',
    model: 'JCB 940',
  },
];

const FIRST_NAMES = [
  'Maria',
  'James',
  'Aisha',
  'Tom',
  'Priya',
  'Carlos',
  'Mei',
  'Daniel',
  'Fatima',
  'Liam',
  'Sofia',
  'Noah',
  'Yuki',
  'Omar',
  'Grace',
  'Ivan',
  'Chloe',
  'Kwame',
  'Elena',
  'Ravi',
  'Hannah',
  'Mateo',
  'Zara',
  'Ben',
  'Leila',
];
const LAST_NAMES = [
  'Lopez',
  'Walker',
  'Khan',
  'Nguyen',
  'Patel',
  'Silva',
  'Chen',
  'Murphy',
  'Haddad',
  'O’Brien',
  'Rossi',
  'Kim',
  'Tanaka',
  'Farah',
  'Okafor',
  'Petrov',
  'Dubois',
  'Mensah',
  'Novak',
  'Shah',
  'Becker',
  'Garcia',
  'Ali',
  'Cohen',
  'Jensen',
];

/** Small deterministic generator, so every seeded demo tenant looks the same run after run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

function isoDate(daysFromToday: number): string {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + daysFromToday);
  return date.toISOString().slice(0, 10);
}

export interface DemoSeedSummary {
  skipped: boolean;
  sites: number;
  qualifications: number;
  equipmentTypes: number;
  equipment: number;
  drivers: number;
  workOrders: number;
  /** Finished jobs of the last two months, for the reports. */
  pastJobs: number;
}

async function seedTenant(manager: EntityManager, slug: string): Promise<DemoSeedSummary> {
  const city = CITIES[slug] ?? CITIES.acme;
  const next = random([...slug].reduce((sum, char) => sum + char.charCodeAt(0), 7));
  const jitter = (spread: number) => (next() - 0.5) * spread;

  const sites = await manager.save(
    city.streets.map((street, index) =>
      manager.create(Site, {
        name: `${city.name} ${['Depot', 'Tower Project', 'Substation', 'Hospital Wing', 'Rail Yard', 'Bridge Works', 'Water Plant', 'Logistics Hub'][index]}`,
        address: `${100 + index * 37} ${street}, ${city.name}`,
        latitude: Number((city.latitude + jitter(0.2)).toFixed(6)),
        longitude: Number((city.longitude + jitter(0.2)).toFixed(6)),
      }),
    ),
  );
  const qualifications = await manager.save(
    QUALIFICATIONS.map(([code, name]) => manager.create(Qualification, { code, name })),
  );
  const qualificationByCode = new Map(
    qualifications.map((qualification) => [qualification.code, qualification]),
  );

  const cast: HistoryCast = { siteIds: sites.map((site) => site.id), units: [], drivers: [] };
  let equipmentCount = 0;
  const types: EquipmentType[] = [];
  for (const spec of EQUIPMENT_TYPES) {
    const type = await manager.save(
      manager.create(EquipmentType, { code: spec.code, name: spec.name }),
    );
    types.push(type);
    await manager.insert(
      EquipmentTypeRequiredQualification,
      spec.requires.map((code) => ({
        equipmentTypeId: type.id,
        qualificationId: qualificationByCode.get(code)?.id as string,
      })),
    );
    for (let unit = 1; unit <= spec.units; unit += 1) {
      const inserted = await manager.insert(Equipment, {
        code: `${spec.prefix}-${String(unit).padStart(3, '0')}`,
        name: `${spec.model} #${unit}`,
        equipmentTypeId: type.id,
        status:
          unit === spec.units && spec.units > 4
            ? EquipmentStatus.Maintenance
            : EquipmentStatus.Available,
        latitude: Number((city.latitude + jitter(0.3)).toFixed(6)),
        longitude: Number((city.longitude + jitter(0.3)).toFixed(6)),
      });
      cast.units.push({
        id: (inserted.identifiers[0] as { id: string }).id,
        equipmentTypeId: type.id,
        requires: spec.requires,
        title: spec.workTitle,
      });
      equipmentCount += 1;
    }
  }

  const driverCount = 25;
  for (let index = 0; index < driverCount; index += 1) {
    const first = FIRST_NAMES[index % FIRST_NAMES.length];
    const last = LAST_NAMES[(index * 7) % LAST_NAMES.length];
    const driver = await manager.save(
      manager.create(Driver, {
        name: `${first} ${last}`,
        phone: `+1 555 01${String(index).padStart(2, '0')}`,
        email: `${first.toLowerCase()}.${last.toLowerCase().replace(/[^a-z]/g, '')}@${slug}.example`,
        // The first driver is the demo login `<tenant>-driver`.
        username: index === 0 ? `${slug}-driver` : null,
        dutyStatus: index % 5 === 4 ? DutyStatus.OffDuty : DutyStatus.OnDuty,
      }),
    );
    const held = new Set<string>([index % 3 === 0 ? 'CDL-B' : 'CDL-A', 'first-aid']);
    if (index % 4 === 0) held.add('crane-operator');
    if (index % 3 === 1) held.add('excavator');
    if (index % 5 === 2) held.add('hazmat');
    if (index % 4 === 3) held.add('forklift');
    if (index % 6 === 5) held.add('confined-space');
    if (index === 0) held.add('CDL-A');
    cast.drivers.push({ id: driver.id, holds: held });
    await manager.insert(
      DriverQualification,
      [...held].map((code, position) => ({
        driverId: driver.id,
        qualificationId: qualificationByCode.get(code)?.id as string,
        // A few certificates run out within the month, so the admin panel has something to flag.
        expiresAt: isoDate(
          index % 7 === 3 && position === 0 ? 5 + index : 180 + Math.floor(next() * 540),
        ),
      })),
    );
  }

  const orders = [
    { title: 'Haul excavated soil to fill site', type: 'dump-truck', priority: Priority.Standard },
    { title: 'Lift rooftop HVAC units', type: 'crane-50t', priority: Priority.Urgent },
    {
      title: 'Backup power for substation maintenance',
      type: 'generator',
      priority: Priority.Emergency,
    },
    { title: 'Trench for water main repair', type: 'excavator', priority: Priority.Standard },
    { title: 'Refuel site generators', type: 'tanker', priority: Priority.Low },
  ];
  for (const [index, order] of orders.entries()) {
    await manager.insert(WorkOrder, {
      title: order.title,
      siteId: sites[index % sites.length].id,
      equipmentTypeId: types.find((type) => type.code === order.type)?.id as string,
      priority: order.priority,
      status: WorkOrderStatus.Queued,
      notes: index === 1 ? 'Site contact: gate 3, ask for the foreman.' : null,
      createdBy: 'seed',
    });
  }

  const pastJobs = await seedHistory(manager, cast, next);
  // Units seeded in maintenance are in it from now on, as the engine would have recorded.
  await manager.query(
    `INSERT INTO equipment_status_periods (equipment_id, status, started_at)
     SELECT id, status, now() FROM equipment WHERE status IN ('maintenance', 'retired')`,
  );

  const counts = { sites: sites.length, equipment: equipmentCount, drivers: driverCount, pastJobs };
  await manager.insert(AuditEvent, {
    actorKind: 'machine',
    actorSubject: 'seed',
    actorName: 'Demo data seeder',
    actorRole: null,
    action: 'tenant.seeded',
    entityType: 'tenant',
    entityId: null,
    payload: { counts } satisfies EventPayload<'tenant.seeded'>,
    after: counts,
  });

  return {
    skipped: false,
    sites: sites.length,
    qualifications: qualifications.length,
    equipmentTypes: types.length,
    equipment: equipmentCount,
    drivers: driverCount,
    workOrders: orders.length,
    pastJobs,
  };
}

/** Fills a provisioned tenant with realistic demo data; a tenant that already has sites is left alone. */
export async function seedDemoTenant(
  options: DatabaseConnectionOptions,
  slug: string,
): Promise<DemoSeedSummary> {
  const schema = tenantSchemaName(slug);
  const dataSource = new DataSource({
    ...applicationDataSourceOptions({ ...options, poolSize: 1 }),
    applicationName: 'dispatch-seed',
  });
  await dataSource.initialize();
  try {
    return await dataSource.transaction(async (manager) => {
      await manager.query(`SELECT set_config('search_path', $1, true)`, [`"${schema}"`]);
      if ((await manager.count(Site)) > 0) {
        return {
          skipped: true,
          sites: 0,
          qualifications: 0,
          equipmentTypes: 0,
          equipment: 0,
          drivers: 0,
          workOrders: 0,
          pastJobs: 0,
        };
      }
      return seedTenant(manager, slug);
    });
  } finally {
    await dataSource.destroy();
  }
}
