/**
 * Both languages everywhere a person reads, and templates as data: for each SOP, a zh-CN person's
 * page mail and SMS and the zh-CN group's chat card carry the task, its options and the case title
 * in Chinese and no English task text; an admin edits a template (unknown placeholders refused,
 * naming the field), previews it for a case, and resets it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createChatSender } from '../activities/notify/chat/client.js';
import { optionLabel, renderRef, type MessageRef } from '../domain/messages.js';
import type { ExceptionType, JobRole } from '../domain/model.js';
import { SOPS } from '../workflows/sop/index.js';
import { ChatFakes } from './helpers/chat-fakes.js';
import { caseApi } from './helpers/cases.js';
import { startHarness, uid, type Harness } from './helpers/harness.js';
import { recordHistory } from './helpers/histories.js';
import { eventually } from './helpers/wait.js';

let h: Harness;
let c: ReturnType<typeof caseApi>;
const fakes = new ChatFakes();
const LINE = 'ZH1';
const ROLES: JobRole[] = [
  'purchasing',
  'dispatcher',
  'maintenance',
  'qc_engineer',
  'planner',
  'customer_service',
  'supervisor',
];
const emailOf = (role: JobRole): string => `${role}.zh1@test.local`;
const phoneOf = (i: number): string => `+861390000${String(i).padStart(4, '0')}`;
let wecomUrl = '';

before(async () => {
  await fakes.listen();
  h = await startHarness(fileURLToPath(import.meta.url), {
    chatWebhookOrigins: [fakes.url],
    chat: createChatSender({ rateLimitWaitMs: 1000 }),
  });
  c = caseApi(h);
  for (const [i, role] of ROLES.entries())
    await h.addPerson({
      name: `张${i}`,
      email: emailOf(role),
      phone: phoneOf(i),
      locale: 'zh-CN',
      roles: [{ role, line: LINE }],
    });
  wecomUrl = fakes.wecomUrl(uid('w'));
  const g = await h.api<{ id: number }>('POST', '/api/v1/group-channels', {
    body: { name: '车间一群', provider: 'wecom', webhookUrl: wecomUrl, locale: 'zh-CN' },
  });
  assert.equal(g.status, 201);
  for (const type of Object.keys(SOPS) as ExceptionType[]) {
    const res = await h.api('POST', '/api/v1/policies', {
      body: {
        type,
        line: LINE,
        ladder: [
          {
            targetRole: 'supervisor',
            channels: ['email', 'sms'],
            groupChannelIds: [g.body.id],
            ackTimeoutSeconds: 600,
          },
          { targetRole: 'supervisor', channels: ['email'], ackTimeoutSeconds: 600 },
        ],
        resolveSlaSeconds: 3600,
      },
    });
    assert.ok(res.status === 200 || res.status === 201, JSON.stringify(res.body));
  }
});

after(async () => {
  await h?.stop();
  await fakes.close();
});

interface LiveTask {
  key: string;
  role: JobRole;
  title: string;
  titleRef?: MessageRef;
  options: Array<{ id: string; label: string }>;
  assignees: unknown[];
}

/** The first task of a new case of `type` on the zh-CN line, once it is paged. */
async function firstTask(
  type: ExceptionType,
  overrides: Record<string, unknown> = {},
): Promise<{ id: number; task: LiveTask }> {
  const id = await c.open(type, { line: LINE, ...overrides });
  const task = await eventually(async () => {
    const live = (await c.get(id)).live as unknown as { tasks: LiveTask[] } | null;
    const t = live?.tasks[0];
    return t && t.assignees.length > 0 ? t : null;
  }, `the first task of ${type}`);
  return { id, task };
}

describe('a zh-CN person reads every SOP in Chinese', () => {
  for (const type of Object.keys(SOPS) as ExceptionType[]) {
    it(`${type}: mail, SMS and chat card carry no English task text`, async () => {
      const { id, task } = await firstTask(type);
      assert.ok(task.titleRef, 'the task keeps its title as a catalog message');
      const zhTitle = renderRef(task.titleRef, 'zh-CN');
      assert.equal(renderRef(task.titleRef, 'en'), task.title);
      const english = [task.title, ...task.options.map((o) => o.label)];
      const chinese = [zhTitle, ...task.options.map((o) => optionLabel(o, 'zh-CN'))];

      const mail = await h.mail.waitFor(
        (m) => m.to.includes(emailOf(task.role)) && m.subject.includes(`#${id}`),
      );
      const sms = await eventually(
        () =>
          Promise.resolve(
            h.sms!.messages.find(
              (s) => s.to === phoneOf(ROLES.indexOf(task.role)) && s.body.includes(`#${id} `),
            ),
          ),
        `the SMS of case ${id}`,
      );
      const card = await fakes.waitFor(
        (r) =>
          r.url.includes(new URL(wecomUrl).searchParams.get('key')!) &&
          JSON.stringify(r.body).includes(`#${id} `),
      );
      const cardText = (card.body.markdown as { content: string }).content;

      for (const [what, text] of [
        ['mail', `${mail.subject}\n${mail.text}`],
        ['SMS', sms.body],
        ['chat card', cardText],
      ] as const) {
        for (const en of english)
          assert.ok(!text.includes(en), `${type} ${what} has no English "${en}":\n${text}`);
        assert.ok(
          !/[A-Za-z]{3,} [a-z]{3,} [a-z]{3,}/.test(text.replace(/https?:\/\/\S+/g, '')),
          `${type} ${what} has no English sentence:\n${text}`,
        );
      }
      // The whole task and its options in the mail and the card; the SMS has the task's start.
      for (const zh of chinese) {
        assert.ok(mail.text.includes(zh), `${type} mail has "${zh}"`);
        assert.ok(cardText.includes(zh), `${type} card has "${zh}"`);
      }
      assert.ok(sms.body.includes(zhTitle.slice(0, 20)), `${type} SMS has the task: ${sms.body}`);
      // A default case title renders in Chinese too.
      const record = await c.get(id);
      assert.ok(!mail.text.includes((record as unknown as { title: string }).title));
    });
  }

  it('a running case keeps its catalog messages through to its resolution (recorded history)', async () => {
    const { id } = await firstTask('order_delay', {
      order: {
        orderId: 'WO-1003',
        promisedDate: '2026-12-01',
        projectedDate: '2026-12-04',
        customer: 'ACME',
      },
    });
    await c.decide(id, 'plan', 'new_date', { newDate: '2026-12-10' });
    await c.decide(id, 'customer_notice', 'approve');
    const resolved = await c.waitFor(id, 'resolved', (x) => x.status === 'resolved');
    assert.equal(resolved.resolution, 'new date 2026-12-10 confirmed for order WO-1003');
    const event = (await c.events(id)).find((e) => e.type === 'resolved')!;
    assert.equal(
      renderRef(event.data.resolutionRef as MessageRef, 'zh-CN'),
      '订单 WO-1003 的新日期 2026-12-10 已确认',
    );
    await recordHistory(h, id, 'message-keys-order-delay');
  });
});

describe('message templates as data', () => {
  it('refuse unknown placeholders naming the field, preview for a case, take effect, and reset', async () => {
    const bad = await h.api<{ errors: Array<{ field: string; message: string }> }>(
      'PUT',
      '/api/v1/message-templates/page.mail/en',
      {
        body: {
          subject: 'Case {{caseId}}',
          body: 'Hello {{recipientName}}, {{nonsense}} and {{#ask}}{{alsoWrong}}{{/ask}}',
        },
      },
    );
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0]!.field, 'body');
    assert.match(bad.body.errors[0]!.message, /\{\{nonsense\}\}, \{\{alsoWrong\}\}/);
    const smsSubject = await h.api<{ errors: Array<{ field: string }> }>(
      'PUT',
      '/api/v1/message-templates/page.sms/zh-CN',
      {
        body: { subject: 'x', body: 'Andon #{{caseId}}' },
      },
    );
    assert.equal(smsSubject.status, 400);
    assert.equal(smsSubject.body.errors[0]!.field, 'subject');
    const unclosed = await h.api<{ errors: Array<{ field: string }> }>(
      'PUT',
      '/api/v1/message-templates/fyi.chat/en',
      {
        body: { subject: '{{#title}}', body: 'x' },
      },
    );
    assert.equal(unclosed.status, 400);
    assert.equal(unclosed.body.errors[0]!.field, 'subject');
    const unknownKey = await h.api('PUT', '/api/v1/message-templates/page.fax/en', {
      body: { subject: null, body: 'x' },
    });
    assert.equal(unknownKey.status, 400);

    const { id, task } = await firstTask('order_delay');
    const saved = await h.api<{ customised: boolean }>('PUT', '/api/v1/message-templates/page.chat/zh-CN', {
      body: {
        subject: '【安灯】#{{caseId}} {{typeLabel}}',
        body: '{{title}}\n任务：{{ask}}\n选项：{{options}}',
      },
    });
    assert.equal(saved.status, 200);
    assert.equal(saved.body.customised, true);
    const preview = await h.api<{ card: { title: string; lines: string[] } }>(
      'POST',
      '/api/v1/message-templates/page.chat/zh-CN/preview',
      {
        body: { caseId: id },
      },
    );
    assert.equal(preview.status, 200, JSON.stringify(preview.body));
    assert.equal(preview.body.card.title, `【安灯】#${id} 订单延误`);
    assert.equal(preview.body.card.lines[1], `任务：${renderRef(task.titleRef!, 'zh-CN')}`);
    const draft = await h.api<{ subject: string; text: string }>(
      'POST',
      '/api/v1/message-templates/page.mail/en/preview',
      {
        body: { caseId: id, subject: 'Draft {{caseId}} for {{recipientName}}' },
      },
    );
    assert.equal(draft.body.subject, `Draft ${id} for (preview)`);
    // caseBody gives every order its own id (two open cases of one order would be one: alarm storms).
    assert.match(draft.body.text, /Asked: Order SO-[0-9a-f]{12} for ACME is projected/);

    const next = await firstTask('order_delay');
    const card = await fakes.waitFor((r) => JSON.stringify(r.body).includes(`【安灯】#${next.id} `));
    assert.match(
      (card.body.markdown as { content: string }).content,
      /任务：客户 ACME 的订单 SO-[0-9a-f]{12}/,
    );

    const reset = await h.api<{ customised: boolean; subject: string }>(
      'DELETE',
      '/api/v1/message-templates/page.chat/zh-CN',
    );
    assert.equal(reset.status, 200);
    assert.equal(reset.body.customised, false);
    const list = await h.api<{ templates: Array<{ key: string; locale: string }> }>(
      'GET',
      '/api/v1/message-templates',
    );
    assert.equal(list.body.templates.length, 12);
    assert.equal((await h.api('GET', '/api/v1/message-templates', { key: h.keys.supervisor })).status, 403);
  });
});
