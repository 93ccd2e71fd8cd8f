import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ApiClientRole } from '@dispatch/domain';
import { DataSource } from 'typeorm';
import { TenantRegistry } from '../tenancy/tenant-registry.service';

/** A machine client as the tenant's registry (`api_clients`) lists it. */
export interface RegisteredMachine {
  id: string;
  clientId: string;
  name: string;
  role: ApiClientRole;
}

/**
 * How long an instance trusts what it read about a machine client. A client deleted on another
 * instance is refused here at most this long after the delete (on the deleting instance: at once).
 */
export const MACHINE_CLIENT_CHECK_MILLISECONDS = 5_000;

/** Bounds the cache; entries only come from tokens Keycloak signed, so this is never reached in practice. */
const MAX_ENTRIES = 10_000;

/**
 * Answers whether a machine client (by tenant and Keycloak client id) is registered, from a small
 * per-instance cache with a few seconds' lifetime: one indexed read per client and instance every
 * few seconds, and none at all for people's tokens (the caller checks the token's kind first).
 * Concurrent requests of one client share one read.
 */
@Injectable()
export class MachineClients {
  private readonly cache = new Map<string, { machine: RegisteredMachine | null; until: number }>();
  private readonly reading = new Map<string, Promise<RegisteredMachine | null>>();
  /** Bumped by `forget`, so a read that started before it does not put back what was forgotten. */
  private generation = 0;
  /** Reads of the registry so far (observable by tests: people's tokens never cause one). */
  reads = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tenants: TenantRegistry,
  ) {}

  find(tenant: string, clientId: string): Promise<RegisteredMachine | null> {
    const key = `${tenant}\u0000${clientId}`;
    const cached = this.cache.get(key);
    if (cached && cached.until > Date.now()) return Promise.resolve(cached.machine);
    const running = this.reading.get(key);
    if (running) return running;
    const generation = this.generation;
    const read = this.read(tenant, clientId)
      .then((machine) => {
        if (generation === this.generation) {
          if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
          this.cache.set(key, { machine, until: Date.now() + MACHINE_CLIENT_CHECK_MILLISECONDS });
        }
        return machine;
      })
      .finally(() => {
        if (this.reading.get(key) === read) this.reading.delete(key);
      });
    this.reading.set(key, read);
    return read;
  }

  /** Drops what this instance knows of a client (after deleting it here, it is refused at once). */
  forget(tenant: string, clientId: string): void {
    const key = `${tenant}\u0000${clientId}`;
    this.generation += 1;
    this.cache.delete(key);
    this.reading.delete(key);
  }

  private async read(tenant: string, clientId: string): Promise<RegisteredMachine | null> {
    const schema = await this.tenants.schemaOf(tenant);
    if (!schema) return null;
    this.reads += 1;
    const rows = (await this.dataSource.query(
      `SELECT id, client_id AS "clientId", name, role FROM "${schema}".api_clients WHERE client_id = $1`,
      [clientId],
    )) as RegisteredMachine[];
    return rows[0] ?? null;
  }
}
