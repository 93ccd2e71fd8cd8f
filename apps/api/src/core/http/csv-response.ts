import { StreamableFile } from '@nestjs/common';
import type { Request } from 'express';
import type { Readable } from 'node:stream';

/** `?format=csv`, or an Accept header that prefers text/csv to JSON. */
export function wantsCsv(format: string | undefined, request: Request): boolean {
  if (format) return format === 'csv';
  return request.accepts(['application/json', 'text/csv']) === 'text/csv';
}

/**
 * Sends a CSV stream as a download. Nest's Express adapter destroys the stream when the client
 * goes away, which ends the database cursor and returns its connection (see TenantDatabase.stream).
 */
export function csvDownload(stream: Readable, fileName: string): StreamableFile {
  return new StreamableFile(stream, {
    type: 'text/csv; charset=utf-8',
    disposition: `attachment; filename="${fileName}"`,
  });
}
