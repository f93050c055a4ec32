/**
 * MES write-back and outgoing webhooks, on real parts: a receiver that checks the signature gets
 * every change of a case once and in order — through an outage — each delivery retried with
 * backoff by a Temporal activity, logged, and (for the MES of the case's source) on the timeline.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { caseBody } from './helpers/bodies.js';
import { caseApi, type CaseJson, type ProblemJson } from './helpers/cases.js';
import { startHarness, uid, type Harness } from './helpers/harness.js';
import { recordWorkflowHistory } from './helpers/histories.js';
import { eventually } from './helpers/wait.js';
import { openApiDocument } from '../api/openapi.js';
import { webhookEvent } from '../domain/contracts/webhooks.js';
import { WebhookReceiver, type Received } from './helpers/webhook-receiver.js';

interface Endpoint {
  id: number;
  secret: string;
  source: string | null;
  events: string[];
  pending: number;
  lastDelivery: Delivery | null;
}
interface Delivery {
  id: number;
  eventType: string;
  status: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  caseId: number | null;
}

let h: Harness;
const receiver = new WebhookReceiver();

before(async () => {
  h = await startHarness(fileURLToPath(import.meta.url));
  await h.addPerson({ name: 'Li Wei', roles: [{ role: 'maintenance', line: 'L1' }] });
  await h.addPerson({ name: 'Sue Supervisor', roles: [{ role: 'supervisor' }] });
  await receiver.up();
});

after(async () => {
  await receiver.down();
  await h?.stop();
});

async function addEndpoint(path: string, body: Record<string, unknown>): Promise<Endpoint> {
  const res = await h.api<Endpoint>('POST', '/api/v1/webhooks', {
    body: { name: `receiver ${path}`, url: `${receiver.url}${path}`, ...body },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.match(res.body.secret, /^whsec_/);
  receiver.secrets.set(path, res.body.secret);
  return res.body;
}

/** Opens an equipment fault from `source`, acks, resolves (with root cause and downtime), closes. */
async function fullLoop(source: string): Promise<number> {
  const c = caseApi(h);
  const opened = await h.api<CaseJson>('POST', '/api/v1/cases', {
    key: h.keys.mes,
    // Down since now: the downtime threshold is far, so the SOP makes one ERP document, not two.
    body: caseBody('equipment_fault', {
      source,
      equipment: { equipmentId: 'PRESS-3', faultCode: uid('E'), downSince: new Date().toISOString() },
    }),
  });
  assert.equal(opened.status, 201, JSON.stringify(opened.body));
  const id = opened.body.id;
  await c.task(id, 'repair');
  assert.equal((await c.post(id, 'ack', {}, h.keys.staff)).status, 200);
  const resolved = await c.post(id, 'resolve', {
    resolution: 'Replaced the hydraulic valve',
    rootCause: 'Worn valve seal',
    downtimeMinutes: 42,
  });
  assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
  assert.equal((await c.post(id, 'close', { note: 'verified' })).status, 200);
  return id;
}

const EXPECTED_LOOP = [
  'case.opened',
  'case.erp_document',
  'case.acknowledged',
  'case.resolved',
  'case.closed',
];

/** The events of case `id` taken at `path`, in arrival order. */
const takenFor = (path: string, id: number): Received[] =>
  receiver.taken(path).filter((r) => r.body.case?.id === id);

describe('MES write-back', () => {
  it('POSTs every change of the source’s cases, signed, once each, in order, and records it on the timeline', async () => {
    const source = uid('mes');
    const path = `/mes/${source}`;
    await addEndpoint(path, { source });
    const other = await h.api<CaseJson>('POST', '/api/v1/cases', {
      key: h.keys.mes,
      body: caseBody('order_delay', { source: uid('other-mes') }),
    });
    const id = await fullLoop(source);
    const got = await receiver.until(() => {
      const mine = takenFor(path, id);
      return mine.length >= EXPECTED_LOOP.length && mine;
    }, 'the whole loop at the MES');
    assert.deepEqual(
      got.map((r) => r.body.type),
      EXPECTED_LOOP,
    );
    assert.ok(got.every((r) => r.signatureValid));
    for (const r of got) {
      const parsed = webhookEvent.safeParse(r.body);
      assert.ok(
        parsed.success,
        `${r.body.type} fits the documented schema: ${JSON.stringify(parsed.error?.issues)}`,
      );
    }
    assert.equal(new Set(got.map((r) => r.body.id)).size, got.length, 'one event id per change');
    assert.ok(got.every((r) => r.headers['x-andon-event-id'] === r.body.id));
    assert.ok(got.every((r) => r.headers['x-andon-event'] === r.body.type));
    const resolved = got.find((r) => r.body.type === 'case.resolved')!;
    assert.equal(resolved.body.case?.status, 'resolved');
    assert.equal(resolved.body.case?.resolution, 'Replaced the hydraulic valve');
    assert.equal(resolved.body.case?.rootCause, 'Worn valve seal');
    assert.equal(resolved.body.case?.downtimeMinutes, 42);
    const record = (await h.api<{ externalId: string }>('GET', `/api/v1/cases/${id}`)).body;
    assert.equal(resolved.body.case?.externalId, record.externalId);
    const erp = got.find((r) => r.body.type === 'case.erp_document')!;
    assert.equal(erp.body.data.docType, 'maintenance_request');
    assert.equal(got[0]!.body.case?.status, 'open');
    assert.equal(got.at(-1)!.body.case?.status, 'closed');
    // Nothing of another source's case.
    assert.ok(!receiver.taken(path).some((r) => r.body.case?.id === other.body.id));

    const events = await caseApi(h).waitForEvent(
      id,
      'webhook_delivered',
      (e) => e.data.event === 'case.closed',
    );
    const delivered = events.filter((e) => e.type === 'webhook_delivered');
    assert.deepEqual(
      delivered.map((e) => e.data.event),
      EXPECTED_LOOP,
    );
    assert.ok(delivered.every((e) => e.data.status === 204));
  });

  it('gets every message once, in order, through a receiver outage', async () => {
    const source = uid('mes');
    const path = `/mes/${source}`;
    const endpoint = await addEndpoint(path, { source });
    // A plain outgoing webhook (no source) goes through the same outage.
    const hookPath = `/hook/${uid('outage')}`;
    await addEndpoint(hookPath, { events: ['case.opened', 'case.resolved', 'case.closed'] });
    await receiver.down();
    const id = await fullLoop(source);
    const cancelled = await h.api<CaseJson>('POST', '/api/v1/cases', {
      key: h.keys.mes,
      body: caseBody('order_delay', { source }),
    });
    assert.equal(
      (await caseApi(h).post(cancelled.body.id, 'cancel', { reason: 'reported twice' })).status,
      200,
    );
    // While it is down, the attempts fail and are logged; nothing is given up.
    await eventually(async () => {
      const log = await h.api<{ deliveries: Delivery[] }>(
        'GET',
        `/api/v1/webhooks/${endpoint.id}/deliveries`,
      );
      const first = log.body.deliveries.find((d) => d.caseId === id && d.eventType === 'case.opened');
      return (
        first &&
        first.attempts >= 3 &&
        first.status === 'pending' &&
        first.lastStatus === null &&
        first.lastError
      );
    }, 'failed attempts in the log');
    await receiver.up();
    const got = await receiver.until(() => {
      const mine = takenFor(path, id);
      const other = takenFor(path, cancelled.body.id);
      const hook = takenFor(hookPath, id);
      return (
        mine.length >= EXPECTED_LOOP.length && other.length >= 2 && hook.length >= 3 && { mine, other, hook }
      );
    }, 'the backlog after the outage');
    assert.deepEqual(
      got.hook.map((r) => r.body.type),
      ['case.opened', 'case.resolved', 'case.closed'],
    );
    assert.ok(got.hook.every((r) => r.signatureValid));
    assert.deepEqual(
      got.mine.map((r) => r.body.type),
      EXPECTED_LOOP,
    );
    assert.deepEqual(
      got.other.map((r) => r.body.type),
      ['case.opened', 'case.cancelled'],
    );
    assert.equal(got.other[1]!.body.data.reason, 'reported twice');
    assert.ok([...got.mine, ...got.other].every((r) => r.signatureValid));
    const endpointNow = await eventually(async () => {
      const e = (await h.api<Endpoint>('GET', `/api/v1/webhooks/${endpoint.id}`)).body;
      return e.pending === 0 && e;
    }, 'nothing left pending');
    assert.equal(endpointNow.lastDelivery?.status, 'delivered');
    assert.equal(endpointNow.lastDelivery?.lastStatus, 204);
    // Once each: nothing arrives twice.
    for (const at of [path, hookPath]) {
      const ids = receiver.taken(at).map((r) => r.body.id);
      assert.equal(new Set(ids).size, ids.length, `${at}: each event once`);
    }
    await recordWorkflowHistory(h, `webhook-${endpoint.id}-case-${id}`, 'webhook-delivery-outage');
  });

  it('retries answers other than 2xx, and a rotated secret signs from the next attempt on', async () => {
    const source = uid('mes');
    const path = `/mes/${source}`;
    const endpoint = await addEndpoint(path, { source, events: ['case.opened'] });
    receiver.failWith = 503;
    const id = (
      await h.api<CaseJson>('POST', '/api/v1/cases', {
        key: h.keys.mes,
        body: caseBody('order_delay', { source }),
      })
    ).body.id;
    await receiver.until(
      () => receiver.received.filter((r) => r.path === path && r.answered === 503).length >= 2,
      'two refused attempts',
    );
    const rotated = await h.api<Endpoint>('POST', `/api/v1/webhooks/${endpoint.id}/rotate-secret`);
    assert.equal(rotated.status, 200);
    assert.notEqual(rotated.body.secret, endpoint.secret);
    receiver.secrets.set(path, rotated.body.secret);
    receiver.failWith = null;
    const [taken] = await receiver.until(() => {
      const t = takenFor(path, id);
      return t.length > 0 && t;
    }, 'the delivery with the new secret');
    assert.ok(taken!.signatureValid);
    // Andon records the answer after the receiver has sent it.
    const d = await eventually(async () => {
      const log = await h.api<{ deliveries: Delivery[] }>(
        'GET',
        `/api/v1/webhooks/${endpoint.id}/deliveries`,
      );
      const found = log.body.deliveries.find((x) => x.caseId === id);
      return found?.status === 'delivered' && found;
    }, 'the delivery recorded as delivered');
    assert.equal(d.lastStatus, 204);
    assert.ok(d.attempts >= 3, `attempts ${d.attempts}`);
  });
});

describe('outgoing webhooks', () => {
  it('are documented: the event schema and the request under `webhooks` in /openapi.json', () => {
    const doc = openApiDocument() as {
      webhooks?: { caseEvent?: { post?: { parameters: Array<{ name: string }> } } };
      components: { schemas: Record<string, unknown> };
    };
    assert.ok(doc.components.schemas.WebhookEvent, 'WebhookEvent schema');
    assert.deepEqual(
      doc.webhooks?.caseEvent?.post?.parameters.map((p) => p.name),
      ['X-Andon-Event', 'X-Andon-Event-Id', 'X-Andon-Delivery', 'X-Andon-Timestamp', 'X-Andon-Signature'],
    );
  });

  it('sends only the chosen event types of every source, without timeline entries', async () => {
    const path = `/hook/${uid('all')}`;
    await addEndpoint(path, { events: ['case.opened', 'case.closed'] });
    const id = await fullLoop(uid('any-source'));
    const got = await receiver.until(() => {
      const t = takenFor(path, id);
      return t.length >= 2 && t;
    }, 'opened and closed');
    assert.deepEqual(
      got.map((r) => r.body.type),
      ['case.opened', 'case.closed'],
    );
    assert.ok(got.every((r) => r.signatureValid));
    assert.ok(!(await caseApi(h).types(id)).includes('webhook_failed'));
  });

  it('"send test event" posts a signed webhook.test now and answers what the receiver said', async () => {
    const path = `/hook/${uid('test')}`;
    const endpoint = await addEndpoint(path, {});
    const ok = await h.api<Delivery>('POST', `/api/v1/webhooks/${endpoint.id}/test`);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.status, 'delivered');
    assert.equal(ok.body.lastStatus, 204);
    const got = receiver.received.filter((r) => r.path === path);
    assert.equal(got.length, 1);
    assert.equal(got[0]!.body.type, 'webhook.test');
    assert.equal(got[0]!.body.case, null);
    assert.ok(got[0]!.signatureValid);

    receiver.failWith = 500;
    try {
      const failed = await h.api<Delivery>('POST', `/api/v1/webhooks/${endpoint.id}/test`);
      assert.equal(failed.body.status, 'failed');
      assert.equal(failed.body.lastStatus, 500);
      assert.match(failed.body.lastError ?? '', /answered 500/);
    } finally {
      receiver.failWith = null;
    }
    const log = await h.api<{ deliveries: Delivery[] }>('GET', `/api/v1/webhooks/${endpoint.id}/deliveries`);
    assert.deepEqual(
      log.body.deliveries.map((d) => [d.eventType, d.status]),
      [
        ['webhook.test', 'failed'],
        ['webhook.test', 'delivered'],
      ],
    );
    const listed = await h.api<{ webhooks: Endpoint[] }>('GET', '/api/v1/webhooks');
    const mine = listed.body.webhooks.find((w) => w.id === endpoint.id)!;
    assert.equal(mine.lastDelivery?.status, 'failed');
    assert.ok(!('secret' in mine), 'the secret is never shown again');
  });

  it('refuses plain http beyond this machine, unknown event types and non-admins, naming the field', async () => {
    const bad = async (body: Record<string, unknown>, field: string) => {
      const res = await h.api<ProblemJson>('POST', '/api/v1/webhooks', { body: { name: 'x', ...body } });
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.ok(
        res.body.errors?.some((e) => e.field === field),
        JSON.stringify(res.body),
      );
    };
    await bad({ url: 'http://mes.plant.example/andon' }, 'url');
    await bad({ url: 'ftp://mes.plant.example/andon' }, 'url');
    await bad({ url: 'https://user:pw@mes.plant.example/andon' }, 'url');
    await bad({ url: 'https://mes.plant.example/andon', events: ['case.exploded'] }, 'events.0');
    const staff = await h.api('POST', '/api/v1/webhooks', {
      key: h.keys.supervisor,
      body: { name: 'x', url: 'https://mes.plant.example/andon' },
    });
    assert.equal(staff.status, 403);
    const ok = await h.api<Endpoint>('POST', '/api/v1/webhooks', {
      body: { name: 'x', url: 'https://mes.plant.example/andon', enabled: false },
    });
    assert.equal(ok.status, 201);
    assert.equal((await h.api('DELETE', `/api/v1/webhooks/${ok.body.id}`)).status, 204);
    assert.equal((await h.api('GET', `/api/v1/webhooks/${ok.body.id}`)).status, 404);
  });

  it('disabling an endpoint cancels what waits for it', async () => {
    const path = `/hook/${uid('off')}`;
    const endpoint = await addEndpoint(path, { events: ['case.opened'] });
    await receiver.down();
    try {
      const id = await caseApi(h).open('order_delay');
      await eventually(async () => {
        const log = await h.api<{ deliveries: Delivery[] }>(
          'GET',
          `/api/v1/webhooks/${endpoint.id}/deliveries`,
        );
        return log.body.deliveries.some((d) => d.caseId === id && d.attempts >= 1);
      }, 'a failed attempt');
      const off = await h.api<Endpoint>('PUT', `/api/v1/webhooks/${endpoint.id}`, {
        body: { enabled: false },
      });
      assert.equal(off.status, 200);
      assert.equal(off.body.pending, 0);
      const log = await h.api<{ deliveries: Delivery[] }>(
        'GET',
        `/api/v1/webhooks/${endpoint.id}/deliveries?status=cancelled`,
      );
      assert.ok(log.body.deliveries.some((d) => d.caseId === id));
    } finally {
      await receiver.up();
    }
  });
});
