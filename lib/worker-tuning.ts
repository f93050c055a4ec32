/**
 * How much a worker takes on at once, and how big its database pool is (issue 16: alarm storms),
 * part of lib/config.ts's schema. The defaults are sized for the 2-core machine the storm figures
 * were measured on (bench/RESULTS.md); the README's Operations section says when to change them.
 */
import { z } from 'zod';

const emptyToUndefined = (v: unknown): unknown => (v === '' ? undefined : v);
const whole = (min: number, max: number, fallback: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(max).default(fallback));
const optionalWhole = (min: number, max: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(max).optional());

export const WORKER_TUNING_ENV = {
  /** Activities (pages, ERP calls, webhook deliveries, records) one worker runs at once. */
  ANDON_WORKER_MAX_ACTIVITIES: whole(1, 10_000, 100),
  /** Workflow tasks one worker runs at once (at least 2: one is kept for sticky work). */
  ANDON_WORKER_MAX_WORKFLOW_TASKS: whole(2, 10_000, 40),
  /** Local activities (the case's short database writes) one worker runs at once. */
  ANDON_WORKER_MAX_LOCAL_ACTIVITIES: whole(1, 10_000, 100),
  /** Long polls for workflow tasks and for activity tasks, each (2 … max workflow tasks). */
  ANDON_WORKER_POLLERS: whole(2, 1000, 10),
  /** Workflows kept in memory between their tasks (0: none); unset: sized to the heap by the SDK. */
  ANDON_WORKER_MAX_CACHED_WORKFLOWS: optionalWhole(0, 1_000_000),
  /** Threads running workflow code (the busy part of a storm: bench/RESULTS.md); unset: the SDK's 1. */
  ANDON_WORKER_WORKFLOW_THREADS: optionalWhole(1, 16),
  /** `npm start` (API and worker in one process): start case workflows eagerly on the worker. */
  ANDON_EAGER_START: z.preprocess(
    emptyToUndefined,
    z
      .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
      .default('true')
      .transform((v) => v === 'true' || v === '1'),
  ),
  /** Connections one process keeps to PostgreSQL at most (API and worker share them under `npm start`). */
  ANDON_DB_POOL_MAX: whole(2, 1000, 20),
};

type TuningEnv = z.infer<z.ZodObject<typeof WORKER_TUNING_ENV>>;

/** What lib/worker.ts hands the Temporal worker. */
export interface WorkerTuning {
  maxActivities: number;
  maxWorkflowTasks: number;
  maxLocalActivities: number;
  pollers: number;
  /** Undefined: the SDK's default (sized to the heap). */
  maxCachedWorkflows?: number;
  /** Undefined: the SDK's default (1 thread with reused V8 contexts). */
  workflowThreads?: number;
}

/** Checks the settings against each other: the problems, one sentence each (empty: fine). */
export function workerTuningProblems(env: TuningEnv): string[] {
  const problems: string[] = [];
  if (env.ANDON_WORKER_POLLERS > env.ANDON_WORKER_MAX_WORKFLOW_TASKS)
    problems.push(
      `ANDON_WORKER_POLLERS: ${env.ANDON_WORKER_POLLERS} pollers need at least as many workflow task slots (ANDON_WORKER_MAX_WORKFLOW_TASKS is ${env.ANDON_WORKER_MAX_WORKFLOW_TASKS})`,
    );
  if (env.ANDON_WORKER_MAX_CACHED_WORKFLOWS === 1)
    problems.push('ANDON_WORKER_MAX_CACHED_WORKFLOWS: must be 0 (no cache) or at least 2');
  return problems;
}

export function workerTuningOf(env: TuningEnv): WorkerTuning {
  return {
    maxActivities: env.ANDON_WORKER_MAX_ACTIVITIES,
    maxWorkflowTasks: env.ANDON_WORKER_MAX_WORKFLOW_TASKS,
    maxLocalActivities: env.ANDON_WORKER_MAX_LOCAL_ACTIVITIES,
    pollers: env.ANDON_WORKER_POLLERS,
    ...(env.ANDON_WORKER_MAX_CACHED_WORKFLOWS !== undefined
      ? { maxCachedWorkflows: env.ANDON_WORKER_MAX_CACHED_WORKFLOWS }
      : {}),
    ...(env.ANDON_WORKER_WORKFLOW_THREADS !== undefined
      ? { workflowThreads: env.ANDON_WORKER_WORKFLOW_THREADS }
      : {}),
  };
}
