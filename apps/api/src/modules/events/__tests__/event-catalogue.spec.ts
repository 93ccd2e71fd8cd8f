import {
  EVENT_NAMES,
  EVENT_PAYLOADS,
  eventCatalogueSchemas,
  eventSchemaName,
} from '@dispatch/domain';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../../../..');
const document = JSON.parse(
  readFileSync(path.join(ROOT, 'libs/api-client/openapi.json'), 'utf8'),
) as { components: { schemas: Record<string, Record<string, unknown>> } };

/**
 * The catalogue of domain events, the checked-in OpenAPI document and the client generated from
 * it agree. (CI also regenerates the document and the client and fails when either is stale.)
 */
describe('event catalogue, OpenAPI document and generated client', () => {
  const schemas = document.components.schemas;

  it('names every event of the catalogue, and no other, in the DomainEvent union', () => {
    const union = schemas.DomainEvent as {
      oneOf: { $ref: string }[];
      discriminator: { propertyName: string; mapping: Record<string, string> };
    };
    expect(union.discriminator.propertyName).toBe('type');
    expect(Object.keys(union.discriminator.mapping).sort()).toEqual([...EVENT_NAMES].sort());
    expect(union.oneOf).toHaveLength(EVENT_NAMES.length);
    expect(Object.keys(EVENT_PAYLOADS).sort()).toEqual([...EVENT_NAMES].sort());
  });

  it('gives each event, payload and shared shape the schema the catalogue defines', () => {
    for (const [name, schema] of Object.entries(eventCatalogueSchemas()))
      expect({ name, schema: schemas[name] }).toEqual({ name, schema });
  });

  it('has a generated, discriminated type for every event', () => {
    for (const name of EVENT_NAMES) {
      const file = eventSchemaName(name).replace(/^./, (letter) => letter.toLowerCase());
      const typeFile = path.join(ROOT, 'libs/api-client/src/generated/model', `${file}Type.ts`);
      expect({ name, exists: existsSync(typeFile) }).toEqual({ name, exists: true });
      expect(readFileSync(typeFile, 'utf8')).toContain(`'${name}'`);
    }
  });
});
