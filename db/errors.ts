/**
 * PostgreSQL errors in words people can read. knex prefixes a failed query's message with the SQL
 * statement and its bound values, so that message must never reach a workflow, a timeline or a
 * page: these functions build their text from the SQLSTATE (node-postgres `err.code`) and the
 * schema names the server reports (column, constraint), never from the message.
 */

/** A write the database refused because of the data itself: retrying the same data cannot help. */
export interface DataRejection {
  /** SQLSTATE, e.g. 22021. */
  code: string;
  /** For people: what was wrong, without SQL or values. */
  message: string;
}

interface PgFields {
  code?: unknown;
  column?: unknown;
  constraint?: unknown;
  table?: unknown;
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

/** The SQLSTATE of a node-postgres error, or null for anything else (e.g. ECONNREFUSED). */
export function sqlState(err: unknown): string | null {
  const code = (err as PgFields | null)?.code;
  return typeof code === 'string' && SQLSTATE.test(code) && !code.startsWith('E') ? code : null;
}

/** Data exceptions (class 22) by SQLSTATE; the rest of the class reads "is not valid". */
const DATA_EXCEPTIONS: Record<string, string> = {
  '22001': 'a text is longer than the database allows',
  '22003': 'a number is out of range',
  '22007': 'a date or time is not valid',
  '22008': 'a date or time is out of range',
  '22021': 'a text contains a character that cannot be stored (a NUL, or invalid UTF-8)',
  '22P02':
    'a value is not in a form the database accepts (e.g. a fraction for a whole number, or a lone surrogate in JSON)',
  '22P05': 'structured data contains a character that cannot be stored (a NUL)',
};

const name = (v: unknown): string | null => (typeof v === 'string' && /^[a-z0-9_]+$/i.test(v) ? v : null);

/**
 * The rejection a database error stands for: class 22 (data exceptions) and class 23 (integrity
 * violations) except 23505, the unique violation callers handle themselves (idempotency, 409s).
 * Null for everything else — connection losses, deadlocks, timeouts — which may pass on a retry.
 */
export function dataRejection(err: unknown): DataRejection | null {
  const code = sqlState(err);
  if (!code) return null;
  const f = err as PgFields;
  let what: string;
  if (code.startsWith('22')) {
    what = DATA_EXCEPTIONS[code] ?? 'a value is not valid';
  } else if (code.startsWith('23') && code !== '23505') {
    const column = name(f.column);
    const constraint = name(f.constraint);
    if (code === '23502') what = `a required value${column ? ` (${column})` : ''} is missing`;
    else if (code === '23503') what = 'it refers to a record that does not exist';
    else if (code === '23514') what = `a value breaks the rule ${constraint ?? 'of the record'}`;
    else what = `it conflicts with a record already stored${constraint ? ` (${constraint})` : ''}`;
  } else {
    return null;
  }
  return { code, message: `The database refused the data: ${what}.` };
}

/**
 * A message for any database error that leaves out the SQL text: the rejection's words, or for
 * other server errors their SQLSTATE; null when the error did not come from PostgreSQL.
 */
export function safeDbMessage(err: unknown): string | null {
  const rejected = dataRejection(err);
  if (rejected) return rejected.message;
  const code = sqlState(err);
  return code ? `The database could not complete the operation (SQLSTATE ${code}).` : null;
}

/** SQLSTATEs and socket errors that mean "the database cannot be reached right now", not a bug. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01', // admin_shutdown: the server is stopping (or restarting)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up, or shutting down
  '08000',
  '08001',
  '08003',
  '08004',
  '08006', // connection exceptions
]);

/**
 * True when `err` (or an error it wraps) says the database is down or restarting: the API answers
 * 503 and the caller sends again, instead of a 500 for what is an outage (issue 16, fault suite).
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { code, name, message, errors, cause } = e as {
      code?: unknown;
      name?: unknown;
      message?: unknown;
      errors?: unknown;
      cause?: unknown;
    };
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    if (name === 'KnexTimeoutError') return true;
    if (
      typeof message === 'string' &&
      // knex puts the SQL before the driver's message: "select … - Connection terminated unexpectedly"
      /Connection terminated|connection error and is not queryable/.test(message)
    )
      return true;
    if (Array.isArray(errors) && errors.some(isDatabaseUnavailable)) return true;
    e = cause;
  }
  return false;
}
