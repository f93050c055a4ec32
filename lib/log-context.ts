/**
 * What every log line written while handling one case carries: its case id (and the activity or
 * workflow at work). Activities run inside it (lib/worker-metrics.ts's interceptor), API requests
 * on a case too (api/app.ts); the logger (lib/logger.ts) adds it to each line.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface LogContext {
  caseId?: number;
  workflowId?: string;
  activity?: string;
}

export const logContext = new AsyncLocalStorage<LogContext>();

/** `case-42` (and the ids of linked or retried runs, `case-42-…`) → 42. */
export function caseIdOfWorkflow(workflowId: string | undefined): number | undefined {
  const m = /^case-(\d+)(?:$|\D)/.exec(workflowId ?? '');
  return m ? Number(m[1]) : undefined;
}
