/**
 * A first run anywhere: `npm start` that cannot start says so in one sentence (what is wrong, what
 * to do) as its last line, with no stack; as root, the embedded PostgreSQL runs even when its data
 * directory sits under a private (0700) folder the `postgres` user cannot pass through.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startEmbeddedPostgres } from '../lib/embedded-postgres.js';
import { explainStartupError, StartupError } from '../lib/startup-errors.js';
import { freePort } from '../lib/temporal-dev-server.js';
import { eventually } from './helpers/wait.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'andon-first-run-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs `npm start` (bin/start.ts) with `env` until it exits; its exit code and output. */
function start(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/start.ts'], {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: 'warn', ANDON_DATA_DIR: join(scratch, 'data'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const lastLine = (output: string): string => output.trim().split('\n').pop() ?? '';
const noStack = (output: string): void => assert.doesNotMatch(output, /\n\s+at .+:\d+:\d+/);

describe('a start-up failure', () => {
  it('names the unreachable PostgreSQL and what to do', async () => {
    const port = await freePort();
    const r = await start({ DATABASE_URL: `postgres://andon:secret@127.0.0.1:${port}/andon` });
    assert.equal(r.code, 1);
    assert.equal(
      lastLine(r.output),
      `Andon could not start: PostgreSQL at 127.0.0.1:${port} refused the connection: start it, or fix DATABASE_URL (unset it and npm start runs an embedded PostgreSQL).`,
    );
    noStack(r.output);
  });

  it('names a port that is taken', async () => {
    const blocker: Server = createServer();
    const port = await freePort();
    await new Promise<void>((ok) => blocker.listen(port, '127.0.0.1', ok));
    const admin = process.env.ANDON_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const name = `andon_first_run_${process.pid}`;
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(`create database ${name}`);
    const url = new URL(admin);
    url.pathname = `/${name}`;
    try {
      const r = await start({
        PORT: String(port),
        DATABASE_URL: url.toString(),
        TEMPORAL_ADDRESS: '127.0.0.1:1',
      });
      assert.equal(r.code, 1);
      assert.equal(
        lastLine(r.output),
        `Andon could not start: port ${port} is in use: stop what uses it, or choose another port (PORT for the API, ANDON_WORKER_PORT for a worker).`,
      );
      noStack(r.output);
    } finally {
      blocker.close();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    }
  });

  it('lists settings that are wrong', async () => {
    const r = await start({ PORT: 'eighty', ANDON_TIMEZONE: 'Mars/Olympus' });
    assert.equal(r.code, 2);
    assert.match(
      lastLine(r.output),
      /^Andon could not start: fix the configuration: PORT: .*ANDON_TIMEZONE: must be an IANA time zone/,
    );
    noStack(r.output);
  });

  it('on Ctrl-C while still starting, stops what it had started', async () => {
    const dataDir = join(scratch, 'interrupted');
    const pgPort = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/start.ts'], {
      cwd: root,
      env: {
        ...process.env,
        LOG_LEVEL: 'info',
        DATABASE_URL: '',
        TEMPORAL_ADDRESS: '',
        ANDON_DATA_DIR: dataDir,
        ANDON_EMBEDDED_PG_PORT: String(pgPort),
        ANDON_TEMPORAL_PORT: String(await freePort()),
        ANDON_TEMPORAL_UI_PORT: String(await freePort()),
        PORT: String(await freePort()),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The database is up and the Temporal dev server on its way: interrupt now.
    await new Promise<void>((resolve) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('starting a local Temporal dev server')) resolve();
      });
    });
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    child.kill('SIGINT');
    assert.equal(await exited, 0);
    await eventually(async () => {
      const c = new pg.Client({
        host: '127.0.0.1',
        port: pgPort,
        user: 'postgres',
        connectionTimeoutMillis: 500,
      });
      return c.connect().then(
        () => c.end().then(() => false),
        () => true,
      );
    }, 'the embedded PostgreSQL to stop');
    assert.equal(existsSync(join(dataDir, 'postgres', 'postmaster.pid')), false);
    const cluster = join(dataDir, 'postgres');
    if (lstatSync(cluster).isSymbolicLink()) rmSync(readlinkSync(cluster), { recursive: true, force: true });
  });

  it('explains database errors by their PostgreSQL code', () => {
    const url = 'postgres://andon:pw@db.plant:5433/andon';
    assert.match(
      explainStartupError(Object.assign(new Error('x'), { code: '28P01' }), { databaseUrl: url }),
      /refused user andon: fix the user and password in DATABASE_URL/,
    );
    assert.match(
      explainStartupError(Object.assign(new Error('x'), { code: '3D000' }), { databaseUrl: url }),
      /database andon does not exist on db\.plant:5433: create it/,
    );
    assert.equal(
      explainStartupError(new Error('outer', { cause: new StartupError('say this.') })),
      'say this.',
    );
    assert.match(
      explainStartupError(new Error('something odd\n    at x.js:1:1')),
      /^something odd\. Run again with LOG_LEVEL=debug/,
    );
  });
});

describe(
  'the embedded PostgreSQL as root under a private folder',
  { skip: process.getuid?.() !== 0 && 'needs root' },
  () => {
    it('keeps its cluster where the postgres user reaches it, linked from the data directory', async () => {
      const privateDir = mkdtempSync(join(scratch, 'private-')); // mkdtemp makes it 0700
      assert.equal(lstatSync(privateDir).mode & 0o777, 0o700);
      const dataDir = join(privateDir, 'andon', '.data');
      mkdirSync(dataDir, { recursive: true });
      const db = await startEmbeddedPostgres({
        dataDir,
        port: await freePort(),
        database: 'andon_first_run',
      });
      try {
        const link = join(dataDir, 'postgres');
        assert.ok(lstatSync(link).isSymbolicLink());
        assert.match(readlinkSync(link), /^\/var\/lib\/andon\/postgres-[0-9a-f]{12}$/);
        const c = new pg.Client({ connectionString: db.url });
        await c.connect();
        const { rows } = await c.query<{ db: string; enc: string }>(
          'select current_database() as db, pg_encoding_to_char(encoding) as enc from pg_database where datname = current_database()',
        );
        await c.end();
        assert.deepEqual(rows[0], { db: 'andon_first_run', enc: 'UTF8' });
      } finally {
        await db.stop();
        rmSync(readlinkSync(join(dataDir, 'postgres')), { recursive: true, force: true });
      }
    });
  },
);
