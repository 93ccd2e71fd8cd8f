import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { AppConfig } from '../../core/config/app-config';
import { PublicRoute } from '../../core/auth/route-access';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly config: AppConfig,
  ) {}

  /** The process is up and serving HTTP. */
  @Get('live')
  @PublicRoute()
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** The API can do its work: the database answers and the identity provider publishes its realm. */
  @Get('ready')
  @PublicRoute()
  @HealthCheck()
  ready() {
    const realm = `${this.config.KEYCLOAK_URL}/realms/${this.config.KEYCLOAK_REALM}/.well-known/openid-configuration`;
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: 3000 }),
      () => this.keycloakCheck(realm),
    ]);
  }

  private async keycloakCheck(realmDocument: string) {
    const indicator = this.indicators.check('keycloak');
    try {
      const response = await fetch(realmDocument, { signal: AbortSignal.timeout(3000) });
      return response.ok ? indicator.up() : indicator.down({ httpStatus: response.status });
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}
