import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { AppConfig, keycloakBackchannelUrl } from '../../core/config/app-config';
import { PublicRoute } from '../../core/auth/route-access';
import { VerifiedTokenCache } from '../../core/auth/verified-token-cache';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly config: AppConfig,
    private readonly tokens: VerifiedTokenCache,
  ) {}

  /** The process is up and serving HTTP. */
  @Get('live')
  @PublicRoute()
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /**
   * The API can do its work: the database answers, and tokens can be verified — the realm's
   * signing keys are in memory (Keycloak being down then only stops new logins: it is reported,
   * not failed on, so a Keycloak outage does not take every instance out of the load balancer).
   */
  @Get('ready')
  @PublicRoute()
  @HealthCheck()
  ready() {
    const realm = `${keycloakBackchannelUrl(this.config)}/realms/${this.config.KEYCLOAK_REALM}/.well-known/openid-configuration`;
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: 3000 }),
      () => this.keycloakCheck(realm),
    ]);
  }

  private async keycloakCheck(realmDocument: string) {
    const indicator = this.indicators.check('keycloak');
    let reachable: { reachable: boolean; message?: string };
    try {
      const response = await fetch(realmDocument, { signal: AbortSignal.timeout(3000) });
      reachable = response.ok
        ? { reachable: true }
        : { reachable: false, message: `HTTP ${response.status}` };
    } catch (error) {
      reachable = {
        reachable: false,
        message: error instanceof Error ? error.message : String(error),
      };
    }
    const signingKeysKnown = this.tokens.signingKeysKnown;
    return reachable.reachable || signingKeysKnown
      ? indicator.up({ ...reachable, signingKeysKnown })
      : indicator.down({ ...reachable, signingKeysKnown });
  }
}
