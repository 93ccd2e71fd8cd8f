import { Client } from 'pg';

/** One connection for `work`, closed afterwards whatever happens (tools' one-off statements). */
export async function withPostgresClient<T>(
  url: string,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
