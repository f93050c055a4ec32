/**
 * How the Odoo adapter calls a model method, whichever protocol carries it: JSON-2 (Odoo 19+,
 * json2.ts) or JSON-RPC `execute_kw` (Odoo ≤ 18, jsonrpc.ts). A call names the records (`ids`),
 * the method's named parameters and a context, as JSON-2 does; JSON-RPC sends the ids as the one
 * positional argument and the rest as keyword arguments, which Odoo binds by the same names.
 */
import { ErpError } from '../types.js';

export interface OdooCall {
  ids?: number[];
  params?: Record<string, unknown>;
  context?: Record<string, unknown>;
}

export interface OdooTransport {
  readonly protocol: 'json2' | 'jsonrpc';
  call(model: string, method: string, call?: OdooCall): Promise<unknown>;
}

/**
 * Exceptions that mean Odoo refused the request itself (validation, access, a missing record, a
 * wrong field or argument): no retry can help. Anything else (a serialization conflict, a
 * crashed worker) may pass on a retry.
 */
const REFUSALS = [
  'odoo.exceptions.UserError',
  'odoo.exceptions.ValidationError',
  'odoo.exceptions.AccessError',
  'odoo.exceptions.AccessDenied',
  'odoo.exceptions.MissingError',
  'odoo.exceptions.RedirectWarning',
  'werkzeug.exceptions.Unauthorized',
  'werkzeug.exceptions.NotFound',
  'werkzeug.exceptions.BadRequest',
  'werkzeug.exceptions.Forbidden',
  'builtins.ValueError',
  'builtins.TypeError',
  'builtins.KeyError',
];

export function odooError(
  what: string,
  name: string | null,
  message: string,
  retryableByStatus: boolean,
): ErpError {
  const refused = name !== null && REFUSALS.includes(name);
  const retryable = refused ? false : retryableByStatus;
  return new ErpError(
    `Odoo ${retryable ? 'failed' : 'refused'} ${what}${name ? ` (${name})` : ''}: ${message}`,
    retryable,
  );
}

/** An id from `create` (a list of ids for `vals_list`, or one id). */
export function createdId(result: unknown, model: string): number {
  const id = Array.isArray(result) ? (result[0] as unknown) : result;
  if (typeof id !== 'number') throw new ErpError(`Odoo: ${model}.create answered no id`, true);
  return id;
}
