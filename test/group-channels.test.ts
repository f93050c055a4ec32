/**
 * Group channels and stakeholder subscriptions on real parts, against local fakes of the five chat
 * webhooks built from the providers' documentation (test/helpers/chat-fakes.ts): a page posted to
 * DingTalk, WeCom, Feishu, Slack and Teams with each one's exact payload shape and signature scheme,
 * its signed action link acting on the case; a rate limit waited out; a webhook that keeps failing
 * retried, then failed over to the people's own channels; and an FYI per subscriber per event.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createChatSender } from '../activities/notify/chat/client.js';
import { groupChannelForSending, sealPlainGroupChannels, UNREADABLE_URL } from '../db/group-channels.js';
import { createSecretBox } from '../lib/secret-box.js';
import { ChatFakes, type ChatRequest } from './helpers/chat-fakes.js';
import { caseApi } from './helpers/cases.js';
import { startHarness, TEST_LINK_SECRET, uid, type Harness } from './helpers/harness.js';
import { eventually } from './helpers/wait.js';

let h: Harness;
let c: ReturnType<typeof caseApi>;
const fakes = new ChatFakes();

before(async () => {
  await fakes.listen();
  h = await startHarness(fileURLToPath(import.meta.url), {
    chatWebhookOrigins: [fakes.url],
    // Rate limits without an advised wait are waited out for a second here (a minute in a plant).
    chat: createChatSender({ rateLimitWaitMs: 1000, maxInlineWaitMs: 3000 }),
  });
  c = caseApi(h);
});

after(async () => {
  await h?.stop();
  await fakes.close();
});

interface GroupChannelJson {
  id: number;
  name: string;
  provider: string;
  webhookUrl: string;
  signed: boolean;
  locale: string;
}

async function channel(body: Record<string, unknown>): Promise<GroupChannelJson> {
  const res = await h.api<GroupChannelJson>('POST', '/api/v1/group-channels', { body });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

async function policy(line: string, level0: Record<string, unknown>): Promise<void> {
  const res = await h.api('POST', '/api/v1/policies', {
    body: {
      type: 'order_delay',
      line,
      ladder: [
        { targetRole: 'planner', ackTimeoutSeconds: 600, ...level0 },
        { targetRole: 'supervisor', channels: ['email'], ackTimeoutSeconds: 600 },
      ],
      resolveSlaSeconds: 3600,
    },
  });
  assert.ok(res.status === 200 || res.status === 201, JSON.stringify(res.body));
}

const orderDelay = (line: string) =>
  c.open('order_delay', {
    line,
    order: { orderId: `SO-${line}`, promisedDate: '2026-12-01', projectedDate: '2026-12-04' },
  });

interface Outbox {
  notifications: Array<{
    id: number;
    channel: string;
    recipient: string;
    status: string;
    attempts: number;
    template: string;
    failoverOf: number | null;
  }>;
}
const outbox = async (id: number) =>
  (await h.api<Outbox>('GET', `/api/v1/notifications?caseId=${id}`, { key: h.keys.supervisor })).body
    .notifications;

/** Everything a card says, whatever the provider's shape. */
const said = (r: ChatRequest): string => JSON.stringify(r.body);

describe('group channels', () => {
  it('take a webhook URL of the provider’s documented shape, and never show it (or the secret) again', async () => {
    const token = uid('tok');
    const created = await channel({
      name: 'DingTalk shift leads',
      provider: 'dingtalk',
      webhookUrl: fakes.dingtalkUrl(token),
      secret: 'SECabcdef0123456789',
    });
    assert.equal(created.signed, true);
    assert.ok(!JSON.stringify(created).includes(token), 'the token is not shown');
    assert.ok(!JSON.stringify(created).includes('SECabcdef'), 'the secret is not shown');
    assert.match(created.webhookUrl, /access_token=TOK-…$/i);
    const listed = await h.api<{ groupChannels: GroupChannelJson[] }>('GET', '/api/v1/group-channels');
    assert.ok(!JSON.stringify(listed.body).includes(token));

    const refuse = async (body: Record<string, unknown>, field: string) => {
      const res = await h.api<{ errors: Array<{ field: string }> }>('POST', '/api/v1/group-channels', {
        body,
      });
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.equal(res.body.errors[0]!.field, field);
    };
    await refuse(
      { name: 'no token', provider: 'dingtalk', webhookUrl: `${fakes.url}/robot/send` },
      'webhookUrl',
    );
    await refuse(
      { name: 'other host', provider: 'wecom', webhookUrl: 'https://example.com/cgi-bin/webhook/send?key=k' },
      'webhookUrl',
    );
    await refuse(
      { name: 'plain http', provider: 'slack', webhookUrl: 'http://hooks.slack.com/services/T/B/X' },
      'webhookUrl',
    );
    await refuse(
      { name: 'slack secret', provider: 'slack', webhookUrl: fakes.slackUrl('x'), secret: 'abc' },
      'secret',
    );
    const official = await h.api('POST', '/api/v1/group-channels', {
      body: {
        name: `Feishu ${token}`,
        provider: 'feishu',
        webhookUrl: 'https://open.feishu.cn/open-apis/bot/v2/hook/abc-123',
      },
    });
    assert.equal(official.status, 201);
  });

  it('are stored sealed: the database holds neither the robot’s token nor its secret, and plain rows of before get sealed', async () => {
    const token = uid('tok');
    const created = await channel({
      name: `sealed ${token}`,
      provider: 'dingtalk',
      webhookUrl: fakes.dingtalkUrl(token),
      secret: 'SECsealed0123456789',
    });
    const row = await h
      .db('group_channels')
      .where({ id: created.id })
      .first<{ webhook_url: string; secret: string }>('webhook_url', 'secret');
    assert.ok(row && !row.webhook_url.includes(token) && !row.secret.includes('SECsealed'), 'stored sealed');
    const box = createSecretBox(TEST_LINK_SECRET);
    const sending = await groupChannelForSending(h.db, box, created.id);
    assert.equal(sending?.webhookUrl, fakes.dingtalkUrl(token));
    assert.equal(sending?.secret, 'SECsealed0123456789');

    // A row written in plain text before sealing began: still read, then sealed (as at start-up).
    await h
      .db('group_channels')
      .where({ id: created.id })
      .update({
        webhook_url: fakes.dingtalkUrl(token),
        secret: 'SECsealed0123456789',
      });
    assert.equal((await groupChannelForSending(h.db, box, created.id))?.webhookUrl, fakes.dingtalkUrl(token));
    assert.ok((await sealPlainGroupChannels(h.db, box)) >= 1);
    const resealed = await h
      .db('group_channels')
      .where({ id: created.id })
      .first<{ webhook_url: string }>('webhook_url');
    assert.ok(resealed && !resealed.webhook_url.includes(token));
    assert.equal((await groupChannelForSending(h.db, box, created.id))?.secret, 'SECsealed0123456789');

    // Under another key the URL cannot be read: the API says so instead of failing, and asks for it again.
    const otherKey = createSecretBox('another-secrets-key-0123456789abcdef');
    await h
      .db('group_channels')
      .where({ id: created.id })
      .update({ webhook_url: otherKey.seal('https://x') });
    const shown = await h.api<GroupChannelJson>('GET', `/api/v1/group-channels/${created.id}`);
    assert.equal(shown.status, 200);
    assert.equal(shown.body.webhookUrl, UNREADABLE_URL);
    const rename = await h.api<{ errors: Array<{ field: string }> }>(
      'PUT',
      `/api/v1/group-channels/${created.id}`,
      {
        body: { name: `renamed ${token}`, locale: 'en', active: true },
      },
    );
    assert.equal(rename.status, 400, JSON.stringify(rename.body));
    assert.equal(rename.body.errors[0]!.field, 'webhookUrl');
    const fixed = await h.api<GroupChannelJson>('PUT', `/api/v1/group-channels/${created.id}`, {
      body: { name: `renamed ${token}`, locale: 'en', active: false, webhookUrl: fakes.dingtalkUrl(token) },
    });
    assert.equal(fixed.status, 200, JSON.stringify(fixed.body));
    assert.match(fixed.body.webhookUrl, /access_token=TOK-…$/i);
  });

  it('page a level on DingTalk, WeCom, Feishu, Slack and Teams: documented payloads, signatures, and a working action link', async () => {
    const line = 'GC1';
    const t = {
      ding: uid('d'),
      wecom: uid('w'),
      feishu: uid('f'),
      slack: uid('s').replace('-', ''),
      teams: uid('t'),
    };
    fakes.requireSignature(t.ding, 'SECding0123456789');
    fakes.requireSignature(t.feishu, 'feishu-secret-123');
    const groups = [
      await channel({
        name: `ding ${line}`,
        provider: 'dingtalk',
        webhookUrl: fakes.dingtalkUrl(t.ding),
        secret: 'SECding0123456789',
      }),
      await channel({ name: `wecom ${line}`, provider: 'wecom', webhookUrl: fakes.wecomUrl(t.wecom) }),
      await channel({
        name: `feishu ${line}`,
        provider: 'feishu',
        webhookUrl: fakes.feishuUrl(t.feishu),
        secret: 'feishu-secret-123',
        locale: 'zh-CN',
      }),
      await channel({
        name: `slack ${line}`,
        provider: 'slack',
        webhookUrl: fakes.slackUrl(t.slack),
        locale: 'en',
      }),
      await channel({
        name: `teams ${line}`,
        provider: 'teams',
        webhookUrl: fakes.teamsUrl(t.teams),
        locale: 'en',
      }),
    ];
    const planner = await h.addPerson({ name: `Planner ${line}`, roles: [{ role: 'planner', line }] });
    await policy(line, { channels: [], groupChannelIds: groups.map((g) => g.id) });
    const id = await orderDelay(line);

    const ding = await fakes.waitFor((r) => r.url.includes(t.ding));
    assert.equal(ding.status, 200);
    assert.ok(ding.signatureOk, 'DingTalk: timestamp + sign as documented');
    const q = new URL(`http://x${ding.url}`).searchParams;
    const ts = Number(q.get('timestamp'));
    assert.ok(Math.abs(Date.now() - ts) < 60_000, 'DingTalk timestamp in milliseconds');
    assert.equal(
      q.get('sign'),
      createHmac('sha256', 'SECding0123456789').update(`${ts}\nSECding0123456789`).digest('base64'),
    );
    assert.match(ding.contentType ?? '', /^application\/json/);
    assert.equal(ding.body.msgtype, 'actionCard');
    const actionCard = ding.body.actionCard as {
      title: string;
      text: string;
      btns: Array<{ title: string; actionURL: string }>;
    };
    assert.match(actionCard.text, new RegExp(`#${id}`));
    assert.match(actionCard.text, /SO-GC1/);

    const wecom = await fakes.waitFor((r) => r.url.includes(t.wecom));
    assert.equal(wecom.body.msgtype, 'markdown');
    assert.match((wecom.body.markdown as { content: string }).content, /订单延误/);

    const feishu = await fakes.waitFor((r) => r.url.includes(t.feishu));
    assert.ok(feishu.signatureOk, 'Feishu: timestamp (s) + sign in the body as documented');
    assert.match(String(feishu.body.timestamp), /^\d{10}$/);
    assert.equal(
      feishu.body.sign,
      createHmac('sha256', `${String(feishu.body.timestamp)}\nfeishu-secret-123`)
        .update('')
        .digest('base64'),
    );
    assert.equal(feishu.body.msg_type, 'interactive');
    const card = feishu.body.card as {
      header: { title: { content: string }; template: string };
      elements: Array<{ tag: string }>;
    };
    assert.equal(card.header.template, 'red');
    assert.ok(
      card.elements.some((e) => e.tag === 'action'),
      'buttons',
    );

    const slack = await fakes.waitFor((r) => r.url.includes(t.slack));
    assert.equal(typeof slack.body.text, 'string');
    const blocks = slack.body.blocks as Array<{
      type: string;
      elements?: Array<{ type: string; url: string }>;
    }>;
    assert.deepEqual(
      blocks.map((b) => b.type),
      ['header', 'section', 'actions'],
    );
    assert.match(said(slack), /Order delay/);

    const teams = await fakes.waitFor((r) => r.url.includes(t.teams));
    assert.equal(teams.status, 202);
    const att = (
      teams.body.attachments as Array<{
        contentType: string;
        content: { type: string; version: string; actions: Array<{ type: string; url: string }> };
      }>
    )[0]!;
    assert.equal(att.contentType, 'application/vnd.microsoft.card.adaptive');
    assert.equal(att.content.type, 'AdaptiveCard');
    assert.ok(att.content.actions.every((a) => a.type === 'Action.OpenUrl'));

    // Recorded in the outbox like mail and SMS; the planner got no mail (the level pages the groups).
    await c.waitForEvent(id, 'notified');
    const rows = await outbox(id);
    assert.deepEqual(rows.map((r) => [r.channel, r.status]).sort(), [
      ['dingtalk', 'sent'],
      ['feishu', 'sent'],
      ['slack', 'sent'],
      ['teams', 'sent'],
      ['wecom', 'sent'],
    ]);
    assert.ok(
      rows.every((r) => r.recipient.startsWith('group:')),
      'the outbox names the group, not its URL',
    );

    // The card's signed action link acts as the planner.
    const link = /\/a\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43})/.exec(actionCard.btns[0]!.actionURL)![1]!;
    const res = await fetch(`${h.url}/a/${link}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=ack',
    });
    assert.equal(res.status, 200);
    const acked = await c.waitFor(id, 'acknowledged', (x) => x.status === 'acknowledged');
    assert.equal(acked.status, 'acknowledged');
    const ack = (await c.events(id)).find((e) => e.type === 'acked')!;
    assert.equal(ack.actor, `person:${planner}`);
  });

  it('wait out a rate limit as advised (Slack 429 Retry-After), then deliver', async () => {
    const line = 'GC2';
    const url = fakes.slackUrl(uid('s').replace('-', ''));
    const g = await channel({ name: `slack ${line}`, provider: 'slack', webhookUrl: url, locale: 'en' });
    await h.addPerson({ name: `Planner ${line}`, roles: [{ role: 'planner', line }] });
    await policy(line, { channels: [], groupChannelIds: [g.id] });
    fakes.failNext(url, [{ status: 429, headers: { 'retry-after': '1' }, body: 'rate_limited' }]);
    const id = await orderDelay(line);
    await c.waitForEvent(id, 'notified');
    const tries = fakes.to(url);
    assert.deepEqual(
      tries.map((r) => r.status),
      [429, 200],
    );
    assert.ok(tries[1]!.at - tries[0]!.at >= 1000, 'waited the advised second');
    assert.deepEqual(
      (await outbox(id)).map((r) => [r.channel, r.status]),
      [['slack', 'sent']],
    );
  });

  it('send a test message on request, in the channel’s language, and say what the provider answered', async () => {
    const token = uid('tt');
    fakes.requireSignature(token, 'SECtest0123456789');
    const url = fakes.dingtalkUrl(token);
    const g = await channel({
      name: `测试群 ${token}`,
      provider: 'dingtalk',
      webhookUrl: url,
      secret: 'SECtest0123456789',
      locale: 'zh-CN',
    });
    type TestAnswer = { delivered: boolean; providerId: string | null; error: string | null };
    const ok = await h.api<TestAnswer>('POST', `/api/v1/group-channels/${g.id}/test`);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(ok.body, { delivered: true, providerId: null, error: null });
    const got = fakes.to(url);
    assert.equal(got.length, 1);
    assert.ok(got[0]!.signatureOk, 'signed as DingTalk documents');
    assert.match(JSON.stringify(got[0]!.body), /Andon 测试消息/);

    fakes.failAlways(url, { status: 200, body: '{"errcode":300001,"errmsg":"token is not exist"}' });
    const refused = await h.api<TestAnswer>('POST', `/api/v1/group-channels/${g.id}/test`);
    assert.equal(refused.status, 200);
    assert.equal(refused.body.delivered, false);
    assert.match(refused.body.error ?? '', /token is not exist/);
    assert.ok(!(refused.body.error ?? '').includes(token), 'the error never shows the URL’s token');
    fakes.recover(url);

    const missing = await h.api<{ errors?: unknown }>('POST', '/api/v1/group-channels/999999/test');
    assert.equal(missing.status, 404);
    assert.match(missing.headers.get('content-type') ?? '', /application\/problem\+json/);
  });

  it('retry a webhook that keeps failing, then fail over to the people’s own channels', async () => {
    const line = 'GC3';
    const url = fakes.dingtalkUrl(uid('d'));
    const g = await channel({ name: `ding ${line}`, provider: 'dingtalk', webhookUrl: url });
    const email = `planner.${line.toLowerCase()}@test.local`;
    await h.addPerson({ name: `Planner ${line}`, email, roles: [{ role: 'planner', line }] });
    await policy(line, { channels: [], groupChannelIds: [g.id] });
    fakes.failAlways(url, { status: 503, body: 'busy' });
    try {
      const id = await orderDelay(line);
      const mail = await h.mail.waitFor((m) => m.to.includes(email) && m.subject.includes(`#${id}`), 60_000);
      assert.match(mail.text, /Order SO-GC3 is projected for 2026-12-04/);
      assert.ok(fakes.to(url).length >= 2, 'the webhook was tried again before failing over');
      const rows = await eventually(async () => {
        const r = await outbox(id);
        return r.some((x) => x.channel === 'email' && x.status === 'sent') && r;
      }, 'the failover mail recorded');
      const ding = rows.find((r) => r.channel === 'dingtalk')!;
      assert.equal(ding.status, 'failed');
      assert.equal(ding.attempts, fakes.to(url).length);
      // The page activity records whom it reached after the failover mail went out.
      const notified = (await c.waitForEvent(id, 'notified')).find((e) => e.type === 'notified')!;
      assert.match(JSON.stringify(notified.data), new RegExp(email.replace(/\./g, '\\.')));
    } finally {
      fakes.recover(url);
    }
  });
});

describe('subscriptions', () => {
  it('tell each subscriber once per event, never the person who acted', async () => {
    const line = 'SB1';
    const planner = await h.addPerson({ name: `Planner ${line}`, roles: [{ role: 'planner', line }] });
    const manager = await h.addPerson({ name: `Manager ${line}`, roles: [{ role: 'plant_manager', line }] });
    const cs = await h.addPerson({
      name: `CS ${line}`,
      locale: 'zh-CN',
      roles: [{ role: 'customer_service', line: null }],
    });
    const feishuUrl = fakes.feishuUrl(uid('f'));
    const group = await channel({
      name: `ops ${line}`,
      provider: 'feishu',
      webhookUrl: feishuUrl,
      locale: 'zh-CN',
    });
    await policy(line, { channels: ['email'] });
    const sub = async (body: Record<string, unknown>) => {
      const res = await h.api('POST', '/api/v1/subscriptions', {
        body: { name: uid('sub'), types: ['order_delay'], lines: [line], ...body },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    };
    // The manager twice (as a person and by role): still one message per event.
    await sub({
      target: { kind: 'person', personId: manager },
      events: ['opened', 'acknowledged', 'resolved'],
    });
    await sub({ target: { kind: 'role', role: 'plant_manager', line: null }, events: ['acknowledged'] });
    // The planner subscribes too, but acts: never told of their own acknowledgement.
    await sub({ target: { kind: 'person', personId: planner }, events: ['acknowledged'] });
    await sub({
      target: { kind: 'role', role: 'customer_service', line: null },
      events: ['resolved'],
      severities: ['high'],
    });
    await sub({ target: { kind: 'group', groupChannelId: group.id }, events: ['opened', 'resolved'] });
    const refused = await h.api<{ errors: Array<{ field: string }> }>('POST', '/api/v1/subscriptions', {
      body: { name: 'x', target: { kind: 'person', personId: planner }, events: ['reopened'] },
    });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.errors[0]!.field, 'events.0');

    const id = await orderDelay(line);
    await c.task(id, 'plan');
    // The planner acknowledges through their own action link: they act, so they are not told.
    const pageMail = await h.mail.waitFor(
      (m) => m.subject.includes(`#${id}`) && m.to.includes(`planner.${line.toLowerCase()}@test.local`),
    );
    const link = /\/a\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43})/.exec(pageMail.text)![1]!;
    const ack = await fetch(`${h.url}/a/${link}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=ack',
    });
    assert.equal(ack.status, 200);
    await c.waitFor(id, 'acknowledged', (x) => x.status === 'acknowledged');
    const res = await c.post(id, 'resolve', { resolution: 'plan kept' }, h.keys.supervisor);
    assert.equal(res.status, 200);

    const fyis = await eventually(async () => {
      const rows = (await outbox(id)).filter((r) => r.template.startsWith('fyi_'));
      return rows.length >= 5 && rows.every((r) => r.status !== 'queued') && rows;
    }, 'the FYIs settled');
    const by = (template: string) =>
      fyis
        .filter((r) => r.template === template)
        .map((r) => r.recipient)
        .sort();
    assert.deepEqual(
      by('fyi_opened'),
      [`group:ops ${line}`, `manager.${line.toLowerCase()}@test.local`].sort(),
    );
    assert.deepEqual(by('fyi_acked'), [`manager.${line.toLowerCase()}@test.local`]);
    assert.deepEqual(
      by('fyi_resolved'),
      [
        `cs.${line.toLowerCase()}@test.local`,
        `group:ops ${line}`,
        `manager.${line.toLowerCase()}@test.local`,
      ].sort(),
    );
    const csMail = await h.mail.waitFor((m) => m.to.includes(`cs.${line.toLowerCase()}@test.local`));
    assert.match(csMail.subject, /知悉/);
    const opened = await fakes.waitFor(
      (r) => r.url.includes(new URL(feishuUrl).pathname) && /已开立/.test(said(r)),
    );
    assert.equal(opened.status, 200);
    void cs;
  });
});
