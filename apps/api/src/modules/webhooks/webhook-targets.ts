import { DomainError } from '@dispatch/domain';
import ipaddr from 'ipaddr.js';
import { lookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import { lookup as lookupCallback } from 'node:dns';

/**
 * Where webhooks may be sent. In production only https to public addresses: a receiver URL is
 * chosen by a tenant's admin, and without this rule the API could be made to call services on its
 * own network (server-side request forgery). Development and tests allow http and private
 * addresses (WEBHOOK_ALLOW_PRIVATE_TARGETS).
 */
export interface TargetPolicy {
  allowPrivate: boolean;
}

function invalid(message: string): DomainError {
  return new DomainError('VALIDATION', message, { fields: [{ field: 'url', message }] });
}

/** True for an address on the public internet (not loopback, private, link-local, reserved …). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  return parsed.range() === 'unicast';
}

/** Checks a receiver URL when a subscription is created or changed; resolves its host. */
export async function assertAllowedTarget(url: string, policy: TargetPolicy): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('must be an absolute http(s) URL');
  }
  if (parsed.username || parsed.password) throw invalid('must not carry credentials');
  if (parsed.hash) throw invalid('must not have a fragment');
  const allowedProtocols = policy.allowPrivate ? ['https:', 'http:'] : ['https:'];
  if (!allowedProtocols.includes(parsed.protocol)) {
    throw invalid(policy.allowPrivate ? 'must be an http(s) URL' : 'must be an https URL');
  }
  if (policy.allowPrivate) return;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const addresses = ipaddr.isValid(host)
    ? [host]
    : await lookup(host, { all: true }).then(
        (found) => found.map(({ address }) => address),
        () => {
          throw invalid(`host ${host} does not resolve`);
        },
      );
  if (addresses.length === 0 || !addresses.every(isPublicAddress)) {
    throw invalid('must point to a public address (private, loopback and link-local are refused)');
  }
}

/**
 * A DNS lookup for the delivery's socket that refuses non-public addresses, so a host that
 * resolved to a public address when the subscription was saved cannot later be pointed inside.
 */
export function guardedLookup(policy: TargetPolicy): LookupFunction | undefined {
  if (policy.allowPrivate) return undefined;
  return (hostname, options, callback) => {
    lookupCallback(hostname, { ...options, all: true }, (error, found) => {
      if (error) return callback(error, '', 4);
      const addresses = found as unknown as { address: string; family: number }[];
      const refused = addresses.find(({ address }) => !isPublicAddress(address));
      if (refused || addresses.length === 0) {
        return callback(
          Object.assign(new Error(`${hostname} resolves to a non-public address`), {
            code: 'EADDRNOTPUBLIC',
          }),
          '',
          4,
        );
      }
      if ((options as { all?: boolean }).all) {
        return (callback as unknown as (e: null, a: typeof addresses) => void)(null, addresses);
      }
      const [first] = addresses;
      callback(null, first.address, first.family);
    });
  };
}
