/**
 * Odoo's external JSON-2 API (Odoo 19+): `POST /json/2/<model>/<method>` with
 * `Authorization: bearer <API key>`, `X-Odoo-Database`, and a JSON object of `ids`, `context` and
 * the method's named parameters; 200 with the return value, or 4xx/5xx with
 * `{name, message, arguments, context, debug}`.
 * https://www.odoo.com/documentation/19.0/developer/reference/external_api.html
 */
import { isRetryableStatus, sendHttp, shortText } from '../http.js';
import { odooError, type OdooTransport } from './transport.js';

export function createJson2Transport(o: {
  url: string;
  db: string;
  apiKey: string;
  timeoutMs: number;
}): OdooTransport {
  return {
    protocol: 'json2',
    async call(model, method, c = {}) {
      const answer = await sendHttp('Odoo', {
        method: 'POST',
        url: `${o.url}/json/2/${model}/${method}`,
        headers: {
          authorization: `bearer ${o.apiKey}`,
          'x-odoo-database': o.db,
          'user-agent': 'Andon (exception management)',
        },
        body: {
          ...(c.ids ? { ids: c.ids } : {}),
          ...(c.context ? { context: c.context } : {}),
          ...(c.params ?? {}),
        },
        timeoutMs: o.timeoutMs,
      });
      if (answer.status >= 200 && answer.status < 300) return answer.body;
      const err = (answer.body ?? {}) as { name?: unknown; message?: unknown };
      return Promise.reject(
        odooError(
          `${model}.${method} (HTTP ${answer.status})`,
          typeof err.name === 'string' ? err.name : null,
          shortText(typeof err.message === 'string' ? err.message : answer.body),
          isRetryableStatus(answer.status),
        ),
      );
    },
  };
}
