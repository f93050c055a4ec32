/**
 * A page to the group channels of a ladder level: one chat card per group, in the group's language,
 * with the case facts, what is asked, and a signed action link per person paged (a button "act as
 * <name>"), written to the outbox once by its key. A group that fails for good (a refusal, or still
 * failing on the last attempt) means its people get the page on their own channels instead.
 */
import type { Db } from '../../db/index.js';
import { groupChannelForSending, type GroupChannel } from '../../db/group-channels.js';
import { SecretUnreadable } from '../../lib/secret-box.js';
import type { Contact } from '../../db/people.js';
import { deliverToGroup, type DeliverDeps, type GroupOutcome } from './deliver.js';
import {
  BUTTONS,
  chatText,
  pageView,
  renderChat,
  type PageFacts,
  type Rendered,
  type Templates,
} from './render.js';

/** At most this many "act as" buttons on a card (chat clients show a handful well). */
const MAX_PERSON_BUTTONS = 5;

export interface GroupPage {
  caseId: number;
  taskId: number | null;
  template: string;
  key: string;
  groupIds: number[];
  people: Contact[];
  templates: Templates;
  facts: (recipientName: string, actionUrl: string | null) => PageFacts;
  link: (personId: number, nonceKey: string) => string | null;
  lastAttempt: boolean;
}

export interface GroupPageResult {
  outcomes: GroupOutcome[];
  errors: string[];
  retryAfterMs?: number;
  /** True when some group could not be reached for good: its people get their own channels. */
  failedOver: boolean;
}

/**
 * The channel to send to, or null when it is gone, or its URL cannot be decrypted (the secrets key
 * changed): then it is as good as missing, and its people are reached another way.
 */
export async function sendableGroup(deps: DeliverDeps, id: number): Promise<GroupChannel | null> {
  try {
    return await groupChannelForSending(deps.db, deps.secrets, id);
  } catch (err) {
    if (!(err instanceof SecretUnreadable)) throw err;
    deps.logger.error({ groupChannelId: id }, err.message);
    return null;
  }
}

export async function pageGroups(deps: DeliverDeps & { db: Db }, g: GroupPage): Promise<GroupPageResult> {
  const result: GroupPageResult = { outcomes: [], errors: [], failedOver: false };
  for (const id of g.groupIds) {
    const group = await sendableGroup(deps, id);
    if (!group || !group.active) {
      deps.logger.warn(
        { groupChannelId: id },
        'group channel missing, inactive or unreadable: its people are paged instead',
      );
      result.failedOver = true;
      continue;
    }
    const key = `${g.key}:group:${id}`;
    const locale = group.locale;
    const facts = g.facts(group.name, null);
    const view = pageView(locale, facts);
    const buttons = [
      ...g.people.slice(0, MAX_PERSON_BUTTONS).flatMap((p) => {
        const url = g.link(p.id, `${key}:${p.id}`);
        return url ? [{ label: BUTTONS[locale].actAs(p.name), url }] : [];
      }),
      { label: BUTTONS[locale].openCase, url: facts.caseUrl },
    ];
    const card = renderChat(g.templates['page.chat'][locale], view, buttons, 'alert');
    const content: Rendered = {
      ...chatText(card),
      chat: {
        target: { provider: group.provider, webhookUrl: group.webhookUrl, secret: group.secret },
        card,
      },
    };
    const r = await deliverToGroup(
      deps,
      { caseId: g.caseId, taskId: g.taskId, template: g.template, group, key, content },
      g.lastAttempt,
    );
    if (r.outcome === 'retry') {
      result.errors.push(r.error!);
      if (r.retryAfterMs !== undefined)
        result.retryAfterMs = Math.max(result.retryAfterMs ?? 0, r.retryAfterMs);
      continue;
    }
    if (r.result) result.outcomes.push(r.result);
    if (r.outcome === 'failed') result.failedOver = true;
  }
  return result;
}
