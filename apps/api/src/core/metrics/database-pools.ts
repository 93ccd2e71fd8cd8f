import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/** What a node-postgres pool tells about its connections, read at scrape time. */
export type PoolStatistics = Pick<Pool, 'totalCount' | 'idleCount' | 'waitingCount' | 'options'>;

/** typeorm's pool (its driver's `master`), once the DataSource is initialized. */
export function applicationPoolOf(dataSource: DataSource): Pool | undefined {
  return (dataSource.driver as unknown as { master?: Pool }).master;
}
