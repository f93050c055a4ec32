/**
 * A small typed client of the Frappe REST API that ERPNext serves: documents under
 * `/api/resource/{DocType}` (list with `fields`, `filters`, `limit_page_length`; POST creates, PUT
 * updates; answers wrapped in `{"data": …}`), whitelisted methods under `/api/method/{path}`
 * (answers in `{"message": …}`), token authentication `Authorization: token <key>:<secret>`.
 * Errors carry `exc_type` and `_server_messages`; Frappe answers 417 for a ValidationError, 404
 * DoesNotExistError, 403 PermissionError, 409 DuplicateEntryError, 5xx when the server failed.
 * https://docs.frappe.io/framework/user/en/api/rest
 */
import { isRetryableStatus, pathOf, sendHttp, shortText, text, type HttpAnswer } from '../http.js';
import { ErpError } from '../types.js';

/** A Frappe filter: `[field, operator, value]`, or `[child doctype, field, operator, value]`. */
export type FrappeFilter = [string, string, unknown] | [string, string, string, unknown];
export type FrappeDoc = Record<string, unknown> & { name: string };

export interface FrappeClientOptions {
  url: string;
  apiKey: string;
  apiSecret: string;
  timeoutMs: number;
}

export interface FrappeClient {
  readonly url: string;
  list(
    doctype: string,
    q: { fields: string[]; filters?: FrappeFilter[]; orderBy?: string; limit?: number },
  ): Promise<Array<Record<string, unknown>>>;
  /** The document, or null when it does not exist. */
  get(doctype: string, name: string): Promise<FrappeDoc | null>;
  insert(doctype: string, doc: Record<string, unknown>): Promise<FrappeDoc>;
  update(doctype: string, name: string, patch: Record<string, unknown>): Promise<FrappeDoc>;
  /** Calls a whitelisted method with JSON arguments and returns its `message`. */
  call(method: string, args: Record<string, unknown>): Promise<unknown>;
  /** Who the API key belongs to (`frappe.auth.get_logged_user`): an authenticated read. */
  whoAmI(): Promise<string>;
}

export function createFrappeClient(o: FrappeClientOptions): FrappeClient {
  const headers = { authorization: `token ${o.apiKey}:${o.apiSecret}` };
  const resource = (doctype: string, name?: string): string =>
    `${o.url}/api/resource/${encodeURIComponent(doctype)}${name !== undefined ? `/${encodeURIComponent(name)}` : ''}`;

  async function send(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown): Promise<HttpAnswer> {
    const answer = await sendHttp('ERPNext', {
      method,
      url,
      headers,
      ...(body !== undefined ? { body } : {}),
      timeoutMs: o.timeoutMs,
    });
    if (answer.status >= 200 && answer.status < 300) return answer;
    throw frappeError(method, url, answer);
  }

  const dataOf = (a: HttpAnswer): unknown => (a.body as { data?: unknown } | null)?.data;

  return {
    url: o.url,
    async list(doctype, q) {
      const params = new URLSearchParams({
        fields: JSON.stringify(q.fields),
        filters: JSON.stringify(q.filters ?? []),
        limit_page_length: String(q.limit ?? 500),
      });
      if (q.orderBy) params.set('order_by', q.orderBy);
      const rows = dataOf(await send('GET', `${resource(doctype)}?${params.toString()}`));
      if (!Array.isArray(rows)) throw new ErpError(`ERPNext: listing ${doctype} answered no data list`, true);
      return rows as Array<Record<string, unknown>>;
    },
    async get(doctype, name) {
      try {
        return asDoc(dataOf(await send('GET', resource(doctype, name))), doctype);
      } catch (err) {
        if (err instanceof FrappeHttpError && err.status === 404) return null;
        throw err;
      }
    },
    async insert(doctype, doc) {
      return asDoc(dataOf(await send('POST', resource(doctype), doc)), doctype);
    },
    async update(doctype, name, patch) {
      return asDoc(dataOf(await send('PUT', resource(doctype, name), patch)), doctype);
    },
    async call(method, args) {
      const answer = await send('POST', `${o.url}/api/method/${method}`, args);
      return (answer.body as { message?: unknown } | null)?.message;
    },
    async whoAmI() {
      const answer = await send('GET', `${o.url}/api/method/frappe.auth.get_logged_user`);
      return text((answer.body as { message?: unknown } | null)?.message);
    },
  };
}

function asDoc(data: unknown, doctype: string): FrappeDoc {
  if (!data || typeof data !== 'object' || typeof (data as { name?: unknown }).name !== 'string')
    throw new ErpError(`ERPNext: ${doctype} answered without a document name`, true);
  return data as FrappeDoc;
}

/** An ERPNext refusal (non-retryable) or failure (retryable), with the status kept for callers. */
export class FrappeHttpError extends ErpError {
  constructor(
    message: string,
    retryable: boolean,
    readonly status: number,
    readonly excType: string | null,
  ) {
    super(message, retryable);
  }
}

function frappeError(method: string, url: string, answer: HttpAnswer): FrappeHttpError {
  const body = (answer.body ?? {}) as Record<string, unknown>;
  const excType = typeof body.exc_type === 'string' ? body.exc_type : null;
  const text =
    serverMessages(body._server_messages) ??
    (typeof body.exception === 'string' ? body.exception : null) ??
    (typeof body.message === 'string' ? body.message : null) ??
    shortText(answer.body);
  const retryable = isRetryableStatus(answer.status);
  const what = retryable ? 'failed' : 'refused';
  return new FrappeHttpError(
    `ERPNext ${what} ${method} ${decodeURIComponent(pathOf(url))} (HTTP ${answer.status}${excType ? ` ${excType}` : ''}): ${shortText(text)}`,
    retryable,
    answer.status,
    excType,
  );
}

/** `_server_messages` is a JSON list of JSON-encoded `{message}` objects. */
function serverMessages(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  try {
    const list = JSON.parse(raw) as unknown;
    if (!Array.isArray(list)) return null;
    const texts = list.map((entry) => {
      try {
        const m = JSON.parse(String(entry)) as { message?: unknown };
        return typeof m.message === 'string' ? m.message : String(entry);
      } catch {
        return String(entry);
      }
    });
    return texts.join('; ') || null;
  } catch {
    return null;
  }
}

/** `Stock Entry` → `stock-entry`: the route of a doctype in the desk UI (`/app/stock-entry/NAME`). */
export const desktopUrl = (base: string, doctype: string, name: string): string =>
  `${base}/app/${doctype.toLowerCase().replace(/ /g, '-')}/${encodeURIComponent(name)}`;
