/**
 * Start-up failures as one sentence that says what is wrong and what to do — never a stack. Parts
 * that know the remedy throw a StartupError; the rest (PostgreSQL, sockets, files) is recognised
 * here by its error code.
 */

/** A start-up failure whose message is already the sentence to show. */
export class StartupError extends Error {
  override name = 'StartupError';
}

interface CodedError {
  code?: string;
  errno?: number;
  syscall?: string;
  path?: string;
  address?: string;
  port?: number;
  hostname?: string;
  message?: string;
  cause?: unknown;
  errors?: unknown[];
}

function chain(err: unknown): CodedError[] {
  const seen: CodedError[] = [];
  const visit = (e: unknown): void => {
    if (!e || typeof e !== 'object' || seen.includes(e) || seen.length > 10) return;
    seen.push(e);
    visit((e as CodedError).cause);
    for (const inner of (e as CodedError).errors ?? []) visit(inner);
  };
  visit(err);
  return seen;
}

function describeDb(url: string | undefined): { where: string; user: string; database: string } {
  try {
    const u = new URL(url ?? '');
    return {
      where: `${u.hostname}:${u.port || 5432}`,
      user: decodeURIComponent(u.username) || 'postgres',
      database: decodeURIComponent(u.pathname.slice(1)) || 'postgres',
    };
  } catch {
    return { where: 'the server in DATABASE_URL', user: 'the user', database: 'the database' };
  }
}

/** A PostgreSQL connection failure as the sentence for it, or null when it is something else. */
export function databaseProblem(err: unknown, databaseUrl: string | undefined): string | null {
  const db = describeDb(databaseUrl);
  for (const e of chain(err)) {
    switch (e.code) {
      case 'ECONNREFUSED':
        return `PostgreSQL at ${db.where} refused the connection: start it, or fix DATABASE_URL (unset it and npm start runs an embedded PostgreSQL).`;
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return `the PostgreSQL host in DATABASE_URL (${db.where}) is not known here: fix DATABASE_URL.`;
      case 'ETIMEDOUT':
        return `PostgreSQL at ${db.where} did not answer: check the network and DATABASE_URL.`;
      case '28P01':
      case '28000':
        return `PostgreSQL at ${db.where} refused user ${db.user}: fix the user and password in DATABASE_URL.`;
      case '3D000':
        return `database ${db.database} does not exist on ${db.where}: create it (createdb ${db.database}) or fix DATABASE_URL.`;
      case '42501':
        return `user ${db.user} may not change the schema of ${db.database}: grant it (or connect as the database's owner) in DATABASE_URL.`;
      default:
    }
  }
  return null;
}

/** Any start-up failure as one sentence. */
export function explainStartupError(err: unknown, o: { databaseUrl?: string } = {}): string {
  const all = chain(err);
  const own = all.find((e) => e instanceof StartupError);
  if (own?.message) return own.message;
  const db = databaseProblem(err, o.databaseUrl);
  if (db) return db;
  for (const e of all) {
    if (e.code === 'EADDRINUSE')
      return `port ${e.port ?? ''} is in use: stop what uses it, or choose another port (PORT for the API, ANDON_WORKER_PORT for a worker).`;
    if ((e.code === 'EACCES' || e.code === 'EPERM') && e.path)
      return `Andon may not use ${e.path}: make it writable by this user, or set ANDON_DATA_DIR to a folder that is.`;
    if (e.code === 'ENOSPC')
      return `the disk is full${e.path ? ` at ${e.path}` : ''}: free some space and start again.`;
  }
  const first = (all[0]?.message ?? String(err)).split('\n')[0]!.trim();
  if (first.startsWith('invalid configuration'))
    return `fix the configuration: ${(all[0]?.message ?? '')
      .split('\n')
      .slice(1)
      .map((l) => l.trim())
      .join('; ')}.`;
  return `${first.replace(/\.$/, '')}. Run again with LOG_LEVEL=debug to see the details.`;
}
