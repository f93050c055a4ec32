/**
 * For-your-information messages to the people paged for a task: when a person acknowledges a task
 * or resolves the case, everyone else who was paged for it (the earlier levels of the ladder and
 * colleagues on the same level) learns that someone has it, so they stop looking. One message per
 * person, on the channel they were paged on (email first), once: each has an idempotency key derived
 * from the timeline event. Best effort: a failure is recorded in the outbox (and fails over once),
 * never retried forever. Stakeholders who subscribed hear of events through ./subscribers.ts.
 */
import { getCase } from '../../db/cases.js';
import { pagedPeople, type PagedPerson } from '../../db/outbox.js';
import { textFor } from '../../domain/messages.js';
import type { TimelineEventInput } from '../types.js';
import { deliverWithFailover, type DeliverDeps } from './deliver.js';
import { asLocale, caseUrlOf, fyiView, loadTemplates, renderMail, renderSms } from './render.js';

/** Sends the FYI messages an `acked` or `resolved` event by a person calls for. */
export async function sendFyi(
  deps: DeliverDeps,
  event: Omit<TimelineEventInput, 'caseId'>,
  caseId: number,
): Promise<void> {
  if (event.type !== 'acked' && event.type !== 'resolved') return;
  const m = /^person:(\d+)$/.exec(event.actor);
  if (!m) return; // only when a person we paged (or know) acts: "X has it"
  const actorId = Number(m[1]);
  try {
    await send(deps, event, caseId, actorId);
  } catch (err) {
    deps.logger.warn(
      { caseId, err: err instanceof Error ? err.message : String(err) },
      'FYI messages failed',
    );
  }
}

async function send(
  deps: DeliverDeps,
  event: Omit<TimelineEventInput, 'caseId'>,
  caseId: number,
  actorId: number,
): Promise<void> {
  const caseRow = await getCase(deps.db, caseId);
  if (!caseRow) return;
  const what = event.type === 'acked' ? 'acknowledged' : 'resolved';
  const taskKeys =
    event.type === 'acked' && Array.isArray(event.data.tasks) ? (event.data.tasks as string[]) : null;

  const byPerson = new Map<number, PagedPerson>();
  for (const r of await pagedPeople(deps.db, caseId, actorId, taskKeys)) {
    const seen = byPerson.get(r.person_id);
    if (!seen || (seen.channel !== 'email' && r.channel === 'email')) byPerson.set(r.person_id, r);
  }
  if (byPerson.size === 0) return;

  const templates = await loadTemplates(deps.db);
  const by = typeof event.data.by === 'string' ? event.data.by : null;
  const resolution = typeof event.data.resolution === 'string' ? event.data.resolution : null;
  for (const r of byPerson.values()) {
    const locale = asLocale(r.locale);
    const view = fyiView(locale, {
      ...caseRow,
      caseId,
      caseUrl: caseUrlOf(deps.publicUrl, caseId),
      event: what,
      by,
      text: resolution === null ? null : textFor(event.data.resolutionRef, resolution, locale),
      recipientName: r.name,
    });
    await deliverWithFailover(
      deps,
      {
        caseId,
        taskId: null,
        template: `fyi_${event.type}`,
        person: { id: r.person_id, name: r.name, email: r.email, phone: r.phone },
        channel: r.channel,
        to: r.recipient,
        key: `fyi:${event.idempotencyKey}:${r.person_id}:${r.channel}`,
        render: (channel) =>
          channel === 'email'
            ? renderMail(templates['fyi.mail'][locale], view, locale)
            : renderSms(templates['fyi.sms'][locale], view),
        failover: true,
      },
      true,
    );
  }
}
