import type { NextFunction, Request, Response } from 'express';
import { PROBLEM_CONTENT_TYPE, problemType, type ProblemDetails } from '../errors/problem';
import { METRICS_PATH } from '../metrics/metrics-path';

export interface AdmissionOptions {
  /** Requests worked on at once; 0 admits everything. */
  maxInFlight: number;
  retryAfterSeconds: number;
  /** The live stream's path (`GET`): not counted, it stays open for hours. */
  streamPath: string;
  /** Called for each refusal (to count and log them). */
  onRefused?: (inFlight: number) => void;
}

/**
 * Admission control, right after CORS (so a browser can read a refusal) and before anything else:
 * at most `maxInFlight` requests are worked on at once, and one more is answered at once with 503
 * problem+json and Retry-After, before its token, body or database is touched, so it writes
 * nothing and costs next to nothing. Queuing it instead would only lengthen every admitted
 * request's wait (for a database connection, mostly). Health probes and metrics scrapes are not
 * counted: they must answer under load.
 */
export function admissionControl(options: AdmissionOptions) {
  let inFlight = 0;
  const isExempt = (request: Request) =>
    request.path.startsWith('/health/') ||
    request.path === METRICS_PATH ||
    (request.method === 'GET' && request.path === options.streamPath);
  return (request: Request, response: Response, next: NextFunction): void => {
    if (options.maxInFlight <= 0 || isExempt(request)) return next();
    if (inFlight >= options.maxInFlight) {
      options.onRefused?.(inFlight);
      const problem: ProblemDetails = {
        type: problemType('overloaded'),
        title: 'Service unavailable',
        status: 503,
        detail: `The API is at capacity (${inFlight} requests in progress); retry after ${options.retryAfterSeconds} s`,
        instance: request.path,
        retryAfterSeconds: options.retryAfterSeconds,
      };
      response.setHeader('Retry-After', String(options.retryAfterSeconds));
      response.status(503).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
      return;
    }
    inFlight += 1;
    let done = false;
    const release = () => {
      if (done) return;
      done = true;
      inFlight -= 1;
    };
    response.once('finish', release);
    response.once('close', release);
    next();
  };
}
