import { eventCatalogueSchemas } from '@dispatch/domain';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import type { AppConfig } from './core/config/app-config';
import { createValidationPipe } from './core/errors/validation';
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

/** Builds the API (not listening yet): the same wiring serves main.ts, the tests and the OpenAPI export. */
export async function createApp(
  config: AppConfig,
  options: { logs?: boolean; connectDatabase?: boolean } = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options), {
    bufferLogs: true,
    abortOnError: false,
    // JSON only: Nest's default parsers would also try urlencoded bodies on every request.
    bodyParser: false,
  });
  if (options.logs !== false) app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.enableCors({
    origin: config.CORS_ORIGINS.split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    exposedHeaders: ['X-Request-Id', 'Content-Disposition', ...RATE_LIMIT_HEADERS],
  });
  app.useBodyParser('json', { limit: '256kb' });
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health/live', 'health/ready'] });
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  SwaggerModule.setup('api/docs', app, () => buildOpenApiDocument(app), {
    useGlobalPrefix: false,
    jsonDocumentUrl: 'api/docs/openapi.json',
  });
  return app;
}
