/** Creates the Temporal worker that runs case workflows and their activities. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type ActivityInterceptorsFactory, type NativeConnection } from '@temporalio/worker';
import type { AndonActivities } from '../activities/index.js';
import type { WorkerTuning } from './worker-tuning.js';

/** The workflow sources: `.ts` when run from source (tsx), `.js` from a build. */
export function workflowsPath(): string {
  const ts = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
  return existsSync(ts) ? ts : fileURLToPath(new URL('../workflows/index.js', import.meta.url));
}

export async function createWorker(opts: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: AndonActivities;
  /** A pre-built workflow bundle (code); without it the worker bundles the sources itself. */
  workflowBundleCode?: string;
  identity?: string;
  /** Activity interceptors (metrics and the log context, lib/worker-metrics.ts). */
  activityInterceptors?: ActivityInterceptorsFactory[];
  /** How long activities under way may finish when the worker stops (default 0: cancelled at once). */
  shutdownGraceMs?: number;
  /** Slots, pollers and cache (ANDON_WORKER_*); without it the SDK's defaults. */
  tuning?: WorkerTuning;
}): Promise<Worker> {
  const t = opts.tuning;
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: opts.activities,
    ...(opts.workflowBundleCode
      ? { workflowBundle: { code: opts.workflowBundleCode } }
      : { workflowsPath: workflowsPath() }),
    ...(opts.identity ? { identity: opts.identity } : {}),
    ...(opts.activityInterceptors ? { interceptors: { activity: opts.activityInterceptors } } : {}),
    ...(opts.shutdownGraceMs ? { shutdownGraceTime: opts.shutdownGraceMs } : {}),
    ...(t
      ? {
          maxConcurrentActivityTaskExecutions: t.maxActivities,
          maxConcurrentWorkflowTaskExecutions: t.maxWorkflowTasks,
          maxConcurrentLocalActivityExecutions: t.maxLocalActivities,
          // Pollers never more than the slots they fill (the SDK refuses that).
          maxConcurrentWorkflowTaskPolls: Math.min(t.pollers, t.maxWorkflowTasks),
          maxConcurrentActivityTaskPolls: Math.min(t.pollers, t.maxActivities),
          ...(t.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: t.maxCachedWorkflows } : {}),
          ...(t.workflowThreads !== undefined ? { workflowThreadPoolSize: t.workflowThreads } : {}),
        }
      : {}),
  });
}
