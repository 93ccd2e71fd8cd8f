/**
 * The rows of a raw query. typeorm answers an UPDATE or DELETE … RETURNING on PostgreSQL with
 * `[rows, affectedCount]`, and any other statement with the rows alone.
 */
export function returnedRows<T>(result: unknown): T[] {
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as T[];
  }
  return result as T[];
}
