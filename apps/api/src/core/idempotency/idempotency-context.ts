import { AsyncLocalStorage } from 'node:async_hooks';

/** The Idempotency-Key a request claimed, as the request's transactions see it. */
export interface IdempotencyClaim {
  key: string;
  /** Unique per attempt: a transaction may mark the key only while this attempt holds it. */
  claim: string;
  /** Set once a transaction of the request committed its work under the key. */
  committed: boolean;
}

const storage = new AsyncLocalStorage<IdempotencyClaim>();

/** Runs `work` (and everything it starts) with the request's claim in reach of TenantDatabase. */
export function withIdempotencyClaim<T>(claim: IdempotencyClaim, work: () => T): T {
  return storage.run(claim, work);
}

export function currentIdempotencyClaim(): IdempotencyClaim | undefined {
  return storage.getStore();
}
