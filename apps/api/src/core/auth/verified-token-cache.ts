import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { KEYCLOAK_INSTANCE } from 'nest-keycloak-connect';
import { AppConfig, keycloakBackchannelUrl } from '../config/app-config';

/** The parts of keycloak-connect's Token this cache reads. */
interface KeycloakToken {
  token: string;
  content: { exp?: number };
  isExpired(): boolean;
}

/** The parts of keycloak-connect's GrantManager (and its key rotation) this cache wraps. */
interface GrantManager {
  validateToken(token: KeycloakToken | undefined, expectedType: string): Promise<KeycloakToken>;
  rotation: {
    /** The realm URL the keys are fetched from (the issuer is checked against the grant manager's own). */
    realmUrl: string;
    jwks: unknown[];
    lastTimeRequesTime: number;
    retrieveJWKs(): Promise<{ keys: unknown[] }>;
  };
}

/** At most this many verified tokens are remembered (a token is ~1–2 KB). */
const MAX_TOKENS = 5_000;
/** A verified token is checked again after at most this long (or at its expiry, if sooner). */
const MAX_REMEMBER_MS = 5 * 60_000;
const KEY_PREFETCH_RETRY_MS = 5_000;

/**
 * nest-keycloak-connect's AuthGuard stays the guard of every route; this makes its offline
 * verification cheap and independent of Keycloak being up:
 * - keycloak-connect verifies a bearer token twice per request (creating the grant, then
 *   validating it), each time turning the realm's JWK into PEM and checking the RSA signature.
 *   The exact token string, once verified, is remembered until it expires (at most 5 minutes,
 *   5,000 tokens): expiry, type, issuer, audience and signature are not checked again for it.
 *   Anything else — another string, a tampered byte, an expired token — goes through the full
 *   check (an expired one is refused before the cache is consulted).
 * - The realm's signing keys are fetched at start (and retried until they are), and keycloak-connect
 *   keeps them in memory: with Keycloak down, tokens signed by a known key keep being verified;
 *   only new logins (and a key the API has never seen) fail.
 * - Behind a reverse proxy the keys are fetched from KEYCLOAK_INTERNAL_URL, while tokens must still
 *   name the public KEYCLOAK_URL as their issuer.
 */
@Injectable()
export class VerifiedTokenCache implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(VerifiedTokenCache.name);
  private readonly verified = new LRUCache<string, true>({ max: MAX_TOKENS, ttlAutopurge: false });
  private prefetchTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(KEYCLOAK_INSTANCE) private readonly keycloak: { grantManager: GrantManager },
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const grantManager = this.keycloak.grantManager;
    grantManager.rotation.realmUrl = `${keycloakBackchannelUrl(this.config)}/realms/${this.config.KEYCLOAK_REALM}`;
    const verify = grantManager.validateToken.bind(grantManager);
    grantManager.validateToken = async (token, expectedType) => {
      if (!token || token.isExpired()) return verify(token, expectedType);
      const key = `${expectedType} ${token.token}`;
      if (this.verified.has(key)) return token;
      const valid = await verify(token, expectedType);
      const untilExpiry = (token.content.exp ?? 0) * 1000 - Date.now();
      if (untilExpiry > 0)
        this.verified.set(key, true, { ttl: Math.min(untilExpiry, MAX_REMEMBER_MS) });
      return valid;
    };
    this.prefetchKeys(grantManager);
  }

  /** Whether tokens can be verified without Keycloak: the realm's signing keys are in memory. */
  get signingKeysKnown(): boolean {
    return this.keycloak.grantManager.rotation.jwks.length > 0;
  }

  onApplicationShutdown(): void {
    clearTimeout(this.prefetchTimer);
  }

  private prefetchKeys(grantManager: GrantManager): void {
    const rotation = grantManager.rotation;
    rotation
      .retrieveJWKs()
      .then(({ keys }) => {
        // keycloak-connect's own key store, as its getJWK fills it on a miss.
        if (rotation.jwks.length === 0) {
          rotation.jwks = keys;
          rotation.lastTimeRequesTime = Date.now() / 1000;
        }
      })
      .catch((error: unknown) => {
        this.logger.warn(
          `The realm's signing keys could not be fetched (${String(error)}); retrying in ${KEY_PREFETCH_RETRY_MS / 1000} s`,
        );
        this.prefetchTimer = setTimeout(
          () => this.prefetchKeys(grantManager),
          KEY_PREFETCH_RETRY_MS,
        );
        this.prefetchTimer.unref();
      });
  }
}
