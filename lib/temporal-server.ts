/**
 * A real Temporal server on PostgreSQL, on this machine (`npm run start:cluster`, the scale-out test):
 *   1. its two databases on the given PostgreSQL server, made and brought to the module's schema by
 *      Temporal's own schema tool (create-database, setup-schema -v 0.0, update-schema -d …/versioned);
 *   2. a config written from the module's `development-postgres12.yaml` (our address, credentials,
 *      ports; the module's dynamic config beside it);
 *   3. the server started, waited for until its frontend answers, and the namespaces registered.
 * Every step is idempotent: a restart reuses the databases, the ports and the namespaces.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import pg from 'pg';
import { parse, parseDocument } from 'yaml';
import { stopLeftover, stopWithParent, writePidFile } from './pid-file.js';
import type { TemporalServerTools } from '../scripts/temporal-server.js';

export interface TemporalServerOptions {
  tools: TemporalServerTools;
  /** A PostgreSQL URL whose server (host, port, user, password) keeps Temporal's databases. */
  postgresUrl: string;
  /** Temporal's two databases (default `temporal` and `temporal_visibility`). */
  databases?: { main: string; visibility: string };
  /** Where the config and the server's log go. */
  dir: string;
  /** The frontend's gRPC port (what TEMPORAL_ADDRESS points at). */
  port: number;
  namespaces: string[];
  /** The server's own log level (default warn). */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  readyTimeoutMs?: number;
  log?: (m: string) => void;
}

export interface TemporalServer {
  address: string;
  /** The server's Prometheus metrics. */
  metricsUrl: string;
  logFile: string;
  stop(): Promise<void>;
}

/** How long closed cases' histories stay in Temporal (the case's record stays in Andon's database). */
const RETENTION = '30 days';

/** grpc.health.v1 HealthCheckResponse.ServingStatus.SERVING */
const SERVING = 1;

interface Ports {
  frontendHttp: number;
  history: number;
  matching: number;
  worker: number;
  membership: [number, number, number, number];
  metrics: number;
}

function pgTarget(url: string): { host: string; port: number; user: string; password: string } {
  const u = new URL(url);
  return {
    host: u.hostname || '127.0.0.1',
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username || 'postgres'),
    password: decodeURIComponent(u.password),
  };
}

function runTool(tool: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((ok, fail) => {
    const child = spawn(tool, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', fail);
    child.on('exit', (code) =>
      code === 0
        ? ok()
        : fail(new Error(`temporal-sql-tool ${args.join(' ')} exited with ${code}:\n${out.slice(-2000)}`)),
    );
  });
}

/** Makes Temporal's databases (when missing) and brings them to the schema of this server version. */
export async function provisionTemporalSchemas(o: {
  tools: TemporalServerTools;
  postgresUrl: string;
  databases: { main: string; visibility: string };
}): Promise<void> {
  const t = pgTarget(o.postgresUrl);
  const client = new pg.Client({ connectionString: o.postgresUrl });
  await client.connect();
  let existing: Set<string>;
  try {
    const r = await client.query<{ datname: string }>('select datname from pg_database');
    existing = new Set(r.rows.map((x) => x.datname));
  } finally {
    await client.end();
  }
  // The password goes through the environment, not the command line (`ps` shows arguments).
  const env = { ...process.env, SQL_PASSWORD: t.password };
  const common = ['--ep', t.host, '-p', String(t.port), '-u', t.user, '--plugin', 'postgres12'];
  const schemaRoot = join(o.tools.moduleDir, 'schema', 'postgresql', 'v12');
  for (const [db, schema] of [
    [o.databases.main, 'temporal'],
    [o.databases.visibility, 'visibility'],
  ] as const) {
    if (!existing.has(db)) await runTool(o.tools.sqlTool, [...common, '--db', db, 'create-database'], env);
    await runTool(o.tools.sqlTool, [...common, '--db', db, 'setup-schema', '-v', '0.0'], env);
    await runTool(
      o.tools.sqlTool,
      [...common, '--db', db, 'update-schema', '-d', join(schemaRoot, schema, 'versioned')],
      env,
    );
  }
}

/**
 * The server's other ports, at the module's own offsets from the frontend's (7233 gives the module's
 * 7234, 7235, 7239, 7243, 6933-6939 and 8000). Temporal keeps them as smallint: all below 32768.
 */
export function temporalPorts(frontend: number): Ports {
  return {
    frontendHttp: frontend + 10,
    history: frontend + 1,
    matching: frontend + 2,
    worker: frontend + 6,
    membership: [frontend - 300, frontend - 299, frontend - 298, frontend - 294],
    metrics: frontend + 767,
  };
}

const portFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });

/** A frontend port (10000-29999) whose derived ports are free too: for tests and benchmarks. */
export async function freeTemporalPort(): Promise<number> {
  for (;;) {
    const p = 10_000 + Math.floor(Math.random() * 20_000);
    const t = temporalPorts(p);
    const all = [p, t.frontendHttp, t.history, t.matching, t.worker, t.metrics, ...t.membership];
    if ((await Promise.all(all.map(portFree))).every(Boolean)) return p;
  }
}

async function checkPorts(frontend: number): Promise<Ports> {
  const ports = temporalPorts(frontend);
  const all = [
    frontend,
    ports.frontendHttp,
    ports.history,
    ports.matching,
    ports.worker,
    ...ports.membership,
    ports.metrics,
  ];
  if (frontend < 400 || Math.max(...all) > 32767)
    throw new Error(
      `ANDON_TEMPORAL_PORT=${frontend} does not leave room for the server's other ports (${frontend - 300} to ${frontend + 767}, all below 32768): choose a port between 400 and 32000.`,
    );
  for (const port of all)
    if (!(await portFree(port)))
      throw new Error(
        `port ${port}, which the Temporal server on ${frontend} needs, is in use: stop what uses it or set ANDON_TEMPORAL_PORT to another port.`,
      );
  return ports;
}

/** Writes <dir>/config/andon.yaml from the module's development-postgres12.yaml. */
export async function writeTemporalConfig(o: TemporalServerOptions): Promise<Ports> {
  const configDir = join(o.dir, 'config');
  mkdirSync(configDir, { recursive: true });
  const ports = await checkPorts(o.port);
  const moduleConfig = join(o.tools.moduleDir, 'config');
  const doc = parseDocument(readFileSync(join(moduleConfig, 'development-postgres12.yaml'), 'utf8'));
  const t = pgTarget(o.postgresUrl);
  const dbs = o.databases ?? { main: 'temporal', visibility: 'temporal_visibility' };
  const attributes = Object.fromEntries(new URL(o.postgresUrl).searchParams);
  for (const [store, db] of [
    ['postgres-default', dbs.main],
    ['postgres-visibility', dbs.visibility],
  ] as const) {
    const sql = ['persistence', 'datastores', store, 'sql'];
    doc.setIn([...sql, 'databaseName'], db);
    doc.setIn([...sql, 'connectAddr'], `${t.host}:${t.port}`);
    doc.setIn([...sql, 'user'], t.user);
    doc.setIn([...sql, 'password'], t.password);
    if (Object.keys(attributes).length > 0) doc.setIn([...sql, 'connectAttributes'], attributes);
  }
  doc.setIn(['log', 'level'], o.logLevel ?? 'warn');
  doc.setIn(['global', 'pprof', 'port'], 0);
  doc.setIn(['global', 'metrics', 'prometheus', 'listenAddress'], `127.0.0.1:${ports.metrics}`);
  const services = {
    frontend: o.port,
    history: ports.history,
    matching: ports.matching,
    worker: ports.worker,
  };
  Object.entries(services).forEach(([name, grpc], i) => {
    doc.setIn(['services', name, 'rpc', 'grpcPort'], grpc);
    doc.setIn(['services', name, 'rpc', 'membershipPort'], ports.membership[i]);
  });
  doc.setIn(['services', 'frontend', 'rpc', 'httpPort'], ports.frontendHttp);
  doc.setIn(['clusterMetadata', 'clusterInformation', 'active', 'rpcAddress'], `127.0.0.1:${o.port}`);
  doc.setIn(['dynamicConfigClient', 'filepath'], join(configDir, 'dynamicconfig.yaml'));
  writeFileSync(join(configDir, 'andon.yaml'), doc.toString(), { mode: 0o600 });

  // The module's dynamic config, pointed at this server's HTTP port.
  const dynamic = readFileSync(join(moduleConfig, 'dynamicconfig', 'development-sql.yaml'), 'utf8');
  parse(dynamic); // fails here, not in the server, if the module's file is not YAML
  writeFileSync(
    join(configDir, 'dynamicconfig.yaml'),
    dynamic.replaceAll('localhost:7243', `127.0.0.1:${ports.frontendHttp}`),
  );
  return ports;
}

/** Registers each namespace unless it exists, then waits until the frontend serves it. */
async function ensureNamespaces(address: string, namespaces: string[], deadline: number): Promise<void> {
  const conn = await Connection.connect({ address });
  try {
    for (const namespace of namespaces) {
      try {
        await conn.workflowService.registerNamespace({
          namespace,
          workflowExecutionRetentionPeriod: msToTs(RETENTION),
        });
      } catch (err) {
        if ((err as { code?: number }).code !== 6) throw err; // 6: ALREADY_EXISTS
      }
      // A new namespace reaches the frontend's cache a few seconds later.
      for (;;) {
        try {
          await conn.workflowService.listWorkflowExecutions({ namespace, pageSize: 1 });
          break;
        } catch (err) {
          if (Date.now() > deadline) throw err;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    }
  } finally {
    await conn.close();
  }
}

export async function startTemporalServer(o: TemporalServerOptions): Promise<TemporalServer> {
  const log = o.log ?? (() => {});
  const databases = o.databases ?? { main: 'temporal', visibility: 'temporal_visibility' };
  mkdirSync(o.dir, { recursive: true });
  const pidFile = join(o.dir, 'server.pid');
  await stopLeftover(pidFile, 'temporal-server');
  log(`Temporal server: preparing databases ${databases.main} and ${databases.visibility}`);
  await provisionTemporalSchemas({ tools: o.tools, postgresUrl: o.postgresUrl, databases });
  const ports = await writeTemporalConfig({ ...o, databases });

  const logFile = join(o.dir, 'server.log');
  const logStream = createWriteStream(logFile, { flags: 'a' });
  const child: ChildProcess = spawn(
    o.tools.server,
    ['--root', o.dir, '--config', 'config', '--env', 'andon', '--allow-no-auth', 'start'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  writePidFile(pidFile, child.pid);
  stopWithParent(child);
  const tail: string[] = [];
  const collect = (d: Buffer): void => {
    logStream.write(d);
    tail.push(d.toString());
    if (tail.length > 40) tail.shift();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const state: { exited: string | null } = { exited: null };
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      state.exited = `exited with ${code ?? signal}`;
      logStream.end();
      resolve();
    }),
  );
  const stop = async (): Promise<void> => {
    if (state.exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };

  const address = `127.0.0.1:${o.port}`;
  const deadline = Date.now() + (o.readyTimeoutMs ?? 120_000);
  try {
    for (;;) {
      if (state.exited) throw new Error(`the Temporal server ${state.exited}:\n${tail.join('')}`);
      try {
        const conn = await Connection.connect({ address, connectTimeout: 1000 });
        try {
          const health = await conn.healthService.check({
            service: 'temporal.api.workflowservice.v1.WorkflowService',
          });
          if (Number(health.status) === SERVING) break;
        } finally {
          await conn.close();
        }
      } catch (err) {
        if (Date.now() > deadline)
          throw new Error(`the Temporal server did not answer at ${address}: ${(err as Error).message}`, {
            cause: err,
          });
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    await ensureNamespaces(address, o.namespaces, deadline);
  } catch (err) {
    await stop();
    throw err;
  }
  log(`Temporal server ready at ${address} (log: ${logFile})`);
  return { address, metricsUrl: `http://127.0.0.1:${ports.metrics}/metrics`, logFile, stop };
}
