/**
 * The walking skeleton end to end, on real parts: REST API → Postgres → Temporal workflow →
 * SMTP, and the human actions back through workflow updates.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { caseBody } from './helpers/bodies.js';
import { startHarness, uid, type Harness } from './helpers/harness.js';
import { eventually } from './helpers/wait.js';
import { freePort } from '../lib/temporal-dev-server.js';

interface CaseBody {
  id: number;
  status: string;
  type: string;
  escalationLevel: number;
  live: { status: string; escalationLevel: number } | null;
}
interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: Array<{ field: string; message: string }>;
}
interface Timeline {
  events: Array<{ type: string; actor: string; data: Record<string, unknown> }>;
}

let h: Harness;

before(async () => {
  h = await startHarness(fileURLToPath(import.meta.url));
  await h.addPerson({ name: 'Li Wei', roles: [{ role: 'maintenance', line: 'L1' }] });
  await h.addPerson({ name: 'Wang Fang', locale: 'zh-CN', roles: [{ role: 'purchasing' }] });
  await h.addPerson({ name: 'Zhang Min', roles: [{ role: 'qc_engineer' }] });
  await h.addPerson({ name: 'Chen Jie', roles: [{ role: 'planner' }] });
  await h.addPerson({ name: 'Sue Supervisor', roles: [{ role: 'supervisor' }] });
  await h.addPerson({ name: 'Tom Escalation', roles: [{ role: 'maintenance', line: 'L-ESC' }] });
  await h.addPerson({ name: 'Pat Manager', roles: [{ role: 'plant_manager' }] });
});

after(async () => {
  await h?.stop();
});

const timelineTypes = async (id: number): Promise<string[]> =>
  (await h.api<Timeline>('GET', `/api/v1/cases/${id}/timeline`)).body.events.map((e) => e.type);

const waitForEvent = (id: number, type: string): Promise<string[]> =>
  eventually(async () => {
    const types = await timelineTypes(id);
    return types.includes(type) ? types : null;
  }, `a ${type} event on case ${id}`);

describe('opening a case', () => {
  for (const type of ['material_shortage', 'equipment_fault', 'quality_failure', 'order_delay'] as const) {
    it(`accepts a ${type} and emails the responsible role`, async () => {
      const res = await h.api<CaseBody>('POST', '/api/v1/cases', { key: h.keys.mes, body: caseBody(type) });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.type, type);
      assert.equal(res.body.status, 'open');
      assert.equal(res.headers.get('location'), `/api/v1/cases/${res.body.id}`);
      const mail = await h.mail.waitFor((m) => m.subject.includes(`#${res.body.id}`));
      assert.match(mail.subject, new RegExp(type));
      assert.match(mail.text, new RegExp(`${res.body.id}`));
    });
  }

  it('returns the same case for a repeated report (200), without a second workflow or mail', async () => {
    const body = caseBody('order_delay');
    const first = await h.api<CaseBody>('POST', '/api/v1/cases', { key: h.keys.mes, body });
    const second = await h.api<CaseBody>('POST', '/api/v1/cases', { key: h.keys.mes, body });
    assert.equal(first.status, 201);
    assert.equal(second.status, 200);
    assert.equal(second.body.id, first.body.id);
    const types = await waitForEvent(first.body.id, 'notified');
    assert.equal(types.filter((t) => t === 'opened').length, 1);
    assert.equal(types.filter((t) => t === 'notified').length, 1);
  });

  it('turns 20 concurrent duplicates into one case', async () => {
    const body = caseBody('order_delay');
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => h.api<CaseBody>('POST', '/api/v1/cases', { key: h.keys.mes, body })),
    );
    const ids = new Set(responses.map((r) => r.body.id));
    assert.equal(ids.size, 1);
    assert.deepEqual(responses.map((r) => r.status).sort(), [...Array<number>(19).fill(200), 201]);
    const rows = await h
      .db('cases')
      .where({ external_id: body.externalId })
      .count<{ count: string }[]>({ count: '*' });
    assert.equal(Number(rows[0]?.count), 1);
    const id = responses[0]!.body.id;
    await waitForEvent(id, 'notified');
    const opened = (await timelineTypes(id)).filter((t) => t === 'opened');
    assert.equal(opened.length, 1);
    const notes = await h.api<{ notifications: unknown[] }>('GET', `/api/v1/notifications?caseId=${id}`, {
      key: h.keys.supervisor,
    });
    assert.equal(notes.body.notifications.length, 1);
  });
});

describe('the closed loop', () => {
  it('goes open → emailed → acknowledged → resolved → closed, with the timeline in order', async () => {
    const opened = await h.api<CaseBody>('POST', '/api/v1/cases', {
      key: h.keys.mes,
      body: caseBody('equipment_fault', { equipment: { equipmentId: 'PRESS-3', faultCode: 'E42' } }),
    });

    assert.equal(opened.status, 201);
    const id = opened.body.id;

    const mail = await h.mail.waitFor((m) => m.subject.includes(`#${id}`));
    assert.deepEqual(mail.to, ['li.wei@test.local']);
    assert.match(mail.text, /equipment_fault/);
    assert.match(mail.text, new RegExp(`#${id}`));
    await waitForEvent(id, 'notified');

    const live = await h.api<CaseBody>('GET', `/api/v1/cases/${id}`, { key: h.keys.staff });
    assert.equal(live.status, 200);
    assert.equal(live.body.live?.status, 'open');

    const ack = await h.api<CaseBody>('POST', `/api/v1/cases/${id}/ack`, {
      key: h.keys.staff,
      body: { note: 'on my way' },
    });
    assert.equal(ack.status, 200, JSON.stringify(ack.body));
    assert.equal(ack.body.status, 'acknowledged');

    const again = await h.api<Problem>('POST', `/api/v1/cases/${id}/ack`, { key: h.keys.staff });
    assert.equal(again.status, 409);
    assert.match(again.body.detail, /acknowledged/);

    const early = await h.api<Problem>('POST', `/api/v1/cases/${id}/close`, { key: h.keys.supervisor });
    assert.equal(early.status, 409);
    assert.equal(early.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    assert.match(early.body.detail, /must be resolved before it can be closed/);

    const resolved = await h.api<CaseBody>('POST', `/api/v1/cases/${id}/resolve`, {
      key: h.keys.staff,
      body: { resolution: 'replaced the hydraulic valve', rootCause: 'worn seal' },
    });
    assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
    assert.equal(resolved.body.status, 'resolved');

    const gated = await h.api<Problem>('POST', `/api/v1/cases/${id}/close`, { key: h.keys.supervisor });
    assert.equal(gated.status, 409);
    assert.match(gated.body.detail, /closing a equipment_fault case needs downtimeMinutes/);

    const closed = await h.api<CaseBody & { closedAt: string | null }>('POST', `/api/v1/cases/${id}/close`, {
      key: h.keys.supervisor,
      body: { note: 'verified running', downtimeMinutes: 42 },
    });
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    assert.equal(closed.body.status, 'closed');
    assert.ok(closed.body.closedAt);

    const core = ['opened', 'notified', 'acked', 'resolved', 'closed'];
    assert.deepEqual(
      (await timelineTypes(id)).filter((t) => core.includes(t)),
      core,
    );

    const afterClose = await h.api<Problem>('POST', `/api/v1/cases/${id}/ack`, { key: h.keys.staff });
    assert.equal(afterClose.status, 409);
  });

  it('escalates to the next level when nobody acknowledges in time', async () => {
    await h.setPolicy({
      type: 'equipment_fault',
      line: 'L-ESC',
      ladder: [
        { targetRole: 'maintenance', ackTimeoutSeconds: 2 },
        { targetRole: 'supervisor', ackTimeoutSeconds: 600 },
      ],
    });
    const opened = await h.api<CaseBody>('POST', '/api/v1/cases', {
      key: h.keys.mes,
      body: caseBody('equipment_fault', {
        line: 'L-ESC',
        equipment: { equipmentId: 'CNC-7', faultCode: 'SPINDLE' },
      }),
    });
    assert.equal(opened.status, 201);
    const id = opened.body.id;

    const first = await h.mail.waitFor((m) => m.subject.includes(`#${id}`));
    assert.deepEqual(first.to, ['tom.escalation@test.local']);
    const escalated = await h.mail.waitFor(
      (m) => m.subject.includes(`#${id}`) && m.to.includes('sue.supervisor@test.local'),
    );
    assert.match(escalated.subject, /ESCALATED/);
    assert.match(escalated.text, /level 1/);

    const events = await eventually(async () => {
      const t = (await h.api<Timeline>('GET', `/api/v1/cases/${id}/timeline`)).body.events;
      return t.filter((e) => e.type === 'notified').length === 2 ? t : null;
    }, 'the escalation to be recorded');
    assert.deepEqual(
      events.map((e) => e.type).filter((t) => ['opened', 'notified', 'escalated'].includes(t)),
      ['opened', 'notified', 'escalated', 'notified'],
    );
    assert.deepEqual(events.find((e) => e.type === 'escalated')?.data, {
      toLevel: 1,
      role: 'supervisor',
      reason: 'ack_timeout',
      task: 'repair',
    });

    const live = await h.api<CaseBody>('GET', `/api/v1/cases/${id}`, { key: h.keys.staff });
    assert.equal(live.body.live?.escalationLevel, 1);
    assert.equal(live.body.escalationLevel, 1);
  });

  it('skips a level where nobody holds the role, and says why', async () => {
    await h.setPolicy({
      type: 'equipment_fault',
      line: 'L-EMPTY',
      ladder: [
        { targetRole: 'maintenance', ackTimeoutSeconds: 600 },
        { targetRole: 'plant_manager', ackTimeoutSeconds: 600 },
      ],
    });
    // Nobody holds maintenance on L-EMPTY (Li Wei is on L1, Tom on L-ESC).
    const opened = await h.api<CaseBody>('POST', '/api/v1/cases', {
      key: h.keys.mes,
      body: caseBody('equipment_fault', {
        line: 'L-EMPTY',
        equipment: { equipmentId: 'OVEN-1', faultCode: 'TEMP' },
      }),
    });
    const id = opened.body.id;
    const mail = await h.mail.waitFor((m) => m.subject.includes(`#${id}`));
    assert.deepEqual(mail.to, ['pat.manager@test.local']);
    const events = (
      await eventually(async () => {
        const t = await h.api<Timeline>('GET', `/api/v1/cases/${id}/timeline`);
        return t.body.events.some((e) => e.type === 'notified') ? t : null;
      }, 'notified')
    ).body.events;
    const skipped = events.find((e) => e.type === 'escalation_skipped');
    assert.match(String(skipped?.data.reason), /nobody holds role maintenance on line L-EMPTY/);
    assert.deepEqual(
      events
        .map((e) => e.type)
        .filter((t) => ['opened', 'escalation_skipped', 'escalated', 'notified'].includes(t)),
      ['opened', 'escalation_skipped', 'escalated', 'notified'],
    );
  });
});

describe('delivery', () => {
  it('retries a mail the SMTP server refuses, and sends it exactly once', async () => {
    h.mail.rejectNext(1);
    const opened = await h.api<CaseBody>('POST', '/api/v1/cases', {
      key: h.keys.mes,
      body: caseBody('quality_failure'),
    });
    const id = opened.body.id;
    await h.mail.waitFor((m) => m.subject.includes(`#${id}`));
    await waitForEvent(id, 'notified');
    const res = await h.api<{
      notifications: Array<{ status: string; attempts: number; channel: string; recipient: string }>;
    }>('GET', `/api/v1/notifications?caseId=${id}`, { key: h.keys.supervisor });
    assert.equal(res.body.notifications.length, 1);
    assert.equal(res.body.notifications[0]!.status, 'sent');
    assert.equal(res.body.notifications[0]!.attempts, 2);
    assert.equal(h.mail.messages.filter((m) => m.subject.includes(`#${id}`)).length, 1);
  });

  it('accepts a report while Temporal is unreachable (202) and starts it once it can', async () => {
    const deadTemporal = `127.0.0.1:${await freePort()}`;
    const cutOff = await h.startAnother({ temporalAddress: deadTemporal, runWorker: false, runApi: true });
    const body = caseBody('material_shortage');
    const res = await fetch(`${cutOff.url}/api/v1/cases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.keys.mes}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 202);
    const accepted = (await res.json()) as CaseBody;
    assert.equal(accepted.status, 'pending_start');
    // The reconciler of the API that can reach Temporal starts it.
    await h.mail.waitFor((m) => m.subject.includes(`#${accepted.id}`));
    const now = await eventually(async () => {
      const r = await h.api<CaseBody>('GET', `/api/v1/cases/${accepted.id}`);
      return r.body.status === 'open' ? r : null;
    }, 'the case to be started');
    assert.equal(now.body.id, accepted.id);
    // Shutting down while Temporal is unreachable must be clean too (no uncaught client retries).
    await cutOff.stop();
  });
});

describe('input validation', () => {
  const post = (body: unknown) => h.api<Problem>('POST', '/api/v1/cases', { key: h.keys.mes, body });
  const fields = (p: Problem) => (p.errors ?? []).map((e) => e.field);

  it('names a missing type-specific field', async () => {
    const body = caseBody('material_shortage');
    delete (body.material as Record<string, unknown>).itemCode;
    const res = await post(body);
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    assert.deepEqual(fields(res.body), ['material.itemCode']);
    assert.match(res.body.detail, /material\.itemCode/);
  });

  it('names an unknown exception type', async () => {
    const res = await post(caseBody('equipment_fault', { type: 'coffee_shortage' }));
    assert.equal(res.status, 400);
    assert.deepEqual(fields(res.body), ['type']);
  });

  it('names each bad field at once', async () => {
    const res = await post(
      caseBody('quality_failure', {
        severity: 'apocalyptic',
        line: '',
        quality: { lot: 'L', itemCode: 'I', defectCode: 'D', qtyAffected: -3 },
      }),
    );
    assert.equal(res.status, 400);
    assert.deepEqual(fields(res.body).sort(), ['line', 'quality.qtyAffected', 'severity']);
  });

  it('refuses a promised date after the projected one, and unknown fields', async () => {
    const late = await post(
      caseBody('order_delay', {
        order: { orderId: 'SO-1', promisedDate: '2026-12-05', projectedDate: '2026-12-01' },
      }),
    );
    assert.equal(late.status, 400);
    assert.deepEqual(fields(late.body), ['order.projectedDate']);
    const extra = await post(caseBody('equipment_fault', { colour: 'red' }));
    assert.equal(extra.status, 400);
    assert.match(extra.body.detail, /colour/);
  });

  it('refuses a body that is not JSON, or not sent as JSON', async () => {
    const broken = await h.api<Problem>('POST', '/api/v1/cases', {
      key: h.keys.mes,
      rawBody: '{"source": ',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(broken.status, 400);
    assert.deepEqual(fields(broken.body), ['body']);
    const form = await h.api<Problem>('POST', '/api/v1/cases', {
      key: h.keys.mes,
      rawBody: 'source=mes',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(form.status, 415);
  });

  it('names a bad case id and answers 404 for an unknown one', async () => {
    const bad = await h.api<Problem>('GET', '/api/v1/cases/abc', { key: h.keys.staff });
    assert.equal(bad.status, 400);
    assert.deepEqual(fields(bad.body), ['id']);
    const missing = await h.api<Problem>('GET', '/api/v1/cases/999999', { key: h.keys.staff });
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  });

  it('names a missing resolution', async () => {
    const opened = await h.api<CaseBody>('POST', '/api/v1/cases', {
      key: h.keys.mes,
      body: caseBody('order_delay'),
    });
    const res = await h.api<Problem>('POST', `/api/v1/cases/${opened.body.id}/resolve`, {
      key: h.keys.staff,
      body: {},
    });
    assert.equal(res.status, 400);
    assert.deepEqual(fields(res.body), ['resolution']);
    const q = await h.api<Problem>('GET', '/api/v1/notifications?caseId=x', { key: h.keys.supervisor });
    assert.equal(q.status, 400);
    assert.deepEqual(fields(q.body), ['caseId']);
  });
});

describe('authentication and roles', () => {
  it('answers 401 without a key or with an unknown one', async () => {
    const none = await h.api<Problem>('GET', '/api/v1/cases/1', { key: null });
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer');
    assert.equal(none.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    const wrong = await h.api<Problem>('GET', '/api/v1/cases/1', { key: `andon_${uid()}` });
    assert.equal(wrong.status, 401);
  });

  it('answers 403 when the role is not enough', async () => {
    const staffOpens = await h.api<Problem>('POST', '/api/v1/cases', {
      key: h.keys.staff,
      body: caseBody('order_delay'),
    });
    assert.equal(staffOpens.status, 403);
    assert.match(staffOpens.body.detail, /mes or supervisor/);
    const mesReads = await h.api<Problem>('GET', '/api/v1/cases/1', { key: h.keys.mes });
    assert.equal(mesReads.status, 403);
    const staffCloses = await h.api<Problem>('POST', '/api/v1/cases/1/close', { key: h.keys.staff });
    assert.equal(staffCloses.status, 403);
    const staffReadsOutbox = await h.api<Problem>('GET', '/api/v1/notifications?caseId=1', {
      key: h.keys.staff,
    });
    assert.equal(staffReadsOutbox.status, 403);
  });

  it('lets a supervisor open a case and an admin do everything', async () => {
    const sup = await h.api<CaseBody>('POST', '/api/v1/cases', {
      key: h.keys.supervisor,
      body: caseBody('order_delay'),
    });
    assert.equal(sup.status, 201);
    const adm = await h.api<CaseBody>('GET', `/api/v1/cases/${sup.body.id}`, { key: h.keys.admin });
    assert.equal(adm.status, 200);
  });

  it('serves health without a key', async () => {
    const res = await h.api<{ status: string }>('GET', '/healthz', { key: null });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'ok');
    const ready = await h.api<{ status: string }>('GET', '/readyz', { key: null });
    assert.equal(ready.status, 200);
  });

  it('publishes an OpenAPI 3.1 document of routes that exist and need a key', async () => {
    const res = await fetch(`${h.url}/openapi.json`);
    assert.equal(res.status, 200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          {
            security: Array<Record<string, unknown>>;
            requestBody?: { content: Record<string, { schema: { oneOf?: unknown[]; anyOf?: unknown[] } }> };
          }
        >
      >;
    };
    assert.equal(doc.openapi, '3.1.0');
    const open = doc.paths['/api/v1/cases']!.post!.requestBody!.content['application/json']!.schema;
    assert.equal((open.oneOf ?? open.anyOf)?.length, 4);
    // The document also lists what needs no key (webhooks, links, pages): those are walked in
    // test/openapi.test.ts; here, every route that needs a key asks for one.
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const method of Object.keys(ops).filter((m) => ops[m]!.security.some((s) => 'bearer' in s))) {
        const url = path.replace('{id}', '999999').replace('{code}', 'order_delay');
        const r = await fetch(`${h.url}${url}`, { method: method.toUpperCase() });
        assert.equal(r.status, 401, `${method.toUpperCase()} ${path} is routed and asks for a key`);
      }
    }
  });

  it('exposes Prometheus metrics: requests by route, cases opened and active', async () => {
    const res = await fetch(`${h.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    const text = await res.text();
    assert.match(text, /andon_cases_opened_total\{type="order_delay"\} [1-9]/);
    assert.match(text, /andon_cases_active\{type="[a-z_]+",status="(open|acknowledged)"\} [1-9]/);
    assert.match(
      text,
      /andon_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/cases",status="201"\} [1-9]/,
    );
    assert.match(text, /andon_process_cpu_user_seconds_total/);
  });
});
