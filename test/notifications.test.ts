/**
 * People reached on their phones, on real parts: SMS through the real twilio SDK to a local fake of
 * its Messages endpoint, mail through a real SMTP server in-process, Twilio webhooks with genuine
 * (and forged) signatures, signed one-time action links and their mobile page, failover between
 * channels, FYI messages, and delivery status on the timeline and the outbox.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import twilio from 'twilio';
import { caseApi, type TimelineEventJson } from './helpers/cases.js';
import { startHarness, type Harness } from './helpers/harness.js';
import { eventually } from './helpers/wait.js';

let h: Harness;
let c: ReturnType<typeof caseApi>;

before(async () => {
  h = await startHarness(fileURLToPath(import.meta.url), { twilio: true });
  c = caseApi(h);
});

after(async () => {
  await h?.stop();
});

let phoneSeq = 0;
const phone = (): string =>
  `+86139${String(Date.now() % 1_000_000).padStart(6, '0')}${String(++phoneSeq).padStart(2, '0')}`;

/** A line with its own planner (SMS + email) and supervisor, and a policy paging both channels. */
async function plant(
  line: string,
  o: { locale?: 'en' | 'zh-CN'; channels?: Array<'sms' | 'email'>; ackTimeoutSeconds?: number } = {},
) {
  const plannerPhone = phone();
  const planner = await h.addPerson({
    name: `Planner ${line}`,
    phone: plannerPhone,
    locale: o.locale ?? 'en',
    roles: [{ role: 'planner', line }],
  });
  const supPhone = phone();
  const supervisor = await h.addPerson({
    name: `Supervisor ${line}`,
    phone: supPhone,
    roles: [{ role: 'supervisor', line }],
  });
  await h.setPolicy({
    type: 'order_delay',
    line,
    ladder: [
      {
        targetRole: 'planner',
        channels: o.channels ?? ['sms', 'email'],
        ackTimeoutSeconds: o.ackTimeoutSeconds ?? 600,
      },
      { targetRole: 'supervisor', channels: ['email'], ackTimeoutSeconds: 600 },
    ],
  });
  return {
    planner,
    plannerPhone,
    plannerEmail: `planner.${line.toLowerCase()}@test.local`,
    supervisor,
    supPhone,
    supEmail: `supervisor.${line.toLowerCase()}@test.local`,
  };
}

/** Posts a Twilio webhook the way Twilio does: form-encoded, signed with the account's auth token. */
async function twilioPost(
  path: string,
  params: Record<string, string>,
  signature?: string,
): Promise<{ status: number; text: string }> {
  const url = `${h.url}${path}`;
  const sig = signature ?? twilio.getExpectedTwilioSignature(h.twilioAccount.token, url, params);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sig },
    body: new URLSearchParams(params).toString(),
  });
  return { status: res.status, text: await res.text() };
}

let sidSeq = 0;
const inboundSid = (): string => `SM${'f'.repeat(24)}${String(++sidSeq).padStart(8, '0')}`;
const reply = (from: string, body: string) =>
  twilioPost('/webhooks/twilio/sms', {
    MessageSid: inboundSid(),
    AccountSid: h.twilioAccount.sid,
    From: from,
    To: h.twilioAccount.from,
    Body: body,
    NumMedia: '0',
  });
const statusCallback = (sid: string, status: string, extra: Record<string, string> = {}) =>
  twilioPost('/webhooks/twilio/status', {
    MessageSid: sid,
    SmsSid: sid,
    MessageStatus: status,
    SmsStatus: status,
    AccountSid: h.twilioAccount.sid,
    From: h.twilioAccount.from,
    ApiVersion: '2010-04-01',
    ...extra,
  });

const orderDelay = (line: string) =>
  c.open('order_delay', {
    line,
    order: { orderId: `SO-${line}`, promisedDate: '2026-12-01', projectedDate: '2026-12-04' },
  });

const linkIn = (text: string): string => {
  const m = /\/a\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43})/.exec(text);
  assert.ok(m, `an action link in: ${text}`);
  return m[1]!;
};

interface Outbox {
  notifications: Array<{
    id: number;
    channel: string;
    recipient: string;
    status: string;
    attempts: number;
    providerId: string | null;
    failoverOf: number | null;
    template: string;
    deliveredAt: string | null;
  }>;
}
const outbox = async (id: number) =>
  (await h.api<Outbox>('GET', `/api/v1/notifications?caseId=${id}`, { key: h.keys.supervisor })).body
    .notifications;

describe('done when', () => {
  it('pages the on-shift person by SMS and email; "A <code>" by SMS acknowledges; the timeline shows sent, delivered, acknowledged by SMS', async () => {
    const p = await plant('DW1');
    const id = await orderDelay('DW1');

    // The exact request the real twilio SDK made to (our fake of) Twilio's Messages endpoint.
    const sms = await h.twilio!.waitFor((r) => r.form.To === p.plannerPhone);
    assert.equal(sms.method, 'POST');
    assert.equal(sms.path, `/2010-04-01/Accounts/${h.twilioAccount.sid}/Messages.json`);
    assert.equal(
      sms.authorization,
      `Basic ${Buffer.from(`${h.twilioAccount.sid}:${h.twilioAccount.token}`).toString('base64')}`,
    );
    assert.match(sms.contentType ?? '', /^application\/x-www-form-urlencoded/);
    assert.match(sms.userAgent ?? '', /^twilio-node\/6\./);
    assert.deepEqual(Object.keys(sms.form).sort(), ['Body', 'From', 'StatusCallback', 'To']);
    assert.equal(sms.form.From, h.twilioAccount.from);
    assert.equal(sms.form.StatusCallback, `${h.url}/webhooks/twilio/status`);
    assert.match(sms.form.Body!, new RegExp(`^Andon #${id} Order delay @DW1/ST-10\\.`));
    assert.match(sms.form.Body!, new RegExp(`Reply A ${id} to acknowledge, R ${id} <text> to resolve\\.`));
    assert.match(sms.form.Body!, new RegExp(`To decide reply D ${id} <n>: 1=.+, 2=Keep the plan`));

    const mail = await h.mail.waitFor((m) => m.to.includes(p.plannerEmail) && m.subject.includes(`#${id}`));
    assert.match(mail.text, /What: Order delay: order SO-DW1/);
    await c.waitForEvent(id, 'notified');
    const rows = await outbox(id);
    assert.deepEqual(rows.map((r) => [r.channel, r.status]).sort(), [
      ['email', 'sent'],
      ['sms', 'sent'],
    ]);
    const smsRow = rows.find((r) => r.channel === 'sms')!;
    assert.equal(smsRow.providerId, sms.sid);

    // Twilio reports delivery (signed callback): the outbox row and the timeline show it.
    assert.equal((await statusCallback(sms.sid!, 'sent')).status, 204);
    assert.equal((await statusCallback(sms.sid!, 'delivered')).status, 204);
    await eventually(
      async () => (await outbox(id)).find((r) => r.id === smsRow.id)?.status === 'delivered',
      'delivered',
    );

    // The planner replies "A <code>" from their phone.
    const answer = await reply(p.plannerPhone, `A ${id}`);
    assert.equal(answer.status, 200);
    assert.match(
      answer.text,
      /<Response><Message>Andon: case \d+ acknowledged\. Thank you\.<\/Message><\/Response>/,
    );
    const acked = await c.get(id);
    assert.equal(acked.status, 'acknowledged');

    const events = await c.events(id);
    const types = events.map((e) => e.type);
    const at = (type: string, pred: (e: TimelineEventJson) => boolean = () => true): number =>
      events.findIndex((e) => e.type === type && pred(e));
    const notified = events[at('notified')]!;
    assert.deepEqual(
      (notified.data.recipients as Array<{ channel: string; status: string }>)
        .map((r) => [r.channel, r.status])
        .sort(),
      [
        ['email', 'sent'],
        ['sms', 'sent'],
      ],
    );
    const delivered = events[at('notification_delivered')]!;
    assert.equal(delivered.data.channel, 'sms');
    assert.equal(delivered.data.providerId, sms.sid);
    const ack = events[at('acked')]!;
    assert.equal(ack.actor, `person:${p.planner}`);
    assert.equal(ack.data.by, 'Planner DW1');
    assert.equal(ack.data.note, 'by SMS reply');
    const inbound = events[at('sms_received')]!;
    assert.equal(inbound.data.text, `A ${id}`);
    assert.equal(inbound.data.outcome, 'ack_done');
    assert.ok(
      at('notified') < at('notification_delivered') && at('notification_delivered') < at('acked'),
      types.join(),
    );
    assert.equal(types.filter((t) => t === 'notification_delivered').length, 1);
  });
});

describe('Twilio webhooks', () => {
  it('refuse forged or missing signatures (403) and change nothing', async () => {
    const p = await plant('TW1');
    const id = await orderDelay('TW1');
    const sms = await h.twilio!.waitFor((r) => r.form.To === p.plannerPhone);
    await c.waitForEvent(id, 'notified');
    const params = {
      MessageSid: inboundSid(),
      AccountSid: h.twilioAccount.sid,
      From: p.plannerPhone,
      To: h.twilioAccount.from,
      Body: `A ${id}`,
    };
    const wrongToken = twilio.getExpectedTwilioSignature(
      'not-the-token',
      `${h.url}/webhooks/twilio/sms`,
      params,
    );
    assert.equal((await twilioPost('/webhooks/twilio/sms', params, wrongToken)).status, 403);
    const genuineForOtherBody = twilio.getExpectedTwilioSignature(
      h.twilioAccount.token,
      `${h.url}/webhooks/twilio/sms`,
      {
        ...params,
        Body: 'HELP',
      },
    );
    assert.equal((await twilioPost('/webhooks/twilio/sms', params, genuineForOtherBody)).status, 403);
    const noSig = await fetch(`${h.url}/webhooks/twilio/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });
    assert.equal(noSig.status, 403);
    const forgedStatus = await twilioPost(
      '/webhooks/twilio/status',
      { MessageSid: sms.sid!, MessageStatus: 'delivered' },
      'AAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    );
    assert.equal(forgedStatus.status, 403);

    assert.equal((await c.get(id)).status, 'open');
    const types = await c.types(id);
    assert.ok(
      !types.includes('acked') &&
        !types.includes('notification_delivered') &&
        !types.includes('sms_received'),
    );
    assert.ok((await outbox(id)).every((r) => r.status === 'sent'));
  });

  it('answers unknown senders, unknown codes and unknown words helpfully, and changes nothing', async () => {
    const p = await plant('TW2', { locale: 'zh-CN' });
    const id = await orderDelay('TW2');
    await h.twilio!.waitFor((r) => r.form.To === p.plannerPhone);

    const stranger = await reply('+8613999999999', `A ${id}`);
    assert.equal(stranger.status, 200);
    assert.match(stranger.text, /this phone number is not registered/);
    assert.match(stranger.text, /此手机号未登记/);
    const wrongCode = await reply(p.plannerPhone, 'A 999999');
    assert.match(wrongCode.text, /未找到异常单 999999/);
    const gibberish = await reply(p.plannerPhone, 'hello?');
    assert.match(gibberish.text, /回复 A &lt;单号&gt; 确认/);
    // Someone registered, but not paged for this case.
    const other = await plant('TW2B');
    const notMine = await reply(other.plannerPhone, `A ${id}`);
    assert.match(notMine.text, new RegExp(`case ${id} was not found, or you were not paged for it`));

    assert.equal((await c.get(id)).status, 'open');
    assert.ok(!(await c.types(id)).includes('acked'));
  });

  it('takes a decision by digit, asks for the link when the option needs details, and resolves with "R <code> <text>"', async () => {
    const p = await plant('TW3');
    const id = await orderDelay('TW3');
    await c.task(id, 'plan');
    await h.twilio!.waitFor((r) => r.form.To === p.plannerPhone);

    const needsDate = await reply(p.plannerPhone, `${id} 1`);
    assert.match(needsDate.text, /needs details \(New plan date\); use the link in the message/);
    const outOfRange = await reply(p.plannerPhone, `D ${id} 7`);
    assert.match(outOfRange.text, /choose 1 to 2: 1=.+, 2=Keep the plan/);
    assert.equal((await c.get(id)).live?.tasks.find((t) => t.key === 'plan')?.status, 'open');

    const decided = await reply(p.plannerPhone, `D ${id} 2`);
    assert.match(decided.text, /"Keep the plan: the order can catch up" recorded/);
    const afterDecision = await c.waitFor(
      id,
      'the plan decided',
      (x) => x.live?.tasks.find((t) => t.key === 'plan')?.status === 'done',
    );
    const decision = (await c.events(id)).find((e) => e.type === 'decision')!;
    assert.equal(decision.data.option, 'keep_plan');
    assert.equal(decision.actor, `person:${p.planner}`);
    assert.equal(afterDecision.status, 'acknowledged');

    const resolved = await reply(p.plannerPhone, `r ${id} customer agreed, line caught up`);
    assert.match(resolved.text, /resolved\. Thank you/);
    const done = await c.get(id);
    assert.equal(done.status, 'resolved');
    assert.equal(done.resolution, 'customer agreed, line caught up');
  });

  it('records a failed delivery reported by Twilio on the outbox and the timeline', async () => {
    const p = await plant('TW4');
    const id = await orderDelay('TW4');
    const sms = await h.twilio!.waitFor((r) => r.form.To === p.plannerPhone);
    await c.waitForEvent(id, 'notified');
    assert.equal((await statusCallback(sms.sid!, 'undelivered', { ErrorCode: '30003' })).status, 204);
    const events = await c.waitForEvent(id, 'notification_failed', (e) => e.data.providerId === sms.sid);
    assert.equal(events.find((e) => e.type === 'notification_failed')!.data.errorCode, '30003');
    const row = (await outbox(id)).find((r) => r.channel === 'sms')!;
    assert.equal(row.status, 'failed');
    // A late "delivered" does not resurrect it, and a repeated callback writes nothing twice.
    await statusCallback(sms.sid!, 'undelivered', { ErrorCode: '30003' });
    assert.equal((await c.types(id)).filter((t) => t === 'notification_failed').length, 1);
  });
});

describe('failover', () => {
  it('SMTP down: the mail is retried with backoff, recorded as failed, and the person gets an SMS instead', async () => {
    const p = await plant('FO1', { channels: ['email'] });
    h.smtpDown(true);
    try {
      const id = await orderDelay('FO1');
      const sms = await h.twilio!.waitFor((r) => r.form.To === p.plannerPhone, 60_000);
      assert.match(sms.form.Body!, new RegExp(`Andon #${id} `));
      const events = await c.waitForEvent(id, 'notified');
      const failed = events.find((e) => e.type === 'notification_failed')!;
      assert.deepEqual(
        (failed.data.recipients as Array<{ channel: string; to: string }>).map((r) => [r.channel, r.to]),
        [['email', p.plannerEmail]],
      );
      const notified = events.find((e) => e.type === 'notified')!;
      assert.deepEqual(notified.data.recipients, [
        {
          personId: p.planner,
          name: 'Planner FO1',
          channel: 'sms',
          to: p.plannerPhone,
          status: 'sent',
          failoverFrom: 'email',
        },
      ]);
      const rows = await outbox(id);
      const mailRow = rows.find((r) => r.channel === 'email')!;
      assert.equal(mailRow.status, 'failed');
      assert.equal(mailRow.attempts, 5);
      const smsRow = rows.find((r) => r.channel === 'sms')!;
      assert.equal(smsRow.status, 'sent');
      assert.equal(smsRow.failoverOf, mailRow.id);
      assert.ok(!h.mail.messages.some((m) => m.subject.includes(`#${id}`)));
    } finally {
      h.smtpDown(false);
    }
  });

  it('a number Twilio rejects for good (400): no retries, the person gets an email at once', async () => {
    const p = await plant('FO2', { channels: ['sms'] });
    h.twilio!.failNext(1);
    const id = await orderDelay('FO2');
    const mail = await h.mail.waitFor((m) => m.to.includes(p.plannerEmail) && m.subject.includes(`#${id}`));
    assert.match(mail.text, /Acknowledge, give an ETA, decide or resolve on your phone: http/);
    const rows = await outbox(id);
    const smsRow = rows.find((r) => r.channel === 'sms')!;
    assert.equal(smsRow.status, 'failed');
    assert.equal(smsRow.attempts, 1);
    assert.equal(rows.find((r) => r.channel === 'email')!.failoverOf, smsRow.id);
  });
});

describe('action links and the mobile page', () => {
  it('shows the facts on GET without changing anything, acts once on POST, and refuses reuse', async () => {
    const p = await plant('AL1', { channels: ['email'] });
    const id = await orderDelay('AL1');
    await c.task(id, 'plan');
    const mail = await h.mail.waitFor((m) => m.to.includes(p.plannerEmail) && m.subject.includes(`#${id}`));
    // The facts a person needs, and a signed link in both the text and the HTML.
    assert.match(mail.text, /What: Order delay: order SO-AL1/);
    assert.match(mail.text, /Where: AL1 \/ ST-10/);
    assert.match(mail.text, /Since: \d{4}-\d{2}-\d{2}T/);
    assert.match(mail.text, /Asked: /);
    assert.match(mail.text, /Please acknowledge by \d{4}-\d{2}-\d{2}T/);
    assert.match(mail.text, /Choices: 1\. .+; 2\. Keep the plan/);
    const token = linkIn(mail.text);
    assert.ok(mail.html.includes(`href="${h.url}/a/${token}"`));

    for (let i = 0; i < 2; i++) {
      // A mail scanner (or the person) opening the link changes nothing.
      const page = await fetch(`${h.url}/a/${token}`);
      assert.equal(page.status, 200);
      assert.equal(page.headers.get('cache-control'), 'no-store');
      const html = await page.text();
      assert.match(html, /<meta name="viewport"/);
      assert.match(html, new RegExp(`Andon case #${id}`));
      assert.match(html, /Planner AL1/);
      assert.match(html, /value="ack".*Acknowledge/s);
      assert.match(html, /name="etaMinutes"/);
      assert.match(html, /value="keep_plan"/);
      assert.match(html, /name="f_newDate" type="date"/);
      assert.match(html, /name="resolution"/);
    }
    assert.equal((await c.get(id)).status, 'open');

    const post = (body: Record<string, string>, t = token) =>
      fetch(`${h.url}/a/${t}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(body).toString(),
      });
    const acked = await post({ action: 'ack' });
    assert.equal(acked.status, 200);
    const done = await acked.text();
    assert.match(done, /Done: acknowledged/);
    assert.equal((await c.get(id)).status, 'acknowledged');
    const ack = (await c.events(id)).find((e) => e.type === 'acked')!;
    assert.equal(ack.actor, `person:${p.planner}`);
    assert.equal(ack.data.note, 'via action link');

    // Used: a second POST (any action) and a GET say so, and change nothing.
    const again = await post({ action: 'resolve', resolution: 'x' });
    assert.equal(again.status, 410);
    assert.match(await again.text(), /already been used\. Nothing was changed/);
    assert.equal((await fetch(`${h.url}/a/${token}`)).status, 410);
    assert.equal((await c.get(id)).status, 'acknowledged');

    // The page after the action offers a fresh link for what is left: a decision with its field.
    const next = linkIn(done);
    assert.notEqual(next, token);
    const decided = await post({ action: 'decide', option: 'new_date', f_newDate: '2026-12-03' }, next);
    assert.equal(decided.status, 200, await decided.clone().text());
    const decision = await c.waitForEvent(id, 'decision');
    assert.deepEqual(decision.find((e) => e.type === 'decision')!.data.data, { newDate: '2026-12-03' });
  });

  it('refuses forged, tampered and expired links with a clear page, and changes nothing', async () => {
    const p = await plant('AL2', { channels: ['email'] });
    const id = await orderDelay('AL2');
    await c.task(id, 'plan');
    const mail = await h.mail.waitFor((m) => m.to.includes(p.plannerEmail) && m.subject.includes(`#${id}`));
    const token = linkIn(mail.text);
    const [payload, sig] = token.split('.') as [string, string];

    // Another person's id in a link signed for this one.
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const swapped = Buffer.from(JSON.stringify({ ...claims, p: p.supervisor })).toString('base64url');
    const flipped = `${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`;
    const expired = h.links.sign(
      { p: p.planner, c: id, t: 'plan' },
      { expiresAt: new Date(Date.now() - 1000) },
    );
    const cases: Array<[string, number, RegExp]> = [
      [`${swapped}.${sig}`, 403, /This link is not valid/],
      [`${payload}.${flipped}`, 403, /This link is not valid/],
      ['not-a-token', 403, /此链接无效/],
      [expired, 410, /This link has expired/],
    ];
    for (const [t, status, text] of cases) {
      const get = await fetch(`${h.url}/a/${t}`);
      assert.equal(get.status, status, t);
      assert.match(await get.text(), text);
      const post = await fetch(`${h.url}/a/${t}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'action=ack',
      });
      assert.equal(post.status, status);
    }
    assert.equal((await c.get(id)).status, 'open');
    assert.ok(!(await c.types(id)).includes('acked'));
    assert.equal((await h.db('action_link_uses').where({ case_id: id })).length, 0);
  });

  it('writes mail, SMS and the page in the recipient’s language', async () => {
    const p = await plant('AL3', { locale: 'zh-CN' });
    const id = await orderDelay('AL3');
    await c.task(id, 'plan');
    const mail = await h.mail.waitFor((m) => m.to.includes(p.plannerEmail) && m.subject.includes(`#${id}`));
    assert.match(mail.subject, new RegExp(`Andon 异常 #${id}：订单延误（order_delay）— AL3 / ST-10`));
    assert.match(mail.text, /Planner AL3，您好：/);
    assert.match(mail.text, /地点：AL3 \/ ST-10/);
    assert.match(mail.text, /请在 .+ 之前确认/);
    assert.match(mail.text, /在手机上确认、报告预计完成时间、做出决定或解决：http/);
    assert.match(mail.html, /<html lang="zh-CN">/);
    assert.match(mail.html, /立即处理/);
    const sms = await h.twilio!.waitFor((r) => r.form.To === p.plannerPhone);
    assert.match(sms.form.Body!, new RegExp(`回复 A ${id} 确认，R ${id} <说明> 解决。`));

    const page = await (await fetch(`${h.url}/a/${linkIn(mail.text)}`)).text();
    assert.match(page, /<html lang="zh-CN">/);
    assert.match(page, /确认收到/);
    assert.match(page, /报告预计完成时间/);
    assert.match(page, /解决此异常/);
  });
});

describe('acting from a message before its page has returned', () => {
  it('waits for the page in flight and acknowledges, instead of refusing the person it paged', async () => {
    const p = await plant('RC1', { channels: ['email'] });
    const release = h.mail.hold();
    try {
      const id = await orderDelay('RC1');
      const mail = await h.mail.waitFor((m) => m.to.includes(p.plannerEmail) && m.subject.includes(`#${id}`));
      // The page activity is still waiting for the mail server, so the workflow does not know yet
      // whom it paged: the person's ack must wait for it, not be refused.
      const acting = fetch(`${h.url}/a/${linkIn(mail.text)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'action=ack',
      });
      await eventually(async () => {
        const history = await h.temporal.workflow.getHandle(`case-${id}`).fetchHistory();
        return (history.events ?? []).some((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
      }, 'the workflow to accept the ack while the page is in flight');
      release();
      const res = await acting;
      assert.equal(res.status, 200, await res.text());
      assert.equal((await c.get(id)).status, 'acknowledged');
    } finally {
      release();
    }
  });
});

describe('FYI', () => {
  it('tells the earlier level when the escalated person acknowledges', async () => {
    const p = await plant('FY1', { channels: ['email'], ackTimeoutSeconds: 1 });
    const id = await orderDelay('FY1');
    const escalated = await h.mail.waitFor((m) => m.to.includes(p.supEmail) && m.subject.includes(`#${id}`));
    assert.match(escalated.subject, /^\[ESCALATED\]/);
    const res = await fetch(`${h.url}/a/${linkIn(escalated.text)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=ack',
    });
    assert.equal(res.status, 200);
    const fyi = await h.mail.waitFor((m) => m.to.includes(p.plannerEmail) && m.subject.startsWith('[FYI]'));
    assert.equal(fyi.subject, `[FYI] Andon case #${id} acknowledged`);
    assert.match(fyi.text, /was acknowledged by Supervisor FY1\. No action is needed from you\./);
    // Once: the acknowledging supervisor gets none, and a repeat of the write sends nothing again.
    const rows = await outbox(id);
    assert.deepEqual(
      rows.filter((r) => r.template === 'fyi_acked').map((r) => [r.recipient, r.status]),
      [[p.plannerEmail, 'sent']],
    );
  });

  it('fails over like a page: a FYI mail that cannot go out reaches the person by SMS, once', async () => {
    const p = await plant('FY2', { channels: ['email'], ackTimeoutSeconds: 1 });
    const id = await orderDelay('FY2');
    const escalated = await h.mail.waitFor((m) => m.to.includes(p.supEmail) && m.subject.includes(`#${id}`));
    h.smtpDown(true);
    try {
      const res = await fetch(`${h.url}/a/${linkIn(escalated.text)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'action=ack',
      });
      assert.equal(res.status, 200);
      const sms = await h.twilio!.waitFor(
        (r) => r.form.To === p.plannerPhone && /acknowledged/.test(r.form.Body!),
      );
      assert.match(sms.form.Body!, new RegExp(`Andon case #${id} .* was acknowledged by Supervisor FY2\\.`));
      // The outbox marks the SMS sent once Twilio has answered, just after the fake saw it.
      const fyi = await eventually(async () => {
        const rows = (await outbox(id)).filter((r) => r.template === 'fyi_acked');
        return rows.length === 2 && rows[1]!.status !== 'queued' && rows;
      }, 'the FYI rows settled');
      assert.deepEqual(
        fyi.map((r) => [r.channel, r.recipient, r.status]),
        [
          ['email', p.plannerEmail, 'failed'],
          ['sms', p.plannerPhone, 'sent'],
        ],
      );
      assert.equal(fyi[1]!.failoverOf, fyi[0]!.id);
      assert.equal(fyi[0]!.attempts, 1);
    } finally {
      h.smtpDown(false);
    }
  });
});
