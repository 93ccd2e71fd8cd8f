import { NotFoundError } from '@dispatch/domain';
import {
  type EntityManager,
  type EntityTarget,
  type FindOptionsRelations,
  type FindOptionsWhere,
  type ObjectLiteral,
} from 'typeorm';

/** Loads a record of the caller's tenant or throws 404; another tenant's id simply does not exist here. */
export async function findOrFail<T extends ObjectLiteral & { id: string }>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  label: string,
  id: string,
  options: { field?: string; lock?: boolean; relations?: FindOptionsRelations<T> } = {},
): Promise<T> {
  const found = await manager.findOne(entity, {
    where: { id } as FindOptionsWhere<T>,
    relations: options.relations,
    ...(options.lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
  });
  if (!found) throw new NotFoundError(label, id, options.field);
  return found;
}

/** Checks that every referenced id exists in the caller's tenant; 404 naming the field otherwise. */
export async function assertAllExist<T extends ObjectLiteral & { id: string }>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  label: string,
  ids: readonly string[],
  field: string,
): Promise<void> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return;
  const found = (await manager
    .createQueryBuilder(entity, 'entity')
    .select('entity.id', 'id')
    .where('entity.id IN (:...ids)', { ids: unique })
    .getRawMany()) as { id: string }[];
  const known = new Set(found.map((row) => row.id));
  const missing = unique.find((id) => !known.has(id));
  if (missing) throw new NotFoundError(label, missing, field);
}

/** `%…%` pattern for ILIKE with the user's wildcards escaped. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}
