/**
 * Every way in parses with the same contracts and answers 4xx, never 5xx (issue 9, items 7, 8, 9,
 * 11): authority from a message follows the task's assignment, staff never see contacts, hostile
 * dates, bytes and ids are 400s on REST, web forms, action links and SMS, and the messages say what
 * really happened. Real HTTP against a whole Andon.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import twilio from 'twilio';
import { hashPassword } from '../lib/passwords.js';
import { caseBody } from './helpers/bodies.js';
import { caseApi, type ProblemJson } from './helpers/cases.js';
import { startHarness, TEST_TWILIO, type Harness } from './helpers/harness.js';

let h: Harness;
let c: ReturnType<typeof caseApi>;
const password = 'correct horse battery staple';
const cookies: Record<'staff' | 'supervisor', string> = { staff: '', supervisor: '' };

before(async () => {
  h = await startHarness(fileURLToPath(import.meta.url));
  c = caseApi(h);
  for (const role of ['staff', 'supervisor'] as const) {
    const id = await h.addPerson({ name: `Web ${role}`, roles: [{ role: 'supervisor', line: 'ZZ' }] });
    await h
      .db('people')
      .where({ id })
      .update({ password_hash: await hashPassword(password), web_role: role });
    const res = await fetch(`${h.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: `web.${role}@test.local`, password }).toString(),
    });
    cookies[role] = /andon_session=([^;]*)/.exec(res.headers.get('set-cookie') ?? '')![1]!;
  }
});

after(async () => {
  await h?.stop();
});

let seq = 0;
/** A line with planner A (paged by email, with a phone) and B, who holds no planner role there. */
async function plant(line: string) {
  const n = ++seq;
  const aPhone = `+8613700${String(n).padStart(5, '0')}`;
  const a = await h.addPerson({ name: `Planner ${line}`, phone: aPhone, roles: [{ role: 'planner', line }] });
  const b = await h.addPerson({
    name: `Backup ${line}`,
    phone: `+8613800${String(n).padStart(5, '0')}`,
    roles: [],
  });
  await h.setPolicy({
    type: 'order_delay',
    line,
    ladder: [{ targetRole: 'planner', channels: ['email'], ackTimeoutSeconds: 600 }],
  });
  const aEmail = `planner.${line.toLowerCase()}@test.local`;
  return { a, b, aPhone, aEmail, bEmail: `backup.${line.toLowerCase()}@test.local` };
}

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

const form = (path: string, fields: Record<string, string>, cookie?: string) =>
  fetch(`${h.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'accept-language': 'en',
      ...(cookie ? { cookie: `andon_session=${cookie}` } : {}),
    },
    body: new URLSearchParams(fields).toString(),
  });

const webPage = (path: string, role: 'staff' | 'supervisor' = 'supervisor') =>
  fetch(`${h.url}${path}`, {
    redirect: 'manual',
    headers: { cookie: `andon_session=${cookies[role]}`, 'accept-language': 'en' },
  });

let sid = 0;
/** An SMS reply, signed as Twilio signs it. */
async function sms(from: string, body: string): Promise<{ status: number; text: string; sid: string }> {
  const url = `${h.url}/webhooks/twilio/sms`;
  const params = {
    MessageSid: `SM${'e'.repeat(24)}${String(++sid).padStart(8, '0')}`,
    AccountSid: TEST_TWILIO.sid,
    From: from,
    To: TEST_TWILIO.from,
    Body: body,
  };
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(TEST_TWILIO.token, url, params),
    },
    body: new URLSearchParams(params).toString(),
  });
  return { status: res.status, text: await res.text(), sid: params.MessageSid };
}

describe('authority from a message follows the assignment', () => {
  it("after a reassignment, the old assignee's link and SMS change nothing and say why; the new one's work", async () => {
    const p = await plant('RA1');
    const id = await orderDelay('RA1');
    await c.task(id, 'plan');
    const mail = await h.mail.waitFor((m) => m.to.includes(p.aEmail) && m.subject.includes(`#${id}`));
    const oldLink = linkIn(mail.text);

    const moved = await c.post(id, 'reassign', { taskKey: 'plan', personId: p.b, reason: 'A is off sick' });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    await c.waitFor(id, 'the plan task with B', (x) =>
      Boolean(x.live?.tasks.find((t) => t.key === 'plan')?.assignees.some((a) => a.personId === p.b)),
    );

    const view = await (await fetch(`${h.url}/a/${oldLink}`)).text();
    assert.match(view, /not \(or no longer\) assigned to you/);
    assert.doesNotMatch(view, /value="ack"/);
    const post = await form(`/a/${oldLink}`, { action: 'ack' });
    assert.equal(post.status, 409);
    assert.match(await post.text(), /not \(or no longer\) assigned to you/);
    const resolve = await form(`/a/${oldLink}`, { action: 'resolve', resolution: 'done by A' });
    assert.equal(resolve.status, 409);

    for (const text of [`A ${id}`, `R ${id} done by A`, `D ${id} 2`]) {
      const answer = await sms(p.aPhone, text);
      assert.equal(answer.status, 200);
      assert.match(answer.text, new RegExp(`case ${id}: not done: `), text);
    }
    const now = await c.get(id);
    assert.equal(now.status, 'open');
    assert.ok(!(await c.types(id)).some((t) => t === 'acked' || t === 'resolved' || t === 'decision'));

    // B, who holds the task now, acts from their own message.
    const bMail = await h.mail.waitFor((m) => m.to.includes(p.bEmail) && m.subject.includes(`#${id}`));
    const ok = await form(`/a/${linkIn(bMail.text)}`, { action: 'ack' });
    assert.equal(ok.status, 200, await ok.clone().text());
    const ack = (await c.events(id)).find((e) => e.type === 'acked')!;
    assert.equal(ack.actor, `person:${p.b}`);
  });
});

describe('contacts', () => {
  it('are hidden from staff in the timeline and on the case page, shown to supervisors', async () => {
    const p = await plant('CT1');
    const id = await orderDelay('CT1');
    await c.waitForEvent(id, 'notified');
    const staffTimeline = await h.api('GET', `/api/v1/cases/${id}/timeline`, { key: h.keys.staff });
    assert.equal(staffTimeline.status, 200);
    const staffJson = JSON.stringify(staffTimeline.body);
    assert.ok(!staffJson.includes(p.aEmail) && !staffJson.includes(p.aPhone), staffJson);
    assert.match(staffJson, /"to":"\(hidden\)"/);
    const supJson = JSON.stringify(
      (await h.api('GET', `/api/v1/cases/${id}/timeline`, { key: h.keys.supervisor })).body,
    );
    assert.ok(supJson.includes(p.aEmail));

    const staffPage = await (await webPage(`/cases/${id}`, 'staff')).text();
    assert.ok(!staffPage.includes(p.aEmail), 'no address on the staff case page');
    assert.match(staffPage, /\(hidden\)/);
    const supPage = await (await webPage(`/cases/${id}`, 'supervisor')).text();
    assert.ok(supPage.includes(p.aEmail), 'the supervisor sees the address');
  });
});

describe('hostile input', () => {
  it('year-0000 dates and NUL bytes in query strings are 400s naming the field', async () => {
    const bad: Array<[string, string, string]> = [
      ['/api/v1/cases?from=0000-01-01T00:00:00Z', 'from', h.keys.staff],
      ['/api/v1/cases?to=0000-12-31T00:00:00Z', 'to', h.keys.staff],
      ['/api/v1/cases?line=L%001', 'line', h.keys.staff],
      ['/api/v1/cases?type=%00', 'type', h.keys.staff],
      ['/api/v1/reports/summary?from=0000-01-01', 'from', h.keys.supervisor],
      ['/api/v1/reports/summary?line=%00', 'line', h.keys.supervisor],
      ['/api/v1/rosters/on-duty?role=planner&line=L%001', 'line', h.keys.supervisor],
      ['/api/v1/notifications?caseId=1e3', 'caseId', h.keys.supervisor],
    ];
    for (const [path, field, key] of bad) {
      const res = await h.api<ProblemJson>('GET', path, { key });
      assert.equal(res.status, 400, `${path}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.errors?.[0]?.field, field, path);
    }
  });

  it('loose path ids are 400s on every route, and act on nothing', async () => {
    await h.setPolicy({
      type: 'quality_failure',
      line: 'ID1',
      ladder: [{ targetRole: 'qc_engineer', ackTimeoutSeconds: 600 }],
    });
    const policy = await h.db('escalation_policies').where({ line: 'ID1' }).first<{ id: number }>('id');
    const caseId = await c.open('order_delay');
    const loose = (n: number) => [
      `%20${n}`,
      `${n}%0A`,
      `0x${n.toString(16)}`,
      `${n}e0`,
      `+${n}`,
      `${n}.0`,
      `0${n}`,
    ];
    for (const v of loose(policy.id)) {
      const del = await h.api('DELETE', `/api/v1/policies/${v}`);
      assert.equal(del.status, 400, `DELETE /policies/${v}`);
      assert.equal((await h.api('GET', `/api/v1/policies/${v}`)).status, 400);
    }
    assert.ok(
      await h.db('escalation_policies').where({ id: policy.id }).first('id'),
      'the policy is still there',
    );
    for (const v of loose(caseId)) {
      assert.equal((await h.api('GET', `/api/v1/cases/${v}`)).status, 400, `GET /cases/${v}`);
      assert.equal((await h.api('POST', `/api/v1/cases/${v}/ack`, { body: {} })).status, 400);
      assert.equal((await h.api('POST', `/api/v1/people/${v}/unlock`)).status, 400);
      assert.equal((await webPage(`/cases/${v}`)).status, 400, `web /cases/${v}`);
      assert.equal((await form(`/cases/${v}/act/ack`, {}, cookies.supervisor)).status, 400);
    }
    assert.equal((await c.get(caseId)).status, 'open');
  });

  it('web forms parse with the REST contracts: bad text and numbers are 400s naming the field', async () => {
    await plant('WF1');
    const id = await orderDelay('WF1');
    await c.task(id, 'plan');
    const act = async (action: string, fields: Record<string, string>) => {
      const res = await form(`/cases/${id}/act/${action}`, fields, cookies.supervisor);
      return { status: res.status, text: await res.text() };
    };
    const cases: Array<[string, Record<string, string>, RegExp]> = [
      ['comment', { text: 'a\u0000b' }, /text: contains a NUL character/],
      ['comment', { text: '   ' }, /text: must not be empty/],
      ['resolve', { resolution: '' }, /resolution: must not be empty/],
      [
        'resolve',
        { resolution: 'ok', rootCause: 'x\ufffe' },
        /rootCause: contains the Unicode non-character U\+FFFE/,
      ],
      ['close', { downtimeMinutes: '1.5' }, /downtimeMinutes: must be whole minutes/],
      ['close', { downtimeMinutes: '-500' }, /downtimeMinutes: must not be negative/],
      ['close', { downtimeMinutes: '99999999999' }, /downtimeMinutes: is more than a year/],
      ['close', { downtimeMinutes: 'soon' }, /downtimeMinutes: must be a number of minutes/],
      ['reassign', { taskKey: 'plan', role: 'astronaut' }, /role: must be one of/],
      ['reassign', { taskKey: 'plan', personId: '0x10' }, /personId: must be a person id/],
      ['decide', { taskKey: 'plan', option: '' }, /option: must be one of the task&#39;s option ids/],
    ];
    for (const [action, fields, message] of cases) {
      const r = await act(action, fields);
      assert.equal(r.status, 400, `${action} ${JSON.stringify(fields)}`);
      assert.match(r.text, message);
    }
    assert.equal((await c.get(id)).status, 'open');
    assert.ok(!(await c.types(id)).includes('comment'));
    // A refusal by the workflow is a 409 with its reason; a case that does not exist is a 404.
    const refused = await act('close', {});
    assert.equal(refused.status, 409);
    const missing = await form('/cases/99999999/act/ack', {}, cookies.supervisor);
    assert.equal(missing.status, 404);
    assert.doesNotMatch(await missing.text(), /finished/);
    const ok = await act('comment', { text: 'checked the line' });
    assert.equal(ok.status, 303);
    // After all that, the case still acts, and its row agrees with its workflow.
    const acked = await act('ack', {});
    assert.equal(acked.status, 303);
    const now = await c.get(id);
    assert.equal(now.status, 'acknowledged');
    assert.equal(now.live?.status, now.status);
  });

  it('action links parse with the same contracts and stay usable after a refusal', async () => {
    const p = await plant('AL9');
    const id = await orderDelay('AL9');
    await c.task(id, 'plan');
    const mail = await h.mail.waitFor((m) => m.to.includes(p.aEmail) && m.subject.includes(`#${id}`));
    const link = `/a/${linkIn(mail.text)}`;
    for (const [fields, message] of [
      [{ action: 'eta', etaMinutes: '1.5' }, /Please fill in: Done in \(minutes\)/],
      [{ action: 'eta', etaMinutes: '0' }, /Please fill in: Done in \(minutes\)/],
      [{ action: 'eta', etaMinutes: '999999' }, /Please fill in: Done in \(minutes\)/],
      [{ action: 'resolve', resolution: 'a\u0000b' }, /resolution: contains a NUL character/],
      [{ action: 'resolve', resolution: ' ' }, /resolution: must not be empty/],
      [{ action: 'decide', option: 'new_date', f_newDate: '0000-01-01' }, /newDate must be a date/],
      [{ action: 'launch' }, /Please fill in: action/],
    ] as Array<[Record<string, string>, RegExp]>) {
      const res = await form(link, fields);
      assert.equal(res.status, 400, JSON.stringify(fields));
      assert.match(await res.text(), message);
    }
    assert.equal((await fetch(`${h.url}${link}`)).status, 200, 'the link is still usable');
    const eta = await form(link, { action: 'eta', etaMinutes: '45' });
    assert.equal(eta.status, 200);
    const now = await c.get(id);
    assert.ok(now.live?.tasks.find((t) => t.key === 'plan')?.eta, 'the ETA is recorded');
    assert.equal(now.live?.status, now.status);
  });

  it('SMS replies: text Andon cannot keep is refused politely, numbers by the same limits', async () => {
    const p = await plant('SM9');
    const id = await orderDelay('SM9');
    await c.task(id, 'plan');
    for (const body of [`R ${id} fixed\u0000it`, `R ${id} bell\u0007`]) {
      const answer = await sms(p.aPhone, body);
      assert.equal(answer.status, 200);
      assert.match(answer.text, /characters Andon cannot keep/);
      assert.equal(await h.db('sms_inbound').where({ message_sid: answer.sid }).first('id'), undefined);
    }
    const eta = await sms(p.aPhone, `E ${id} 99999`);
    assert.match(eta.text, new RegExp(`case ${id}: not done: minutes: at most a week`));
    assert.equal((await c.get(id)).status, 'open');
    const ok = await sms(p.aPhone, `R ${id} customer agreed`);
    assert.match(ok.text, /resolved\. Thank you/);
  });
});

describe('answers say what happened', () => {
  it('a report of the same source and external id as another type is a 409 naming type', async () => {
    const body = caseBody('order_delay');
    const first = await h.api<{ id: number }>('POST', '/api/v1/cases', { key: h.keys.mes, body });
    assert.equal(first.status, 201);
    const same = await h.api<{ id: number }>('POST', '/api/v1/cases', { key: h.keys.mes, body });
    assert.equal(same.status, 200);
    assert.equal(same.body.id, first.body.id);
    const other = await h.api<ProblemJson>('POST', '/api/v1/cases', {
      key: h.keys.mes,
      body: { ...caseBody('equipment_fault'), externalId: body.externalId },
    });
    assert.equal(other.status, 409);
    assert.equal(other.body.errors?.[0]?.field, 'type');
    assert.match(other.body.detail, /as order_delay/);
  });

  it('an action on a case that does not exist is a 404, not "finished"', async () => {
    const res = await h.api<ProblemJson>('POST', '/api/v1/cases/99999999/ack', { body: {} });
    assert.equal(res.status, 404);
    assert.equal(res.body.detail, 'case 99999999 does not exist');
  });
});
