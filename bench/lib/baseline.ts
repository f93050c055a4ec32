/**
 * The limit the benches compare Andon with: bare workflows started with the Temporal client on the
 * same server, run by a worker of the bench's own (its own task queue and a one-workflow bundle).
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { pool, type PoolResult } from './stats.js';

export interface Baseline {
  client: Client;
  /** Starts `count` no-op workflows, `concurrency` at a time (latency = the start call's answer). */
  starts(count: number, concurrency: number): Promise<PoolResult<string>>;
  /** One no-op workflow started and waited for to its end, `count` times one after the other. */
  roundTrips(count: number, concurrency?: number): Promise<PoolResult<void>>;
  /** Resolves when every workflow started so far has completed. */
  drained(ids: readonly string[]): Promise<number>;
  stop(): Promise<void>;
}

export async function startBaseline(address: string, namespace: string): Promise<Baseline> {
  const taskQueue = `bench-noop-${randomBytes(3).toString('hex')}`;
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace,
    taskQueue,
    workflowsPath: fileURLToPath(new URL('./noop-workflow.ts', import.meta.url)),
  });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace });
  let n = 0;
  const start = (): Promise<string> => {
    const workflowId = `bench-noop-${taskQueue}-${n++}`;
    return client.workflow
      .start('benchNoopWorkflow', { taskQueue, workflowId, args: [] })
      .then(() => workflowId);
  };
  return {
    client,
    starts: (count, concurrency) => pool(count, concurrency, start),
    roundTrips: (count, concurrency = 1) =>
      pool(count, concurrency, async () => {
        const id = await start();
        await client.workflow.getHandle(id).result();
      }),
    async drained(ids) {
      const t = Date.now();
      for (const id of ids) await client.workflow.getHandle(id).result();
      return Date.now() - t;
    },
    async stop() {
      worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
    },
  };
}
