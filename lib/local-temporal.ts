/**
 * The Temporal `npm start` runs when TEMPORAL_ADDRESS is not set: the CLI's dev server (SQLite in
 * the data directory, with its web UI), or with `--cluster` (`npm run start:cluster`) a real
 * Temporal server on the same PostgreSQL as Andon (lib/temporal-server.ts).
 */
import { join } from 'node:path';
import { ensureTemporalCli, TEMPORAL_CLI_VERSION } from '../scripts/temporal-cli.js';
import { ensureTemporalServer, TEMPORAL_SERVER_VERSION } from '../scripts/temporal-server.js';
import { StartupError } from './startup-errors.js';
import { startDevServer } from './temporal-dev-server.js';
import { startTemporalServer } from './temporal-server.js';

export interface LocalTemporal {
  address: string;
  /** What runs, for the banner. */
  description: string;
  stop(): Promise<void>;
}

export async function startLocalTemporal(o: {
  mode: 'dev' | 'cluster';
  dataDir: string;
  port: number;
  uiPort: number;
  namespace: string;
  /** Andon's database: the cluster keeps its own two databases on the same server. */
  databaseUrl: string;
  log: (m: string) => void;
}): Promise<LocalTemporal> {
  if (o.mode === 'cluster') {
    const tools = await ensureTemporalServer(o.log).catch((err: unknown) => {
      throw new StartupError(
        `the Temporal server could not be built (${(err as Error).message.split('\n')[0]}): install Go 1.23+ and run again, or set TEMPORAL_ADDRESS to a Temporal server you run yourself.`,
        { cause: err },
      );
    });
    const server = await startTemporalServer({
      tools,
      postgresUrl: o.databaseUrl,
      dir: join(o.dataDir, 'temporal-server'),
      port: o.port,
      namespaces: [...new Set(['default', o.namespace])],
      log: o.log,
    }).catch((err: unknown) => {
      if (err instanceof StartupError) throw err;
      throw new StartupError(
        `the Temporal server did not start (${(err as Error).message.split('\n')[0]}): see ${join(o.dataDir, 'temporal-server', 'server.log')}, or set TEMPORAL_ADDRESS to a running Temporal server.`,
        { cause: err },
      );
    });
    return {
      address: server.address,
      description: `Temporal server v${TEMPORAL_SERVER_VERSION} on PostgreSQL (log: ${server.logFile}, metrics: ${server.metricsUrl})`,
      stop: () => server.stop(),
    };
  }

  const cli = await ensureTemporalCli(o.log).catch((err: unknown) => {
    throw new StartupError((err as Error).message.replace(/\n\s*/g, ' '), { cause: err });
  });
  const dev = await startDevServer({
    cli,
    port: o.port,
    uiPort: o.uiPort,
    dbFile: join(o.dataDir, 'temporal.db'),
    pidFile: join(o.dataDir, 'temporal.pid'),
    namespaces: o.namespace === 'default' ? [] : [o.namespace],
  }).catch((err: unknown) => {
    const text = (err as Error).message;
    if (/address already in use|bind/i.test(text))
      throw new StartupError(
        `port ${o.port} or ${o.uiPort} of the Temporal dev server is in use: stop what uses it, or set ANDON_TEMPORAL_PORT and ANDON_TEMPORAL_UI_PORT to free ports.`,
        { cause: err },
      );
    throw new StartupError(
      `the Temporal dev server did not start (${text.split('\n')[0]}): set TEMPORAL_ADDRESS to a running Temporal server instead.`,
      { cause: err },
    );
  });
  return {
    address: dev.address,
    description: `Temporal CLI v${TEMPORAL_CLI_VERSION} dev server${dev.uiUrl ? ` (web UI: ${dev.uiUrl})` : ''}`,
    stop: () => dev.stop(),
  };
}
