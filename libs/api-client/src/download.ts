/**
 * Downloads of what the API streams as a file (CSV reports, the audit export). The generated client
 * reads JSON, so these fetch by hand — with the bearer token in a header, never in the URL — and
 * hand the browser a Blob through an object URL.
 */
import { apiBaseUrl, apiToken, problemOf } from './fetcher';

export type QueryValue = string | number | boolean | null | undefined;

/** `?a=1&b=x` from the parameters that have a value (blank, null and undefined are left out). */
export function queryString(params: Record<string, QueryValue>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    search.append(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** The file name of a `Content-Disposition: attachment; filename="…"` header, if there is one. */
export function attachmentFileName(disposition: string | null): string | undefined {
  return disposition ? /filename="([^"]+)"/.exec(disposition)?.[1] : undefined;
}

/** Fetches `path` (under the API's base URL, e.g. `/api/v1/audit/export`) as a Blob; problems throw `ApiProblem`. */
export async function fetchFile(
  path: string,
  params: Record<string, QueryValue>,
  accept = 'text/csv',
): Promise<{ blob: Blob; fileName?: string }> {
  const token = await apiToken();
  const response = await fetch(`${apiBaseUrl()}${path}${queryString(params)}`, {
    headers: { accept, ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  if (!response.ok) throw problemOf(response, await response.text());
  return {
    blob: await response.blob(),
    fileName: attachmentFileName(response.headers.get('content-disposition')),
  };
}

/** Offers a Blob to the user as a file download. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  anchor.style.display = 'none';
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // The browser has taken the file once the click is handled; free the memory a moment later.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Fetches a CSV the API streams (with the user's token) and saves it under the API's name for it, else `fallbackName`. */
export async function downloadCsv(
  path: string,
  params: Record<string, QueryValue>,
  fallbackName: string,
): Promise<void> {
  const file = await fetchFile(path, params, 'text/csv');
  saveBlob(file.blob, file.fileName ?? fallbackName);
}
