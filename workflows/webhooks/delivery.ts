/**
 * webhookDeliveryWorkflow — one per endpoint and case (id `webhook-<endpointId>-case-<caseId>`):
 * sends that case's events to that endpoint one at a time, oldest first, so a receiver gets them in
 * order; each POST is an activity retried with backoff until it is answered 2xx or the retry window
 * ends (then it is given up and the next goes). Started, or woken by the `pending` signal, by the
 * relay (api/webhook-relay.ts) whenever the outbox has something new for the pair. Separate from
 * the case workflow, which it never touches.
 */
import {
  condition,
  continueAsNew,
  defineSignal,
  isCancellation,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { WebhookActivities } from '../../activities/webhooks/types.js';

export interface WebhookRetry {
  /** First wait after a failed attempt; doubles each time up to `maximumIntervalMs`. */
  initialIntervalMs: number;
  maximumIntervalMs: number;
  /** How long a delivery is retried before it is given up. */
  giveUpAfterMs: number;
  /** How long one POST may take. */
  attemptTimeoutMs: number;
}

export interface WebhookDeliveryInput {
  endpointId: number;
  caseId: number;
  retry: WebhookRetry;
  /** How long the workflow waits for more before it ends. */
  idleMs?: number;
}

export const webhookPendingSignal = defineSignal('pending');

export const webhookWorkflowId = (endpointId: number, caseId: number): string =>
  `webhook-${endpointId}-case-${caseId}`;

/** Deliveries per run before it continues as new (keeps the history short). */
const PER_RUN = 100;

export async function webhookDeliveryWorkflow(input: WebhookDeliveryInput): Promise<void> {
  const { endpointId, caseId, retry } = input;
  let kicked = false;
  setHandler(webhookPendingSignal, () => {
    kicked = true;
  });
  const outbox = proxyActivities<Pick<WebhookActivities, 'nextWebhookDelivery' | 'giveUpWebhookDelivery'>>({
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
  });
  const http = proxyActivities<Pick<WebhookActivities, 'deliverWebhook'>>({
    startToCloseTimeout: retry.attemptTimeoutMs + 10_000,
    scheduleToCloseTimeout: retry.giveUpAfterMs,
    retry: {
      initialInterval: retry.initialIntervalMs,
      backoffCoefficient: 2,
      maximumInterval: retry.maximumIntervalMs,
    },
  });

  for (let sent = 0; sent < PER_RUN;) {
    kicked = false;
    const next = await outbox.nextWebhookDelivery({ endpointId, caseId });
    if (next === null) {
      // A kick that came after the look-up is for a delivery committed after it: look again.
      if (await condition(() => kicked, input.idleMs ?? 60_000)) continue;
      return;
    }
    try {
      await http.deliverWebhook({ deliveryId: next });
    } catch (err) {
      if (isCancellation(err)) throw err;
      const reason =
        err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
      await outbox.giveUpWebhookDelivery({ deliveryId: next, reason: `retries ran out: ${reason}` });
    }
    sent++;
  }
  await continueAsNew<typeof webhookDeliveryWorkflow>(input);
}
