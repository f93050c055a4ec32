/**
 * One bench's whole system on real parts, started the way `npm start` runs Andon:
 *   - its own PostgreSQL database on the server of ANDON_BENCH_PG_ADMIN_URL (else ANDON_TEST_PG_ADMIN_URL,
 *     else 127.0.0.1:5432), dropped at the end;
 *   - Temporal: the CLI's dev server on a SQLite file (what `npm start` runs), or with `--server cluster`
 *     the real Temporal server v1.29.1 on the same PostgreSQL (scripts/temporal-server.ts, as
 *     `npm run start:cluster` does), its two databases dropped at the end;
 *   - the bench's SMTP server (bench/lib/pages.ts) as SMTP_URL;
 *   - Andon itself as `npm start` runs it: bin/start.ts in a child process (API and worker in one
 *     process, demo plant seeded), so its CPU and memory are its own and not the load generator's.
 * Settings Andon reads from the environment (worker tuning, pools, …) pass through to the child.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import pg from 'pg';
import { createApiKey } from '../../db/api-keys.js';
import { getExceptionType, saveExceptionType } from '../../db/catalog.js';
import { createDb, type Db } from '../../db/index.js';
import { upsertPolicy } from '../../db/policies.js';
import { EXCEPTION_TYPES, DEFAULT_RESPONSIBLE_ROLE } from '../../domain/model.js';
import { startDevServer, freePort } from '../../lib/temporal-dev-server.js';
import { freeTemporalPort, startTemporalServer } from '../../lib/temporal-server.js';
import { ensureTemporalCli, TEMPORAL_CLI_VERSION } from '../../scripts/temporal-cli.js';
import { ensureTemporalServer, TEMPORAL_SERVER_VERSION } from '../../scripts/temporal-server.js';
import { startBaseline, type Baseline } from './baseline.js';
import { PageRecorder } from './pages.js';
import { log } from './stats.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ADMIN_URL =
  process.env.ANDON_BENCH_PG_ADMIN_URL ??
  process.env.ANDON_TEST_PG_ADMIN_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';
const NAMESPACE = 'andon-bench';

export type ServerKind = 'dev' | 'cluster';

export interface Stack {
  /** Andon's API base URL. */
  url: string;
  /** The Andon process (API and worker together, as `npm start`). */
  pid: number;
  db: Db;
  keys: { mes: string; staff: string };
  pages: PageRecorder;
  baseline: Baseline;
  /** What runs, for the report's header. */
  description: string;
  /** The Andon process's resident memory, in bytes (Linux /proc). */
  rss(): number;
  /** Every type's ladder by email: level 0 waits `ackSeconds`, the levels above a day; SLA a week. */
  setPolicies(ackSeconds: number): Promise<void>;
  api<T>(method: string, path: string, key: string, body?: unknown): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

const urlOf = (name: string): string => {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
};

/** bin/start.ts as a child; resolves once it prints that Andon is running. */
function spawnAndon(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/start.ts'], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer): void => {
      out = (out + d.toString()).slice(-20_000);
      if (out.includes('Andon is running.')) resolve(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    // After start-up its warnings still show (an error under load is part of the figures).
    child.stderr.on('data', (d: Buffer) => {
      if (out.includes('Andon is running.')) process.stderr.write(`[andon] ${d.toString()}`);
    });
    child.once('exit', (code, signal) => reject(new Error(`Andon exited with ${code ?? signal}:\n${out}`)));
  });
}

export async function startStack(o: { server: ServerKind }): Promise<Stack> {
  Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] });
  const cleanups: Array<() => Promise<void> | void> = [];
  const stop = async (): Promise<void> => {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch (err) {
        console.error(`bench cleanup: ${(err as Error).message}`);
      }
    }
  };
  try {
    const tag = `bench_${randomBytes(4).toString('hex')}`;
    const work = mkdtempSync(join(tmpdir(), 'andon-bench-'));
    cleanups.push(() => rmSync(work, { recursive: true, force: true }));
    const andonDb = `andon_${tag}`;
    await admin(`create database ${andonDb}`);
    cleanups.push(() => admin(`drop database if exists ${andonDb} with (force)`));

    let address: string;
    let description: string;
    if (o.server === 'cluster') {
      const tools = await ensureTemporalServer((m) => log(`  ${m}`));
      const databases = { main: `temporal_${tag}`, visibility: `temporal_${tag}_vis` };
      cleanups.push(async () => {
        for (const d of Object.values(databases)) await admin(`drop database if exists ${d} with (force)`);
      });
      const server = await startTemporalServer({
        tools,
        postgresUrl: ADMIN_URL,
        databases,
        dir: join(work, 'temporal'),
        port: await freeTemporalPort(),
        namespaces: [NAMESPACE],
      });
      cleanups.push(() => server.stop());
      address = server.address;
      description = `Temporal server v${TEMPORAL_SERVER_VERSION} on PostgreSQL`;
    } else {
      const dev = await startDevServer({
        cli: await ensureTemporalCli((m) => log(`  ${m}`)),
        port: await freePort(),
        uiPort: null,
        dbFile: join(work, 'temporal.db'),
        namespaces: [NAMESPACE],
      });
      cleanups.push(() => dev.stop());
      address = dev.address;
      description = `Temporal CLI v${TEMPORAL_CLI_VERSION} dev server (SQLite file)`;
    }

    const pages = new PageRecorder();
    await pages.listen();
    cleanups.push(() => pages.close());
    const baseline = await startBaseline(address, NAMESPACE);
    cleanups.push(() => baseline.stop());

    const port = await freePort();
    const child = await spawnAndon({
      DATABASE_URL: urlOf(andonDb),
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: NAMESPACE,
      ANDON_TASK_QUEUE: `andon-${tag}`,
      SMTP_URL: pages.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      ANDON_DATA_DIR: join(work, 'data'),
      ANDON_LINK_SECRET: `bench-link-secret-${randomBytes(16).toString('hex')}`,
      ANDON_SESSION_SECRET: `bench-session-secret-${randomBytes(16).toString('hex')}`,
    });
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    cleanups.push(async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    });
    const url = `http://127.0.0.1:${port}`;
    const db = createDb(urlOf(andonDb), { applicationName: 'andon-bench' });
    cleanups.push(() => db.destroy());
    const keys = {
      mes: (await createApiKey(db, { name: 'bench mes', role: 'mes' })).key,
      staff: (await createApiKey(db, { name: 'bench staff', role: 'staff' })).key,
    };
    const pid = child.pid!;
    return {
      url,
      pid,
      db,
      keys,
      pages,
      baseline,
      description,
      rss() {
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        return Number(m?.[1] ?? NaN) * 1024;
      },
      async setPolicies(ackSeconds) {
        const day = 24 * 3600;
        for (const type of EXCEPTION_TYPES)
          await upsertPolicy(db, {
            type,
            severity: null,
            line: null,
            ladder: [
              {
                targetRole: DEFAULT_RESPONSIBLE_ROLE[type],
                channels: ['email'],
                ackTimeoutSeconds: ackSeconds,
              },
              { targetRole: 'supervisor', channels: ['email'], ackTimeoutSeconds: day },
              { targetRole: 'plant_manager', channels: ['email'], ackTimeoutSeconds: day },
            ],
            resolveSlaSeconds: 7 * day,
          });
        // No downtime reschedule (and planner page) half an hour into a long run.
        const fault = (await getExceptionType(db, 'equipment_fault'))!;
        await saveExceptionType(db, fault.code, {
          nameEn: fault.nameEn,
          nameZh: fault.nameZh,
          sopParams: { ...fault.sopParams, downtimeThresholdSeconds: 7 * day },
        });
      },
      async api<T>(method: string, path: string, key: string, body?: unknown) {
        const res = await fetch(`${url}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${key}`,
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(120_000),
        });
        const text = await res.text();
        return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
