import { Client } from 'pg';

/**
 * One connection for `work`, closed afterwards whatever happens (tools' one-off statements); a
 * server that does not answer within 10 s is an error, not a hang.
 */
export async function withPostgresClient<T>(
  url: string,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
