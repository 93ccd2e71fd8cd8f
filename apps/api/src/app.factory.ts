import { readFileSync } from 'node:fs';
import { eventCatalogueSchemas } from '@dispatch/domain';
import { type INestApplication, Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import type { AppConfig } from './core/config/app-config';
import { createValidationPipe } from './core/errors/validation';
import { admissionControl } from './core/http/admission-control';
import { HttpMetrics } from './core/metrics/http-metrics';
import { RATE_LIMIT_HEADERS } from './core/rate-limit/rate-limit.guard';

export const API_PREFIX = 'api/v1';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Dispatch API')
    .setDescription(
      'Send equipment with a qualified driver to work sites. All times are ISO 8601 with offset; ' +
        'errors are RFC 9457 application/problem+json.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controllerKey, methodKey) =>
      `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
  // The domain event catalogue (payloads typed per event, a union discriminated by `type`).
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...eventCatalogueSchemas() },
  };
  return document;
}

/** Logs refusals for a full instance at most every 10 s, with how many there were. */
function refusalReporter(): (inFlight: number) => void {
  const logger = new NestLogger('AdmissionControl');
  let refused = 0;
  let reportedAt = 0;
  return (inFlight) => {
    refused += 1;
    if (Date.now() - reportedAt < 10_000) return;
    logger.warn(
      `At capacity (${inFlight} requests in progress): ${refused} request(s) refused with 503`,
    );
    refused = 0;
    reportedAt = Date.now();
  };
}

/** Builds the API (not listening yet): the same wiring serves main.ts, the tests and the OpenAPI export. */
export async function createApp(
  config: AppConfig,
  options: { logs?: boolean; connectDatabase?: boolean } = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options), {
    ...(config.TLS_CERT_FILE && config.TLS_KEY_FILE
      ? {
          httpsOptions: {
            cert: readFileSync(config.TLS_CERT_FILE),
            key: readFileSync(config.TLS_KEY_FILE),
          },
        }
      : {}),
    bufferLogs: true,
    abortOnError: false,
    // JSON only: Nest's default parsers would also try urlencoded bodies on every request.
    bodyParser: false,
  });
  if (options.logs !== false) app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  const streamPath = `/${API_PREFIX}/events`;
  // First, so every answer is timed: CORS preflights and admission control's 503s too.
  app.use(app.get(HttpMetrics).middleware({ streamPath }));
  app.enableCors({
    origin: config.CORS_ORIGINS.split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    exposedHeaders: ['X-Request-Id', 'Content-Disposition', ...RATE_LIMIT_HEADERS],
  });
  app.use(
    admissionControl({
      maxInFlight: config.MAX_IN_FLIGHT_REQUESTS,
      retryAfterSeconds: config.UNAVAILABLE_RETRY_AFTER_SECONDS,
      streamPath,
      onRefused: refusalReporter(),
    }),
  );
  app.useBodyParser('json', { limit: '256kb' });
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health/live', 'health/ready', 'metrics'] });
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  SwaggerModule.setup('api/docs', app, () => buildOpenApiDocument(app), {
    useGlobalPrefix: false,
    jsonDocumentUrl: 'api/docs/openapi.json',
  });
  return app;
}
