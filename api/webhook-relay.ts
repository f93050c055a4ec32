/**
 * The relay of the webhook outbox: whenever deliveries are queued (the trigger's `andon_webhooks`
 * notification, and a sweep for anything a notification missed), it starts — or wakes, by signal —
 * the delivery workflow of each endpoint and case (workflows/webhooks/delivery.ts). Idempotent: a
 * running workflow just looks for more; several API processes may relay at once.
 */
import type { Client } from '@temporalio/client';
import type { Db } from '../db/index.js';
import { listen, type Listener } from '../db/listen.js';
import { pairsToKick } from '../db/webhook-deliveries.js';
import type { Logger } from '../lib/logger.js';
import {
  webhookDeliveryWorkflow,
  webhookPendingSignal,
  webhookWorkflowId,
  type WebhookRetry,
} from '../workflows/webhooks/delivery.js';

export interface WebhookRelayDeps {
  db: Db;
  databaseUrl: string;
  temporal: Client;
  taskQueue: string;
  logger: Logger;
  retry: WebhookRetry;
  /** How often to sweep for deliveries nobody kicked (default 10 s). */
  sweepMs?: number;
  /** A pair kicked this long ago and still waiting is kicked again (default 60 s). */
  staleSeconds?: number;
}

export interface WebhookRelay {
  runOnce(caseId?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startWebhookRelay(deps: WebhookRelayDeps): Promise<WebhookRelay> {
  const { db, logger } = deps;
  let chain: Promise<void> = Promise.resolve();
  let stopped = false;

  async function kick(caseId?: number): Promise<void> {
    const pairs = await pairsToKick(db, {
      staleSeconds: deps.staleSeconds ?? 60,
      ...(caseId !== undefined ? { caseId } : {}),
    });
    for (const { endpointId, caseId: forCase } of pairs) {
      await deps.temporal.workflow.signalWithStart(webhookDeliveryWorkflow, {
        workflowId: webhookWorkflowId(endpointId, forCase),
        taskQueue: deps.taskQueue,
        args: [{ endpointId, caseId: forCase, retry: deps.retry }],
        signal: webhookPendingSignal,
        signalArgs: [],
      });
    }
  }

  /** One round at a time; a failed round is logged and the sweep tries again. */
  const runOnce = (caseId?: number): Promise<void> => {
    chain = chain.then(() =>
      stopped
        ? undefined
        : kick(caseId).catch((err: unknown) =>
            logger.warn(
              { err: err instanceof Error ? err.message : String(err) },
              'webhook relay round failed',
            ),
          ),
    );
    return chain;
  };

  const listener: Listener = await listen(
    deps.databaseUrl,
    'andon_webhooks',
    (payload) => {
      let caseId: unknown;
      try {
        caseId = (JSON.parse(payload) as { caseId?: unknown }).caseId;
      } catch {
        // not ours: the sweep covers it
      }
      void runOnce(typeof caseId === 'number' ? caseId : undefined);
    },
    logger,
  );
  const timer = setInterval(() => void runOnce(), deps.sweepMs ?? 10_000);
  timer.unref();
  void runOnce();

  return {
    runOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await listener.close();
      await chain;
    },
  };
}
