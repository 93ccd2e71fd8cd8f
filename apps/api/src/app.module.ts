import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { applicationDataSourceOptions } from '@dispatch/domain';
import {
  AuthGuard,
  KeycloakConnectModule,
  PolicyEnforcementMode,
  TokenValidation,
} from 'nest-keycloak-connect';
import { LoggerModule } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EventsCoreModule } from './core/events/events-core.module';
import { IdempotencyModule } from './core/idempotency/idempotency.module';
import { METRICS_PATH } from './core/metrics/metrics-path';
import { MetricsModule } from './core/metrics/metrics.module';
import { MachineClientGuard } from './core/auth/machine-client.guard';
import { RouteAccessGuard } from './core/auth/route-access.guard';
import { VerifiedTokenCache } from './core/auth/verified-token-cache';
import { AppConfig } from './core/config/app-config';
import { ProblemFilter } from './core/errors/problem.filter';
import { RateLimitGuard } from './core/rate-limit/rate-limit.guard';
import { RateLimitModule } from './core/rate-limit/rate-limit.module';
import { TenancyModule } from './core/tenancy/tenancy.module';
import { TenantGuard } from './core/tenancy/tenant.guard';
import { ApiClientsModule } from './modules/api-clients/api-clients.module';
import { AuditModule } from './modules/audit/audit.module';
import { DispatchesModule } from './modules/dispatches/dispatches.module';
import { DriversModule } from './modules/drivers/drivers.module';
import { EquipmentModule } from './modules/equipment/equipment.module';
import { EventsModule } from './modules/events/events.module';
import { HealthModule } from './modules/health/health.module';
import { QualificationsModule } from './modules/qualifications/qualifications.module';
import { QueueModule } from './modules/queue/queue.module';
import { ReportsModule } from './modules/reports/reports.module';
import { SitesModule } from './modules/sites/sites.module';
import { UsersModule } from './modules/users/users.module';
import { WebhooksModule } from './modules/webhooks/webhooks.module';
import { WorkOrdersModule } from './modules/work-orders/work-orders.module';

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,100}$/;

/** Probes and scrapes, every few seconds: not logged per request. */
const UNLOGGED_PATHS = ['/health', METRICS_PATH];

/** Reuses a sane caller-supplied X-Request-Id (so ERP logs correlate), otherwise mints one. */
function requestIdOf(request: IncomingMessage, response: ServerResponse): string {
  const supplied = request.headers['x-request-id'];
  const id =
    typeof supplied === 'string' && REQUEST_ID_PATTERN.test(supplied) ? supplied : randomUUID();
  response.setHeader('X-Request-Id', id);
  return id;
}

@Module({})
export class AppModule {
  /** `connectDatabase: false` builds the app without touching PostgreSQL (to export its OpenAPI document). */
  static forRoot(config: AppConfig, options: { connectDatabase?: boolean } = {}): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.LOG_LEVEL,
            genReqId: requestIdOf,
            // Every request binds its `req` to a child logger, serialized at once whatever the
            // level: the line names the request, it does not copy its headers (serializing and
            // redacting them took ~14 % of the API's CPU per request).
            serializers: {
              req: (request: IncomingMessage & { id?: unknown }) => ({
                id: request.id,
                method: request.method,
                url: request.url,
              }),
              res: (response: ServerResponse) => ({ statusCode: response.statusCode }),
            },
            redact: ['req.headers.authorization', 'req.headers.cookie'],
            customProps: (request) => ({
              tenant: (request as { actor?: { tenant?: string } }).actor?.tenant,
            }),
            autoLogging: {
              ignore: (request) => UNLOGGED_PATHS.some((path) => request.url?.startsWith(path)),
            },
          },
        }),
        TypeOrmModule.forRoot({
          manualInitialization: options.connectDatabase === false,
          ...applicationDataSourceOptions({
            url: config.DATABASE_URL,
            poolSize: config.DATABASE_POOL_SIZE,
            poolWaitMillis: config.DATABASE_POOL_WAIT_SECONDS * 1000,
            ...(config.DATABASE_CA_FILE
              ? {
                  ssl: {
                    ca: readFileSync(config.DATABASE_CA_FILE, 'utf8'),
                    rejectUnauthorized: true,
                  },
                }
              : {}),
          }),
        }),
        KeycloakConnectModule.register({
          authServerUrl: config.KEYCLOAK_URL,
          realm: config.KEYCLOAK_REALM,
          clientId: config.KEYCLOAK_CLIENT_ID,
          secret: config.KEYCLOAK_CLIENT_SECRET ?? '',
          bearerOnly: true,
          verifyTokenAudience: true,
          tokenValidation: TokenValidation.OFFLINE,
          policyEnforcement: PolicyEnforcementMode.PERMISSIVE,
        }),
        TenancyModule,
        RateLimitModule,
        MetricsModule,
        EventsCoreModule,
        IdempotencyModule,
        HealthModule,
        SitesModule,
        QualificationsModule,
        EquipmentModule,
        DriversModule,
        WorkOrdersModule,
        DispatchesModule,
        QueueModule,
        EventsModule,
        UsersModule,
        ApiClientsModule,
        AuditModule,
        ReportsModule,
        WebhooksModule,
      ],
      providers: [
        { provide: AppConfig, useValue: config },
        VerifiedTokenCache,
        // Order matters: authenticate (401; a deleted API client's token too), then authorize by
        // declared roles (deny by default, 403), then resolve the tenant.
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useExisting: MachineClientGuard },
        // Rate limits count every authenticated caller (a refused role too), before any work.
        { provide: APP_GUARD, useExisting: RateLimitGuard },
        { provide: APP_GUARD, useClass: RouteAccessGuard },
        { provide: APP_GUARD, useExisting: TenantGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
      exports: [AppConfig, VerifiedTokenCache],
    };
  }
}
