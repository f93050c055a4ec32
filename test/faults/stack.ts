/**
 * An Andon the fault suite can break (issue 16, item 3): the API (bin/api.ts) and workers
 * (bin/worker.ts) as separate processes, a Temporal dev server of its own (persisted to a file, so
 * it can be stopped and started again on the same port), and — when asked — a PostgreSQL of its own
 * (lib/embedded-postgres.ts, restartable on the same port and data directory); else a database of
 * its own on the run's PostgreSQL. Mail goes to an in-process SMTP server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { seedErpSimulator } from '../../activities/erp/demo-data.js';
import { createApiKey } from '../../db/api-keys.js';
import { createDb, migrate, type Db } from '../../db/index.js';
import { upsertPolicy } from '../../db/policies.js';
import type { ApiRole } from '../../domain/model.js';
import { startEmbeddedPostgres, type EmbeddedDb } from '../../lib/embedded-postgres.js';
import { MailCatcher } from '../../lib/mail-catcher.js';
import { freePort, startDevServer, type DevServer } from '../../lib/temporal-dev-server.js';
import { ensureTemporalCli } from '../../scripts/temporal-cli.js';
import type { Posted } from '../helpers/tally.js';
import { eventually } from '../helpers/wait.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const NAMESPACE = 'andon-faults';
const LINK_SECRET = 'faults-link-secret-0123456789abcdef';
export const say = (m: string): void => console.log(`  [faults] ${m}`);

export interface Proc {
  child: ChildProcess;
  /** The API's base URL, or the worker's Temporal identity. */
  name: string;
  /** The worker's operations port (/readyz says whether it reaches the database). */
  ops?: string;
  exited: Promise<void>;
}

export interface Stack {
  db: Db;
  mail: MailCatcher;
  keys: Record<ApiRole, string>;
  api: Proc;
  startWorker(env?: Record<string, string>): Promise<Proc>;
  /** SIGKILL, and wait for the process to be gone. */
  kill(p: Proc): Promise<void>;
  /** POSTs a report to the API process; an answer that never comes counts as status 0. */
  post(body: Record<string, unknown>, timeoutMs?: number): Promise<Posted>;
  stopTemporal(): Promise<void>;
  startTemporal(): Promise<void>;
  /** Only with `ownPostgres`. */
  stopPostgres(): Promise<void>;
  startPostgres(): Promise<void>;
  stop(): Promise<void>;
}

export async function startStack(o: { ownPostgres?: boolean } = {}): Promise<Stack> {
  const cleanups: Array<() => unknown> = [];
  const children = new Set<ChildProcess>();
  const work = mkdtempSync(join(tmpdir(), 'andon-faults-'));
  // The embedded PostgreSQL runs as the postgres user (when we are root): it must reach its folder.
  chmodSync(work, 0o755);
  cleanups.push(() => rmSync(work, { recursive: true, force: true }));
  const stop = async (): Promise<void> => {
    for (const c of children) c.kill('SIGKILL');
    for (const c of cleanups.reverse())
      await Promise.resolve(c()).catch((e: unknown) => say(`cleanup: ${String(e)}`));
  };

  try {
    const cli = await ensureTemporalCli();
    const temporalPort = await freePort();
    const startTemporal = (): Promise<DevServer> =>
      startDevServer({
        cli,
        port: temporalPort,
        uiPort: null,
        dbFile: join(work, 'temporal.db'),
        namespaces: [NAMESPACE],
      });
    let temporal: DevServer | null = await startTemporal();
    cleanups.push(() => temporal?.stop());

    let databaseUrl: string;
    let postgres: EmbeddedDb | null = null;
    const pgPort = await freePort();
    const startPg = async (): Promise<EmbeddedDb> =>
      startEmbeddedPostgres({ dataDir: join(work, 'pg'), port: pgPort, database: 'andon' });
    if (o.ownPostgres) {
      postgres = await startPg();
      cleanups.push(() => postgres?.stop());
      databaseUrl = postgres.url;
    } else {
      const adminUrl = process.env.ANDON_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
      const name = `andon_faults_${randomBytes(4).toString('hex')}`;
      const admin = async (sql: string): Promise<void> => {
        const c = new pg.Client({ connectionString: adminUrl });
        await c.connect();
        await c.query(sql).finally(() => c.end());
      };
      await admin(`create database ${name}`);
      cleanups.push(() => admin(`drop database if exists ${name} with (force)`));
      const u = new URL(adminUrl);
      u.pathname = `/${name}`;
      databaseUrl = u.toString();
    }

    const db = createDb(databaseUrl);
    cleanups.push(() => db.destroy());
    await migrate(db);
    await seedErpSimulator(db);
    const keys = {} as Record<ApiRole, string>;
    for (const role of ['mes', 'staff', 'supervisor', 'admin'] as const)
      keys[role] = (await createApiKey(db, { name: `faults ${role}`, role })).key;
    // One technician pages every equipment fault by mail; the downtime threshold never fires.
    await db('people').insert({ name: 'Faults Tech', email: 'tech@faults.test', locale: 'en' });
    const tech = await db('people').where({ email: 'tech@faults.test' }).first<{ id: number }>('id');
    await db('person_roles').insert({ person_id: tech.id, role: 'maintenance', line: null });
    await upsertPolicy(db, {
      type: 'equipment_fault',
      severity: null,
      line: null,
      ladder: [{ targetRole: 'maintenance', channels: ['email'], ackTimeoutSeconds: 3600 }],
      resolveSlaSeconds: 86_400,
      repeatCount: 0,
    });
    await db('exception_types')
      .where({ code: 'equipment_fault' })
      .update({ sop_params: JSON.stringify({ downtimeThresholdSeconds: 86_400 }) });

    const mail = new MailCatcher();
    await mail.listen();
    cleanups.push(() => mail.close());

    const apiPort = await freePort();
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const spawnAndon = (
      script: 'api' | 'worker',
      env: Record<string, string>,
      ready: RegExp,
    ): Promise<Proc> => {
      const child = spawn(process.execPath, ['--import', 'tsx', `bin/${script}.ts`], {
        cwd: root,
        env: {
          ...process.env,
          DATABASE_URL: databaseUrl,
          TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
          TEMPORAL_NAMESPACE: NAMESPACE,
          ANDON_TASK_QUEUE: 'andon-faults',
          ANDON_LINK_SECRET: LINK_SECRET,
          ANDON_SESSION_SECRET: 'faults-session-secret-0123456789abcdef',
          SMTP_URL: mail.url,
          ANDON_PUBLIC_URL: apiUrl,
          ANDON_WORKER_PORT: '0',
          LOG_LEVEL: 'info',
          ...(process.env.ANDON_TEST_WORKFLOW_BUNDLE
            ? { ANDON_WORKFLOW_BUNDLE: process.env.ANDON_TEST_WORKFLOW_BUNDLE }
            : {}),
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.add(child);
      const exited = new Promise<void>((r) =>
        child.once('exit', () => {
          children.delete(child);
          r();
        }),
      );
      let out = '';
      return new Promise((resolve, reject) => {
        const onData = (d: Buffer): void => {
          // A 500 is a finding: its log line is what to read about it.
          for (const line of d.toString().split('\n'))
            if (line.includes('"msg":"unhandled error"')) say(`${script}: ${line.slice(0, 2000)}`);
          out = (out + d.toString()).slice(-20_000);
          const m = ready.exec(out);
          if (m) resolve({ child, name: m[1] ?? apiUrl, ...(m[2] ? { ops: m[2] } : {}), exited });
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        void exited.then(() => reject(new Error(`${script} exited before it was ready:\n${out}`)));
      });
    };

    const api = await spawnAndon('api', { PORT: String(apiPort) }, /Andon API listening/);
    return {
      db,
      mail,
      keys,
      api,
      startWorker: (env = {}) =>
        spawnAndon('worker', env, /"identity":"([^"]+)","ops":"([^"]+)"[^\n]*"msg":"Andon worker running"/),
      async kill(p) {
        p.child.kill('SIGKILL');
        await p.exited;
      },
      async post(body, timeoutMs = 30_000) {
        const externalId = String(body.externalId);
        try {
          const res = await fetch(`${apiUrl}/api/v1/cases`, {
            method: 'POST',
            headers: { authorization: `Bearer ${keys.mes}`, 'content-type': 'application/json' },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(timeoutMs),
          });
          const type = res.headers.get('content-type') ?? '';
          const json = (await res.json().catch(() => ({}))) as { id?: number };
          if (res.status >= 500 && !type.startsWith('application/problem+json'))
            say(`a ${res.status} that is not problem+json: ${type}`);
          return { externalId, status: res.status, ...(typeof json.id === 'number' ? { id: json.id } : {}) };
        } catch {
          return { externalId, status: 0 };
        }
      },
      async stopTemporal() {
        await temporal?.stop();
        temporal = null;
      },
      async startTemporal() {
        temporal = await startTemporal();
      },
      async stopPostgres() {
        await postgres?.stop();
        postgres = null;
      },
      async startPostgres() {
        postgres = await startPg();
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** An equipment fault of its own (own machine: not a repeat of another case's problem). */
export function faultBody(source: string, n: number): Record<string, unknown> {
  return {
    source,
    externalId: `${source}-${n}`,
    type: 'equipment_fault',
    severity: 'high',
    line: 'L1',
    station: 'ST-10',
    equipment: { equipmentId: `${source}-PRESS-${n}`, faultCode: 'E42' },
  };
}

/** Resolves once `n` cases from `source` have had their first page sent (polling the outbox). */
export async function waitForPages(db: Db, source: string, n: number, timeoutMs = 480_000): Promise<void> {
  await eventually(
    async () => {
      const rows = await db('notifications')
        .join('cases', 'cases.id', 'notifications.case_id')
        .where({ 'cases.source': source, 'notifications.status': 'sent' })
        .countDistinct<Array<{ n: string }>>({ n: 'notifications.case_id' })
        .catch(() => [{ n: '0' }]); // the database may be restarting
      return Number(rows[0]?.n) >= n;
    },
    `${n} cases from ${source} paged`,
    timeoutMs,
    250,
  );
}
