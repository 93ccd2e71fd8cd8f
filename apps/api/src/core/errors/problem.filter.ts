import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { DomainError } from '@dispatch/domain';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import {
  DOMAIN_ERROR_STATUS,
  PROBLEM_CONTENT_TYPE,
  problemType,
  type ProblemDetails,
} from './problem';
import {
  databaseBusyProblem,
  databaseUnavailableProblem,
  describeDatabaseError,
  isDatabaseBusy,
  isDatabaseUnavailable,
  problemFromDatabaseError,
} from './database-errors';
import { AppConfig } from '../config/app-config';
import { RequestValidationException } from './validation';

interface BodyParserError {
  type: string;
  status?: number;
  message: string;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as BodyParserError).type === 'string' &&
    [
      'entity.parse.failed',
      'entity.too.large',
      'encoding.unsupported',
      'charset.unsupported',
    ].includes((error as BodyParserError).type)
  );
}

function titleOfStatus(status: number): string {
  const name = HttpStatus[status] ?? 'ERROR';
  return name.charAt(0) + name.slice(1).toLowerCase().replace(/_/g, ' ');
}

function slugOfStatus(status: number): string {
  return (HttpStatus[status] ?? 'error').toLowerCase().replace(/_/g, '-');
}

/** Answers every error as RFC 9457 problem+json. Unknown errors become 500 with the request id, and are logged. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  private outageReportedAt = 0;

  constructor(private readonly config: AppConfig) {}

  /** An outage fails every request alike: one line every 5 s, not one per request. */
  private reportOutage(exception: unknown): void {
    if (Date.now() - this.outageReportedAt < 5_000) return;
    this.outageReportedAt = Date.now();
    this.logger.warn(`Database unavailable: ${String(exception)}; answering 503`);
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const request = context.getRequest<Request & { id?: string }>();
    const response = context.getResponse<Response>();
    const problem = this.toProblem(exception);
    problem.instance = request.originalUrl?.split('?')[0];
    problem.requestId = request.id;
    if (problem.type === problemType('database-busy')) {
      this.logger.warn(
        `503 for ${request.method} ${problem.instance ?? ''} (request ${String(request.id)}): no database connection free for ${this.config.DATABASE_POOL_WAIT_SECONDS} s`,
      );
    } else if (problem.type === problemType('database-unavailable')) {
      // Every 503's original error (the warning below is one line per 5 s).
      this.logger.debug(
        `503 for ${request.method} ${problem.instance ?? ''} (request ${String(request.id)}): ${describeDatabaseError(exception)}`,
      );
      this.reportOutage(exception);
    } else if (problem.status >= 500) {
      this.logger.error({ err: exception, requestId: request.id }, 'Unhandled error');
    } else if (exception instanceof QueryFailedError)
      // The database refused the write (a 4xx): which statement and why, for whoever debugs it.
      this.logger.debug({ err: exception, requestId: request.id }, 'Database refused a write');
    if (response.headersSent) return;
    // A problem that says when to come back (in progress, rate limited …) says it in the header too.
    if (typeof problem.retryAfterSeconds === 'number')
      response.setHeader('Retry-After', String(Math.max(1, Math.ceil(problem.retryAfterSeconds))));
    response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown): ProblemDetails {
    if (exception instanceof RequestValidationException) {
      return {
        type: problemType('validation'),
        title: 'Invalid request',
        status: 400,
        detail: exception.message,
        errors: exception.fields,
      };
    }
    if (exception instanceof DomainError) {
      const mapping = DOMAIN_ERROR_STATUS[exception.code];
      const { fields, ...extensions } = exception.details;
      return {
        ...extensions,
        type: problemType(mapping.slug),
        title: mapping.title,
        status: mapping.status,
        detail: exception.message,
        ...(fields ? { errors: fields } : {}),
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const detail =
        typeof body === 'string'
          ? body
          : Array.isArray((body as { message?: unknown }).message)
            ? (body as { message: string[] }).message.join('; ')
            : String((body as { message?: unknown }).message ?? exception.message);
      return {
        type: problemType(slugOfStatus(status)),
        title: titleOfStatus(status),
        status,
        detail,
      };
    }
    if (isBodyParserError(exception)) {
      const status = exception.status ?? 400;
      return {
        type: problemType(slugOfStatus(status)),
        title: 'Unreadable request body',
        status,
        detail: exception.message,
      };
    }
    // An outage is 503 whichever query met it (TypeORM's wrapper or pg-pool's bare error).
    if (isDatabaseBusy(exception))
      return databaseBusyProblem(
        this.config.UNAVAILABLE_RETRY_AFTER_SECONDS,
        this.config.DATABASE_POOL_WAIT_SECONDS,
      );
    if (isDatabaseUnavailable(exception))
      return databaseUnavailableProblem(this.config.UNAVAILABLE_RETRY_AFTER_SECONDS);
    if (exception instanceof QueryFailedError) {
      const problem = problemFromDatabaseError(exception);
      if (problem) return problem;
    }
    return {
      type: problemType('internal'),
      title: 'Internal server error',
      status: 500,
      detail: 'An unexpected error occurred; quote the request id when reporting it.',
    };
  }
}
