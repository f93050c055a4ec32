/**
 * Starts the workflows of cases accepted while Temporal was unreachable (status `pending_start`),
 * so the MES never loses a report. Runs in every API process; starting is idempotent.
 */
import { casesPendingStart, markStarted } from '../db/cases.js';
import type { Db } from '../db/index.js';
import type { Logger } from '../lib/logger.js';
import { TemporalUnavailable, type CaseClient } from './case-client.js';

export function startReconciler(deps: {
  db: Db;
  cases: CaseClient;
  logger: Logger;
  intervalMs?: number;
  graceSeconds?: number;
}): {
  runOnce(): Promise<number>;
  /** Stops the timer and waits for a round under way to finish. */
  stop(): Promise<void>;
} {
  const interval = deps.intervalMs ?? 5_000;
  let running = false;
  let current: Promise<number> = Promise.resolve(0);

  function runOnce(): Promise<number> {
    if (running) return Promise.resolve(0);
    running = true;
    current = round();
    return current;
  }

  async function round(): Promise<number> {
    let started = 0;
    try {
      for (const record of await casesPendingStart(deps.db, deps.graceSeconds ?? 2)) {
        try {
          await deps.cases.start(record);
          await markStarted(deps.db, record.id);
          started++;
          deps.logger.info({ caseId: record.id }, 'reconciler started a pending case');
        } catch (err) {
          if (err instanceof TemporalUnavailable) break; // still down: try again next round
          throw err;
        }
      }
    } catch (err) {
      deps.logger.error({ err }, 'reconciler round failed');
    } finally {
      running = false;
    }
    return started;
  }

  const timer = setInterval(() => void runOnce(), interval);
  timer.unref();
  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await current;
    },
  };
}
