/**
 * Odoo's JSON-RPC endpoint (Odoo ≤ 18, deprecated from 19): `POST /jsonrpc` with a JSON-RPC 2.0
 * `call` of service `common` method `authenticate` (db, login, password or API key, {}) for the
 * user id, then service `object` method `execute_kw` (db, uid, password, model, method, args,
 * kwargs). Errors come back as HTTP 200 with `error.data.name` naming the Python exception.
 * https://www.odoo.com/documentation/18.0/developer/reference/external_api.html
 */
import { isRetryableStatus, sendHttp, shortText } from '../http.js';
import { ErpError } from '../types.js';
import { odooError, type OdooTransport } from './transport.js';

export function createJsonRpcTransport(o: {
  url: string;
  db: string;
  user: string;
  password: string;
  timeoutMs: number;
}): OdooTransport {
  let uid: number | null = null;
  let nextId = 1;

  async function rpc(service: string, method: string, args: unknown[], what: string): Promise<unknown> {
    const answer = await sendHttp('Odoo', {
      method: 'POST',
      url: `${o.url}/jsonrpc`,
      headers: { 'user-agent': 'Andon (exception management)' },
      body: { jsonrpc: '2.0', method: 'call', params: { service, method, args }, id: nextId++ },
      timeoutMs: o.timeoutMs,
    });
    if (answer.status < 200 || answer.status >= 300)
      throw odooError(
        `${what} (HTTP ${answer.status})`,
        null,
        shortText(answer.body),
        isRetryableStatus(answer.status),
      );
    const body = (answer.body ?? {}) as {
      result?: unknown;
      error?: { message?: unknown; data?: { name?: unknown; message?: unknown } };
    };
    if (body.error) {
      const data = body.error.data ?? {};
      throw odooError(
        what,
        typeof data.name === 'string' ? data.name : null,
        shortText(typeof data.message === 'string' ? data.message : body.error.message),
        true,
      );
    }
    return body.result;
  }

  async function login(): Promise<number> {
    if (uid !== null) return uid;
    const result = await rpc('common', 'authenticate', [o.db, o.user, o.password, {}], 'common.authenticate');
    if (typeof result !== 'number' || result <= 0)
      throw new ErpError(
        `Odoo refused the login of ${o.user} on database ${o.db} (common.authenticate)`,
        false,
      );
    uid = result;
    return uid;
  }

  return {
    protocol: 'jsonrpc',
    async call(model, method, c = {}) {
      const user = await login();
      const kwargs = { ...(c.params ?? {}), ...(c.context ? { context: c.context } : {}) };
      return rpc(
        'object',
        'execute_kw',
        [o.db, user, o.password, model, method, c.ids ? [c.ids] : [], kwargs],
        `${model}.${method}`,
      );
    },
  };
}
