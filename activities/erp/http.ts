/**
 * The one way adapters talk HTTP: Node's fetch with a timeout on every call, and failures sorted
 * into what a retry can fix (timeouts, refused connections, 408/429/5xx) and what it cannot (any
 * other 4xx: the ERP refused the request itself). Messages never carry credentials.
 */
import { remainingMs } from './deadline.js';
import { ErpError } from './types.js';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  url: string;
  headers?: Record<string, string>;
  /** Serialised as JSON. */
  body?: unknown;
  timeoutMs: number;
}

export interface HttpAnswer {
  status: number;
  /** Parsed JSON, or the raw text when the answer is not JSON. */
  body: unknown;
}

/** Statuses a retry can fix even though they are 4xx. */
const RETRYABLE_4XX = new Set([408, 425, 429]);

export const isRetryableStatus = (status: number): boolean => status >= 500 || RETRYABLE_4XX.has(status);

/** Sends the request; throws a retryable ErpError when no answer came back. Any status is returned. */
export async function sendHttp(system: string, req: HttpRequest): Promise<HttpAnswer> {
  const left = remainingMs();
  if (left !== null && left < 250)
    throw new ErpError(`${system}: no time left in this attempt for ${req.method} ${pathOf(req.url)}`, true);
  const timeoutMs = left === null ? req.timeoutMs : Math.min(req.timeoutMs, left);
  const headers: Record<string, string> = { accept: 'application/json', ...(req.headers ?? {}) };
  let body: string | undefined;
  if (req.body !== undefined) {
    body = JSON.stringify(req.body);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  let res: Response;
  let text: string;
  try {
    res = await fetch(req.url, {
      method: req.method,
      headers,
      ...(body !== undefined ? { body } : {}),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
    text = await res.text();
  } catch (err) {
    throw new ErpError(
      `${system}: ${req.method} ${pathOf(req.url)} ${failureText(err, req.timeoutMs)}`,
      true,
    );
  }
  let parsed: unknown = text;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text for the message
    }
  }
  return { status: res.status, body: parsed };
}

/** The path of a URL without its query (which may carry filters, never secrets, but is long). */
export const pathOf = (url: string): string => {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
};

function failureText(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'))
    return `timed out after ${timeoutMs} ms`;
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : undefined;
  return `failed: ${cause ?? (err instanceof Error ? err.message : String(err))}`;
}

/** At most `max` characters of an ERP's message, on one line. */
export function shortText(value: unknown, max = 300): string {
  const text = (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''))
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A field of an ERP answer as text: strings and numbers as they are, anything else empty. */
export const text = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
