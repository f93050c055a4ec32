/**
 * The worker's Prometheus metrics (served at /metrics of its ops port, lib/ops-server.ts):
 *   andon_activity_duration_seconds{activity,outcome}   every activity execution, by type
 *   andon_escalations_total{reason}                     pages to a higher level (ack timeout, SLA, …)
 *   andon_sla_breaches_total                            SLA breaches recorded on a timeline
 *   andon_notifications_total{channel,outcome}          messages handed to (or refused by) a transport
 * and, from the Temporal SDK's own runtime telemetry (scraped from its local Prometheus endpoint
 * and served alongside), temporal_workflow_task_execution_latency and the SDK's other metrics.
 *
 * An activity interceptor times each execution and runs it inside the log context of its case, so
 * every log line an activity writes carries the case id.
 */
import { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { Mailer } from '../activities/notify/mailer.js';
import type { SmsSender } from '../activities/notify/sms.js';
import type { PageLevelInput } from '../activities/types.js';
import { caseIdOfWorkflow, logContext } from './log-context.js';

export interface WorkerMetrics {
  registry: Registry;
  interceptor: ActivityInterceptorsFactory;
  /** Counts what a transport sends and what it refuses, under `channel`. */
  countMail(mailer: Mailer): Mailer;
  countSms(sms: SmsSender): SmsSender;
  /** The exposition text: this registry, then the SDK runtime's (when `runtimeMetricsUrl` is set). */
  text(): Promise<string>;
}

/** Pages that go up the ladder (the first page of a level, `opened`, is not an escalation). */
const ESCALATING = new Set(['ack_timeout', 'nobody_reachable', 'sla_breached', 'eta_missed']);

interface EventsInput {
  events?: Array<{ type?: string }>;
  event?: { type?: string };
  type?: string;
}

export function createWorkerMetrics(o: {
  /** Also collect the process's default metrics (a worker alone in its process). */
  processMetrics: boolean;
  /** The SDK runtime's Prometheus endpoint (Runtime telemetryOptions.metrics.prometheus). */
  runtimeMetricsUrl?: string;
}): WorkerMetrics {
  const registry = new Registry();
  if (o.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'andon_' });
  const activityDuration = new Histogram({
    name: 'andon_activity_duration_seconds',
    help: 'Activity execution time by activity type and outcome',
    labelNames: ['activity', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const escalations = new Counter({
    name: 'andon_escalations_total',
    help: 'Pages to a higher level of a ladder, by why',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const slaBreaches = new Counter({
    name: 'andon_sla_breaches_total',
    help: 'Resolution SLA breaches recorded',
    registers: [registry],
  });
  const notifications = new Counter({
    name: 'andon_notifications_total',
    help: 'Messages handed to a transport (sent) or refused by it (failed), by channel',
    labelNames: ['channel', 'outcome'] as const,
    registers: [registry],
  });

  /** What an activity is about to do that a plant watches, read from its input. */
  const note = (activity: string, input: unknown): void => {
    if (activity === 'pageLevel') {
      const page = input as PageLevelInput;
      if (page.recordEscalation || ESCALATING.has(page.reason)) escalations.inc({ reason: page.reason });
      return;
    }
    const i = input as EventsInput;
    const types = [
      ...(i.events ?? []).map((e) => e.type),
      i.event?.type,
      activity === 'recordEvent' ? i.type : undefined,
    ];
    for (const t of types) if (t === 'sla_breached') slaBreaches.inc();
  };

  const interceptor: ActivityInterceptorsFactory = () => ({
    inbound: {
      async execute(input, next) {
        const info = Context.current().info;
        const activity = info.activityType;
        const first = input.args[0] as { caseId?: unknown } | undefined;
        const caseId =
          typeof first?.caseId === 'number'
            ? first.caseId
            : caseIdOfWorkflow(info.workflowExecution?.workflowId);
        const end = activityDuration.startTimer({ activity });
        // Counted when first tried: an escalation page whose sends are still being retried has happened.
        if (info.attempt === 1) note(activity, first);
        return logContext.run({ ...(caseId !== undefined ? { caseId } : {}), activity }, async () => {
          try {
            const result = await next(input);
            end({ outcome: 'completed' });
            return result;
          } catch (err) {
            end({ outcome: 'failed' });
            throw err;
          }
        });
      },
    },
  });

  const counted = async <T>(channel: string, send: () => Promise<T>): Promise<T> => {
    try {
      const r = await send();
      notifications.inc({ channel, outcome: 'sent' });
      return r;
    } catch (err) {
      notifications.inc({ channel, outcome: 'failed' });
      throw err;
    }
  };

  return {
    registry,
    interceptor,
    countMail: (mailer) => ({
      send: (m) => counted('email', () => mailer.send(m)),
      close: () => mailer.close(),
    }),
    countSms: (sms) => ({ send: (m) => counted('sms', () => sms.send(m)) }),
    async text() {
      const own = await registry.metrics();
      if (!o.runtimeMetricsUrl) return own;
      try {
        const res = await fetch(o.runtimeMetricsUrl, { signal: AbortSignal.timeout(2000) });
        return `${own}\n${await res.text()}`;
      } catch {
        return own;
      }
    },
  };
}
