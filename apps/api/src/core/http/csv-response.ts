import { StreamableFile } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Readable } from 'node:stream';

/** `?format=csv`, or an Accept header that prefers text/csv to JSON. */
export function wantsCsv(format: string | undefined, request: Request): boolean {
  if (format) return format === 'csv';
  return request.accepts(['application/json', 'text/csv']) === 'text/csv';
}

/**
 * Sends a CSV stream as a download. Nest pipes a StreamableFile into the response but does not
 * stop the source when the client goes away; destroying it here ends the database cursor too.
 */
export function csvDownload(
  stream: Readable,
  fileName: string,
  response: Response,
): StreamableFile {
  response.once('close', () => {
    if (!stream.readableEnded) stream.destroy();
  });
  return new StreamableFile(stream, {
    type: 'text/csv; charset=utf-8',
    disposition: `attachment; filename="${fileName}"`,
  });
}
