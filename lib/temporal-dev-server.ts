/** Starts and stops a local Temporal dev server (the CLI's `server start-dev`). */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Connection } from '@temporalio/client';
import { stopLeftover, stopWithParent, writePidFile } from './pid-file.js';

export interface DevServer {
  address: string;
  uiUrl: string | null;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function startDevServer(opts: {
  cli: string;
  port: number;
  /** Web UI port; null runs headless. */
  uiPort: number | null;
  /** SQLite file for persistence; null keeps everything in memory. */
  dbFile: string | null;
  namespaces?: string[];
  searchAttributes?: string[];
  readyTimeoutMs?: number;
  onOutput?: (line: string) => void;
  /** Kept while it runs, so a later start stops one a killed run left behind. */
  pidFile?: string;
}): Promise<DevServer> {
  if (opts.pidFile) await stopLeftover(opts.pidFile, 'temporal');
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--log-level',
    'warn',
  ];
  if (opts.uiPort === null) args.push('--headless');
  else args.push('--ui-port', String(opts.uiPort));
  if (opts.dbFile) args.push('--db-filename', opts.dbFile);
  for (const ns of opts.namespaces ?? []) args.push('--namespace', ns);
  for (const sa of opts.searchAttributes ?? []) args.push('--search-attribute', sa);

  const child: ChildProcess = spawn(opts.cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  if (opts.pidFile) writePidFile(opts.pidFile, child.pid);
  stopWithParent(child);
  // Set by the exit handler. A property, not a `let`: TypeScript would narrow a `let` to its initial
  // null in the loop below, not seeing the handler's assignment.
  const state: { exited: string | null } = { exited: null };
  const output: string[] = [];
  const collect = (chunk: Buffer): void => {
    const text = chunk.toString();
    output.push(text);
    if (output.length > 50) output.shift();
    opts.onOutput?.(text);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exitPromise = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      state.exited = `exited with ${code ?? signal}`;
      resolve();
    }),
  );

  const address = `127.0.0.1:${opts.port}`;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (state.exited) throw new Error(`Temporal dev server ${state.exited}:\n${output.join('')}`);
    try {
      const conn = await Connection.connect({ address, connectTimeout: 1000 });
      await conn.workflowService.getSystemInfo({});
      await conn.close();
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`Temporal dev server not ready at ${address}: ${(err as Error).message}`, {
          cause: err,
        });
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  return {
    address,
    uiUrl: opts.uiPort === null ? null : `http://127.0.0.1:${opts.uiPort}`,
    async stop() {
      if (state.exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exitPromise;
      clearTimeout(timer);
    },
  };
}
