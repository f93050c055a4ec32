/**
 * Stakeholder subscriptions: everyone who subscribed to an event of a case (opened, escalated, SLA
 * breached, acknowledged, resolved, closed) of its type, line and severity hears of it once — a
 * person on their own channel (email first), a role's holders on the case's line each, a group
 * channel as a chat card — never the person who acted. Driven from the timeline: after each change
 * the worker records (and after each page), the case's events not yet dispatched are served and
 * marked, so an event the API recorded (`opened`) is served by the first change that follows, and a
 * retried activity serves nothing twice (every message is keyed by its event and its subscriber).
 */
import { getCase, type CaseRecord } from '../../db/cases.js';
import {
  activeSubscriber,
  fyiSentTo,
  markDispatched,
  matchingSubscriptions,
  roleHolders,
  undispatchedEvents,
  type DispatchableEvent,
  type Subscriber,
  type SubscriptionRecord,
} from '../../db/subscriptions.js';
import { textFor } from '../../domain/messages.js';
import { SUBSCRIPTION_EVENT_TYPES, type SubscriptionEvent } from '../../domain/model.js';
import { deliverToGroup, deliverWithFailover, type DeliverDeps } from './deliver.js';
import { sendableGroup } from './group-page.js';
import {
  asLocale,
  caseUrlOf,
  BUTTONS,
  chatText,
  fyiView,
  loadTemplates,
  renderChat,
  renderMail,
  renderSms,
  type FyiFacts,
  type Templates,
} from './render.js';

const EVENT_OF = Object.fromEntries(
  Object.entries(SUBSCRIPTION_EVENT_TYPES).map(([sub, type]) => [type, sub]),
) as Record<string, SubscriptionEvent>;

/** Serves the subscribers of every event of the case not served yet. Best effort: never throws. */
export async function notifySubscribers(deps: DeliverDeps, caseId: number): Promise<void> {
  try {
    const events = await undispatchedEvents(deps.db, caseId);
    if (events.length === 0) return;
    const caseRow = await getCase(deps.db, caseId);
    if (!caseRow) return;
    let templates: Templates | null = null;
    for (const e of events) {
      const event = EVENT_OF[e.type];
      if (!event) continue;
      const subs = await matchingSubscriptions(deps.db, { event, ...caseRow, at: e.occurred_at });
      if (subs.length > 0) {
        templates ??= await loadTemplates(deps.db);
        await serve(deps, caseRow, e, event, subs, templates);
      }
      await markDispatched(deps.db, e.id);
    }
  } catch (err) {
    deps.logger.warn(
      { caseId, err: err instanceof Error ? err.message : String(err) },
      'subscriber FYIs failed',
    );
  }
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

async function serve(
  deps: DeliverDeps,
  caseRow: CaseRecord,
  e: DispatchableEvent,
  event: SubscriptionEvent,
  subs: SubscriptionRecord[],
  templates: Templates,
): Promise<void> {
  const actorId = /^person:(\d+)$/.exec(e.actor)?.[1];
  const data = e.data;
  const resolution = str(data.resolution);
  const facts = (recipientName: string, locale: ReturnType<typeof asLocale>): FyiFacts => ({
    ...caseRow,
    caseId: caseRow.id,
    caseUrl: caseUrlOf(deps.publicUrl, caseRow.id),
    event,
    by: str(data.by),
    text: resolution !== null ? textFor(data.resolutionRef, resolution, locale) : str(data.note),
    recipientName,
    level:
      typeof data.toLevel === 'number'
        ? data.toLevel
        : typeof data.escalatedTo === 'number'
          ? data.escalatedTo
          : null,
    role: str(data.role),
  });

  // People, once each whatever number of subscriptions names them; never the one who acted.
  const people = new Map<number, Subscriber>();
  for (const s of subs) {
    const found =
      s.target.kind === 'person'
        ? [await activeSubscriber(deps.db, s.target.personId)].filter((p): p is Subscriber => p !== null)
        : s.target.kind === 'role'
          ? await roleHolders(deps.db, s.target.role, s.target.line ?? caseRow.line)
          : [];
    for (const p of found) if (String(p.id) !== actorId) people.set(p.id, p);
  }
  for (const p of people.values()) {
    // Someone paged for the case may have had this FYI already (./fyi.ts): once is enough.
    const channel = p.email ? 'email' : p.phone ? 'sms' : null;
    if (!channel) continue;
    const key = `fyi:${e.idempotency_key}:${p.id}:${channel}`;
    if (await fyiSentTo(deps.db, e.idempotency_key, p.id, key)) continue;
    const locale = asLocale(p.locale);
    const view = fyiView(locale, facts(p.name, locale));
    await deliverWithFailover(
      deps,
      {
        caseId: caseRow.id,
        taskId: null,
        template: `fyi_${e.type}`,
        person: p,
        channel,
        to: channel === 'email' ? p.email! : p.phone!,
        key,
        render: (ch) =>
          ch === 'email'
            ? renderMail(templates['fyi.mail'][locale], view, locale)
            : renderSms(templates['fyi.sms'][locale], view),
        failover: true,
      },
      true,
    );
  }

  const groupIds = new Set(subs.flatMap((s) => (s.target.kind === 'group' ? [s.target.groupChannelId] : [])));
  for (const id of groupIds) {
    const group = await sendableGroup(deps, id);
    if (!group?.active) continue;
    const locale = group.locale;
    const f = facts(group.name, locale);
    const card = renderChat(
      templates['fyi.chat'][locale],
      fyiView(locale, f),
      [{ label: BUTTONS[locale].openCase, url: f.caseUrl }],
      'info',
    );
    await deliverToGroup(
      deps,
      {
        caseId: caseRow.id,
        taskId: null,
        template: `fyi_${e.type}`,
        group,
        key: `fyi:${e.idempotency_key}:group:${id}`,
        content: {
          ...chatText(card),
          chat: {
            target: { provider: group.provider, webhookUrl: group.webhookUrl, secret: group.secret },
            card,
          },
        },
      },
      true,
    );
  }
}
