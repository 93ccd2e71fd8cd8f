import { type ApiClient, clientCredentials } from '@dispatch/testing';

export interface CreatedMachineClient {
  id: string;
  clientId: string;
  clientSecret: string;
  name: string;
  role: string;
}

/** A machine client's access token; fails loudly when Keycloak refuses. */
export async function machineToken(
  client: Pick<CreatedMachineClient, 'clientId' | 'clientSecret'>,
) {
  const answer = await clientCredentials(client.clientId, client.clientSecret);
  if (!answer.token)
    throw new Error(`Keycloak refused ${client.clientId}: ${answer.status} ${answer.error}`);
  return answer.token;
}

/** Creates an API client through the API as the given admin. */
export async function createMachineClient(
  admin: ApiClient,
  role: 'dispatcher' | 'viewer',
  name = `ERP ${role} ${Math.random().toString(36).slice(2, 10)}`,
): Promise<CreatedMachineClient> {
  const created = await admin.post('/api-clients', { name, role });
  if (created.status !== 201)
    throw new Error(
      `API client creation failed: ${created.status} ${JSON.stringify(created.body)}`,
    );
  return created.body as CreatedMachineClient;
}

/** Deletes the API clients of the admin's organization (Keycloak clients included): test clean-up. */
export async function deleteAllMachineClients(admin: ApiClient): Promise<void> {
  const page = await admin.get('/api-clients?limit=200');
  for (const item of (page.body?.items ?? []) as { id: string }[])
    await admin.delete(`/api-clients/${item.id}`);
}
