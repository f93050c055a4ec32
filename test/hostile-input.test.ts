/**
 * Issue 9's walk: every REST field that reaches a case, the MES events and the admin API, each
 * sent hostile text, numbers, sizes and dates. Every answer is a 4xx naming the field (never a 5xx),
 * and afterwards the case still takes an ack and its workflow state equals its database row.
 * (Web forms, action links and SMS replies are walked in entry-points.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { caseBody } from './helpers/bodies.js';
import { caseApi, type CaseJson, type ProblemJson } from './helpers/cases.js';
import { startHarness, uid, type Harness } from './helpers/harness.js';

let h: Harness;
let c: ReturnType<typeof caseApi>;

before(async () => {
  h = await startHarness(fileURLToPath(import.meta.url));
  c = caseApi(h);
  await h.addPerson({ name: 'Hostile Tech', roles: [{ role: 'maintenance', line: 'HX' }] });
  await h.setPolicy({
    type: 'equipment_fault',
    line: 'HX',
    ladder: [{ targetRole: 'maintenance', ackTimeoutSeconds: 3600 }],
  });
});

after(async () => {
  await h?.stop();
});

/** Text no field may keep: NUL, a lone surrogate, a non-character, a control character, far too long. */
const BAD_TEXT: Array<[string, string]> = [
  ['NUL', 'a\u0000b'],
  ['lone surrogate', 'a\ud800b'],
  ['non-character', 'a\ufffeb'],
  ['escape character', 'a\u001bb'],
  ['100 kB', 'x'.repeat(100_000)],
];
const BAD_MINUTES: unknown[] = [1.5, -500, 99_999_999_999, 1e308, '30'];

let refusals = 0;
/** Sends a body that must be refused with a 4xx naming `field` (or one of its parts). */
async function refused(
  method: string,
  path: string,
  body: unknown,
  field: string,
  key?: string,
): Promise<void> {
  // A raw JSON string is sent as it is (a 5,000-deep value is beyond JSON.stringify here).
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await h.api<ProblemJson>(method, path, {
    rawBody: raw,
    headers: { 'content-type': 'application/json' },
    ...(key ? { key } : {}),
  });
  const what = `${method} ${path} ${raw.slice(0, 120)}`;
  assert.ok(res.status >= 400 && res.status < 500, `${what} → ${res.status} ${JSON.stringify(res.body)}`);
  assert.equal(res.headers.get('content-type')?.split(';')[0], 'application/problem+json', what);
  const fields = (res.body.errors ?? []).map((e) => e.field);
  assert.ok(
    fields.some((f) => f === field || f.startsWith(`${field}.`)),
    `${what}: expected the field ${field} to be named, got ${JSON.stringify(res.body)}`,
  );
  refusals++;
}

/** The case still takes an ack, and what the workflow says equals what the database row says. */
async function stillActs(id: number): Promise<void> {
  const before = await c.get(id);
  if (before.status === 'open') {
    const ack = await h.api<CaseJson>('POST', `/api/v1/cases/${id}/ack`, { body: {}, key: h.keys.staff });
    assert.equal(ack.status, 200, JSON.stringify(ack.body));
  }
  const now = await c.get(id);
  assert.equal(now.live?.status, now.status, 'workflow state equals the database row');
}

describe('hostile input on every entry point', () => {
  it('POST /cases refuses bad text, quantities and dates in every field', async () => {
    const top = ['source', 'externalId', 'line', 'station', 'title', 'description', 'reasonCode'];
    for (const field of top)
      for (const [, bad] of BAD_TEXT)
        await refused(
          'POST',
          '/api/v1/cases',
          caseBody('equipment_fault', { [field]: bad }),
          field,
          h.keys.mes,
        );
    const facts: Array<[string, string, Record<string, unknown>]> = [
      ['equipment_fault', 'equipment', { equipmentId: 'PRESS-3', faultCode: 'E42' }],
      [
        'material_shortage',
        'material',
        { itemCode: 'RM-1', requiredQty: 5, uom: 'pcs', neededBy: '2026-12-01T00:00:00Z' },
      ],
      ['quality_failure', 'quality', { lot: 'L-1', itemCode: 'FG-1', defectCode: 'D1', qtyAffected: 4 }],
      ['order_delay', 'order', { orderId: 'SO-1', promisedDate: '2026-12-01', projectedDate: '2026-12-04' }],
    ];
    for (const [type, prop, good] of facts) {
      for (const [name, value] of Object.entries(good)) {
        const bads: unknown[] =
          typeof value === 'number'
            ? [1e308, -1, 0, 1.0000001, Number.MAX_SAFE_INTEGER]
            : /Date|neededBy/.test(name)
              ? ['0000-01-01T00:00:00Z', '0000-01-01', 'tomorrow', 'a\u0000b']
              : BAD_TEXT.map(([, v]) => v);
        for (const bad of bads)
          await refused(
            'POST',
            '/api/v1/cases',
            caseBody(type as 'equipment_fault', { [prop]: { ...good, [name]: bad } }),
            `${prop}.${name}`,
            h.keys.mes,
          );
      }
    }
    await refused(
      'POST',
      '/api/v1/cases',
      caseBody('equipment_fault', { occurredAt: '0000-01-01T00:00:00Z' }),
      'occurredAt',
      h.keys.mes,
    );
  });

  it('case actions refuse bad text and numbers in every field, and the case still acts', async () => {
    const id = await c.open('equipment_fault', { line: 'HX', externalId: uid('HX') });
    await c.task(id, 'repair');
    const actions: Array<[string, Record<string, unknown>, string[]]> = [
      ['ack', {}, ['note']],
      ['comments', {}, ['text']],
      ['decisions', { option: 'repaired' }, ['note', 'option']],
      ['eta', {}, []],
      ['resolve', { resolution: 'ok' }, ['resolution', 'rootCause', 'correctiveAction']],
      ['cancel', {}, ['reason']],
      ['reassign', { role: 'supervisor' }, ['reason']],
    ];
    for (const [action, base, fields] of actions) {
      const path = `/api/v1/cases/${id}/${action}`;
      for (const field of fields)
        for (const [, bad] of BAD_TEXT) {
          // A note may be empty but never hold what the text rule refuses; a 100 kB note is too long.
          await refused('POST', path, { ...base, [field]: bad }, field, h.keys.supervisor);
        }
    }
    for (const bad of BAD_MINUTES)
      await refused(
        'POST',
        `/api/v1/cases/${id}/resolve`,
        { resolution: 'ok', downtimeMinutes: bad },
        'downtimeMinutes',
      );
    for (const bad of ['0000-01-01T00:00:00Z', 'soon', 'a\u0000'])
      await refused('POST', `/api/v1/cases/${id}/eta`, { eta: bad }, 'eta');
    for (const [, bad] of BAD_TEXT)
      await refused(
        'POST',
        `/api/v1/cases/${id}/decisions`,
        { option: 'repaired', data: { eta: bad } },
        'data',
      );
    await refused(
      'POST',
      `/api/v1/cases/${id}/decisions`,
      { option: 'repaired', data: { n: 1e308 } },
      'data',
    );
    await refused('POST', `/api/v1/cases/${id}/reassign`, { personId: 1.5 }, 'personId', h.keys.supervisor);
    await stillActs(id);
  });

  it('closing refuses bad text and downtime after a resolve, and the case still closes', async () => {
    const id = await c.open('equipment_fault', { line: 'HX', externalId: uid('HX') });
    await c.task(id, 'repair');
    const resolved = await h.api('POST', `/api/v1/cases/${id}/resolve`, { body: { resolution: 'valve' } });
    assert.equal(resolved.status, 200);
    for (const field of ['note', 'rootCause', 'correctiveAction'])
      for (const [, bad] of BAD_TEXT)
        await refused('POST', `/api/v1/cases/${id}/close`, { [field]: bad }, field, h.keys.supervisor);
    for (const bad of BAD_MINUTES)
      await refused('POST', `/api/v1/cases/${id}/close`, { downtimeMinutes: bad }, 'downtimeMinutes');
    for (const [, bad] of BAD_TEXT)
      await refused('POST', `/api/v1/cases/${id}/reopen`, { reason: bad }, 'reason', h.keys.supervisor);
    const closed = await h.api<CaseJson>('POST', `/api/v1/cases/${id}/close`, {
      body: { rootCause: 'worn seal', downtimeMinutes: 25 },
      key: h.keys.supervisor,
    });
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    const row = await c.get(id);
    assert.equal(row.status, 'closed');
    assert.equal(row.downtimeMinutes, 25);
  });

  it('MES events refuse bad data, deep nesting, oversize and bad downtime, and the case still acts', async () => {
    const id = await c.open('equipment_fault', { line: 'HX', externalId: uid('HX') });
    await c.task(id, 'repair');
    const path = `/api/v1/cases/${id}/events`;
    const deep = `{"kind":"progress","data":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`;
    const bodies: Array<[Record<string, unknown> | string, string]> = [
      ...BAD_TEXT.slice(0, 4).map(
        ([, bad]) =>
          [{ kind: 'progress', data: { note: bad } }, 'data.note'] as [Record<string, unknown>, string],
      ),
      [{ kind: 'progress', data: { ['k\u0000']: 1 } }, 'data'],
      [deep, 'data'],
      [{ kind: 'progress', data: { blob: 'x'.repeat(900_000) } }, 'data'],
      ...BAD_MINUTES.map(
        (m) =>
          [{ kind: 'equipment_running', data: { downtimeMinutes: m } }, 'data.downtimeMinutes'] as [
            Record<string, unknown>,
            string,
          ],
      ),
      [{ kind: 'nonsense' }, 'kind'],
    ];
    for (const [body, field] of bodies) await refused('POST', path, body, field, h.keys.mes);
    await stillActs(id);
    // And a good clearing event with good downtime still resolves it.
    const cleared = await h.api<CaseJson>('POST', path, {
      body: { kind: 'equipment_running', data: { downtimeMinutes: 12 } },
      key: h.keys.mes,
    });
    assert.equal(cleared.status, 200, JSON.stringify(cleared.body));
    const row = await c.get(id);
    assert.equal(row.status, 'resolved');
    assert.equal(row.live?.status, 'resolved');
    assert.equal(row.downtimeMinutes, 12);
  });

  it('the admin API refuses bad text and numbers with the field named', async () => {
    for (const [, bad] of BAD_TEXT) {
      await refused('POST', '/api/v1/people', { name: bad, email: 'x@test.local' }, 'name');
      await refused(
        'PUT',
        '/api/v1/exception-types/equipment_fault',
        { nameEn: bad, nameZh: '设备故障' },
        'nameEn',
      );
      await refused('PUT', '/api/v1/rosters/lines/HX', { name: bad }, 'name');
      await refused(
        'POST',
        '/api/v1/rosters/shift-patterns',
        { name: bad, shifts: [{ name: 'A', startHour: 6 }] },
        'name',
      );
    }
    await refused(
      'POST',
      '/api/v1/policies',
      {
        type: 'equipment_fault',
        ladder: [{ targetRole: 'maintenance', channels: ['email'], ackTimeoutSeconds: 1.5 }],
        resolveSlaSeconds: 60,
      },
      'ladder',
    );
    await refused(
      'POST',
      '/api/v1/policies',
      {
        type: 'equipment_fault',
        ladder: [{ targetRole: 'maintenance', channels: ['email'], ackTimeoutSeconds: 60 }],
        resolveSlaSeconds: 1e308,
      },
      'resolveSlaSeconds',
    );
    await refused(
      'PUT',
      '/api/v1/exception-types/equipment_fault',
      { nameEn: 'x', nameZh: 'y', sopParams: { erpMaxAttempts: 1e9 } },
      'sopParams',
    );
    assert.ok(refusals > 150, `walked ${refusals} hostile requests`);
  });
});
