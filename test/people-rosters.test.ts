/**
 * People, lines, shift patterns and rosters through the admin API, and paging through them with the
 * clock as an input: the night-shift person is paged at night and the day-shift person by day, a
 * cover override wins, and nobody on shift moves the ladder on with the reason on the timeline.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { caseApi, type ProblemJson } from './helpers/cases.js';
import { startHarness, type Harness } from './helpers/harness.js';

let h: Harness;
let c: ReturnType<typeof caseApi>;
let clock = new Date('2026-03-10T10:00:00Z');

before(async () => {
  h = await startHarness(fileURLToPath(import.meta.url), { now: () => clock });
  c = caseApi(h);
});

after(async () => {
  await h?.stop();
});

interface PersonJson {
  id: number;
  name: string;
  email: string | null;
  phone: string | null;
  locale: string;
  active: boolean;
  roles: Array<{ role: string; line: string | null }>;
}

const post = <T = Record<string, unknown>>(path: string, body: unknown, key = h.keys.admin) =>
  h.api<T>('POST', `/api/v1${path}`, { key, body });

describe('people', () => {
  it('creates, reads, updates and deactivates a person', async () => {
    const created = await post<PersonJson>('/people', {
      name: 'Xu Ming',
      email: 'xu.ming@plant.example',
      phone: '+8613800001111',
      locale: 'zh-CN',
      roles: [{ role: 'maintenance', line: 'L9' }, { role: 'qc_engineer' }],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.headers.get('location'), `/api/v1/people/${created.body.id}`);
    assert.deepEqual(created.body.roles, [
      { role: 'maintenance', line: 'L9' },
      { role: 'qc_engineer', line: null },
    ]);
    const id = created.body.id;
    const put = await h.api<PersonJson>('PUT', `/api/v1/people/${id}`, {
      body: { name: 'Xu Ming', phone: '+8613800001112', locale: 'en', roles: [{ role: 'planner' }] },
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.email, null);
    assert.equal(put.body.locale, 'en');
    assert.deepEqual(put.body.roles, [{ role: 'planner', line: null }]);
    const list = await h.api<{ people: PersonJson[] }>('GET', '/api/v1/people?role=planner');
    assert.ok(list.body.people.some((p) => p.id === id));
    const gone = await h.api<PersonJson>('DELETE', `/api/v1/people/${id}`);
    assert.equal(gone.body.active, false);
    assert.equal((await h.api('GET', '/api/v1/people/999999')).status, 404);
  });

  it('names every bad field (problem+json), refuses a phone in use (409) and non-admins (403)', async () => {
    const bad = await post<ProblemJson>('/people', {
      name: '',
      email: 'not-an-email',
      phone: '0138 0000 1111',
      locale: 'fr',
      roles: [{ role: 'janitor' }],
    });
    assert.equal(bad.status, 400);
    assert.match(bad.headers.get('content-type') ?? '', /application\/problem\+json/);
    const fields = bad.body.errors!.map((e) => e.field).sort();
    assert.deepEqual(fields, ['email', 'locale', 'name', 'phone', 'roles.0.role']);
    assert.match(bad.body.errors!.find((e) => e.field === 'phone')!.message, /E\.164/);

    const noContact = await post<ProblemJson>('/people', { name: 'Nobody', roles: [] });
    assert.equal(noContact.status, 400);
    assert.deepEqual(
      noContact.body.errors!.map((e) => e.field),
      ['email'],
    );

    assert.equal((await post('/people', { name: 'A', phone: '+8613800002222' })).status, 201);
    const dup = await post<ProblemJson>('/people', { name: 'B', phone: '+8613800002222' });
    assert.equal(dup.status, 409);
    assert.deepEqual(
      dup.body.errors!.map((e) => e.field),
      ['phone'],
    );
    assert.equal(
      (await post('/people', { name: 'C', phone: '+8613800003333' }, h.keys.supervisor)).status,
      403,
    );
  });
});

describe('rosters', () => {
  it('validates lines, shifts and dates, naming the fields', async () => {
    const person = await post<PersonJson>('/people', { name: 'Val Roster', email: 'val@plant.example' });
    const noLine = await post<ProblemJson>('/rosters/entries', {
      personId: person.body.id,
      role: 'maintenance',
      line: 'NOPE',
      shift: 'A',
      validFrom: '2026-03-01',
    });
    assert.equal(noLine.status, 400);
    assert.deepEqual(
      noLine.body.errors!.map((e) => e.field),
      ['line'],
    );
    assert.equal(
      (await h.api('PUT', '/api/v1/rosters/lines/RV', { body: { name: 'Roster validation' } })).status,
      200,
    );
    const badShift = await post<ProblemJson>('/rosters/entries', {
      personId: person.body.id,
      role: 'maintenance',
      line: 'RV',
      shift: 'Z',
      validFrom: '2026-03-01',
    });
    assert.deepEqual(
      badShift.body.errors!.map((e) => e.field),
      ['shift'],
    );
    const badDates = await post<ProblemJson>('/rosters/entries', {
      personId: person.body.id,
      role: 'maintenance',
      line: 'RV',
      shift: 'A',
      validFrom: '2026-03-10',
      validTo: '2026-03-01',
    });
    assert.deepEqual(
      badDates.body.errors!.map((e) => e.field),
      ['validTo'],
    );
    const override = (o: Record<string, unknown>) =>
      post<ProblemJson>('/rosters/overrides', {
        personId: person.body.id,
        role: 'maintenance',
        kind: 'cover',
        startsAt: '2026-03-10T12:00:00Z',
        endsAt: '2026-03-10T13:00:00Z',
        ...o,
      });
    assert.deepEqual(
      (await override({ kind: 'holiday', startsAt: 'noon' })).body.errors!.map((e) => e.field).sort(),
      ['kind', 'startsAt'],
    );
    assert.deepEqual(
      (await override({ endsAt: '2026-03-10T11:00:00Z' })).body.errors!.map((e) => e.field),
      ['endsAt'],
    );
    const badPattern = await post<ProblemJson>('/rosters/shift-patterns', {
      name: 'two',
      timeZone: 'Mars/Olympus',
      shifts: [
        { name: 'day', startHour: 7 },
        { name: 'day', startHour: 25 },
      ],
    });
    assert.deepEqual(badPattern.body.errors!.map((e) => e.field).sort(), [
      'shifts', // a repeated name
      'shifts.1.startHour',
      'timeZone',
    ]);
  });

  it('pages the night-shift person at night and the day-shift person by day; a cover wins; nobody on shift moves the ladder on', async () => {
    assert.equal(
      (await h.api('PUT', '/api/v1/rosters/lines/RN', { body: { name: 'Night line' } })).status,
      200,
    );
    // A two-shift pattern in the plant's time zone: day 07:00–19:00, night 19:00–07:00 (Shanghai).
    const pattern = await post<{ id: number }>('/rosters/shift-patterns', {
      name: 'two-shift',
      timeZone: 'Asia/Shanghai',
      shifts: [
        { name: 'day', startHour: 7 },
        { name: 'night', startHour: 19 },
      ],
    });
    assert.equal(pattern.status, 201, JSON.stringify(pattern.body));
    const person = async (name: string, shift: string | null) => {
      const p = await post<PersonJson>('/people', {
        name,
        email: `${name.toLowerCase().replace(/\W+/g, '.')}@plant.example`,
        roles: [{ role: 'maintenance', line: 'RN' }],
      });
      assert.equal(p.status, 201, JSON.stringify(p.body));
      if (shift) {
        const e = await post('/rosters/entries', {
          personId: p.body.id,
          role: 'maintenance',
          line: 'RN',
          patternId: pattern.body.id,
          shift,
          validFrom: '2026-03-01',
          validTo: '2026-03-31',
        });
        assert.equal(e.status, 201, JSON.stringify(e.body));
      }
      return p.body;
    };
    const nina = await person('Nina Night', 'night');
    const dan = await person('Dan Day', 'day');
    await person('Rolf Roleonly', null); // holds the role, but the line has a roster: not paged
    const sue = await post<PersonJson>('/people', {
      name: 'Sue Shiftsup',
      email: 'sue.shiftsup@plant.example',
      roles: [{ role: 'supervisor', line: 'RN' }],
    });
    await h.setPolicy({
      type: 'equipment_fault',
      line: 'RN',
      ladder: [
        { targetRole: 'maintenance', ackTimeoutSeconds: 600 },
        { targetRole: 'supervisor', ackTimeoutSeconds: 600 },
      ],
    });
    const paged = async (): Promise<{ id: number; names: string[] }> => {
      const id = await c.open('equipment_fault', { line: 'RN' });
      const task = await c.task(id, 'repair');
      return { id, names: task.assignees.map((a) => a.name) };
    };

    // 02:30 in Shanghai (18:30 UTC the day before): the night shift that started on the 10th.
    clock = new Date('2026-03-10T18:30:00Z');
    assert.deepEqual((await paged()).names, ['Nina Night']);
    const duty = await h.api<{ source: string; people: Array<{ name: string }> }>(
      'GET',
      `/api/v1/rosters/on-duty?role=maintenance&line=RN&at=${encodeURIComponent('2026-03-11T01:00:00Z')}`,
    );
    assert.equal(duty.body.source, 'roster');
    assert.deepEqual(
      duty.body.people.map((p) => p.name),
      ['Dan Day'],
    );

    // 10:00 in Shanghai: the day shift.
    clock = new Date('2026-03-11T02:00:00Z');
    const day = await paged();
    assert.deepEqual(day.names, ['Dan Day']);
    const mail = await h.mail.waitFor((m) => m.subject.includes(`#${day.id}`));
    assert.deepEqual(mail.to, ['dan.day@plant.example']);

    // Nina covers the day shift today: the cover replaces the roster for its period.
    const cover = await post<{ id: number }>('/rosters/overrides', {
      personId: nina.id,
      role: 'maintenance',
      line: 'RN',
      kind: 'cover',
      startsAt: '2026-03-11T00:00:00Z',
      endsAt: '2026-03-11T04:00:00Z',
      note: 'Dan at the dentist',
    });
    assert.equal(cover.status, 201, JSON.stringify(cover.body));
    assert.deepEqual((await paged()).names, ['Nina Night']);
    assert.equal((await h.api('DELETE', `/api/v1/rosters/overrides/${cover.body.id}`)).status, 204);

    // After the roster's last day nobody is on shift: the ladder moves to the supervisor at once.
    clock = new Date('2026-04-02T02:00:00Z');
    const none = await paged();
    assert.deepEqual(none.names, ['Sue Shiftsup']);
    const events = await c.events(none.id);
    const skipped = events.find((e) => e.type === 'escalation_skipped')!;
    assert.match(
      String(skipped.data.reason),
      /nobody holding role maintenance is on shift day on line RN, and nobody is on call/,
    );
    assert.ok(events.some((e) => e.type === 'escalated' && e.data.toLevel === 1));

    // Someone on call covers that gap.
    const onCall = await post('/rosters/overrides', {
      personId: dan.id,
      role: 'maintenance',
      line: 'RN',
      kind: 'on_call',
      startsAt: '2026-04-01T00:00:00Z',
      endsAt: '2026-04-03T00:00:00Z',
    });
    assert.equal(onCall.status, 201);
    assert.deepEqual((await paged()).names, ['Dan Day']);
    assert.ok(sue.body.id > 0);
  });

  it('moves on when the person on duty has no usable contact, and says why', async () => {
    await h.addPerson({ name: 'Mute Person', email: null, roles: [{ role: 'qc_engineer', line: 'RQ' }] });
    await h.addPerson({ name: 'Quinn Sup', roles: [{ role: 'supervisor', line: 'RQ' }] });
    await h.setPolicy({
      type: 'quality_failure',
      line: 'RQ',
      ladder: [
        { targetRole: 'qc_engineer', ackTimeoutSeconds: 600 },
        { targetRole: 'supervisor', ackTimeoutSeconds: 600 },
      ],
    });
    clock = new Date();
    const id = await c.open('quality_failure', { line: 'RQ' });
    const events = await c.waitForEvent(id, 'escalated', (e) => e.data.toLevel === 1);
    const skipped = events.find((e) => e.type === 'escalation_skipped')!;
    assert.match(
      String(skipped.data.reason),
      /no usable contact \(email\) .* Mute Person has no email or phone/,
    );
  });
});
