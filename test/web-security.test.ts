/**
 * The web's security over real HTTP (issue 9, items 4, 5, 6, 9 and 10): redirects after sign-in
 * stay on this site, the dev outbox is for supervisors, sign-in is throttled per address and locked
 * per account, sessions live on the server (logout and a new password end them), passwords are
 * argon2id (old scrypt hashes move over), malformed cookies are no cookie, headers forbid framing
 * and caching, live streams are capped per session, and the board says what it does not show.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { safeNext } from '../api/web/pages/login.js';
import { redactActionLinks } from '../lib/links.js';
import { hashPassword, legacyScryptHash, verifyPassword } from '../lib/passwords.js';
import { caseApi } from './helpers/cases.js';
import { startHarness, type Harness } from './helpers/harness.js';
import { eventually } from './helpers/wait.js';

let h: Harness;
const password = 'correct horse battery staple';

before(async () => {
  h = await startHarness(fileURLToPath(import.meta.url), {
    webLimits: {
      loginLimit: { attempts: 12, windowMs: 10 * 60_000 },
      lockout: { maxFailures: 3, lockSeconds: 15 * 60 },
      maxStreamsPerSession: 2,
    },
  });
  await h.addPerson({ name: 'Li Wei', roles: [{ role: 'maintenance', line: 'L1' }] });
});

after(async () => {
  await h?.stop();
});

let accounts = 0;
/** A person who may sign in, with their own address (so tests do not share throttling). */
async function account(role: 'staff' | 'supervisor' | 'admin' = 'staff') {
  const name = `User ${randomBytes(3).toString('hex')}`;
  const id = await h.addPerson({ name, roles: [{ role: 'planner' }] });
  await h
    .db('people')
    .where({ id })
    .update({ password_hash: await hashPassword(password), web_role: role });
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}@test.local`;
  return { id, email, address: `198.51.100.${++accounts}` };
}

/** POST /login as a browser form would, from `address` (X-Forwarded-For: the proxy is loopback). */
async function login(email: string, pass: string, o: { address?: string; next?: string } = {}) {
  const res = await fetch(`${h.url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'accept-language': 'en',
      ...(o.address ? { 'x-forwarded-for': o.address } : {}),
    },
    body: new URLSearchParams({ email, password: pass, ...(o.next ? { next: o.next } : {}) }).toString(),
  });
  const cookie = /andon_session=([^;]*)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  return { status: res.status, location: res.headers.get('location'), cookie, text: await res.text() };
}

const page = (path: string, cookie?: string, init: RequestInit = {}) =>
  fetch(`${h.url}${path}`, {
    redirect: 'manual',
    ...init,
    headers: { ...(cookie ? { cookie: `andon_session=${cookie}` } : {}), ...(init.headers ?? {}) },
  });

describe('after sign-in', () => {
  it('goes only to a path on this site (no open redirect)', async () => {
    for (const hostile of [
      '/\\evil.example/x',
      '\\\\evil.example',
      '//evil.example/x',
      '/\t/evil.example',
      'https://evil.example/',
      'javascript:alert(1)',
      '',
      '/\u0000x',
    ])
      assert.equal(safeNext(hostile), '/', JSON.stringify(hostile));
    assert.equal(safeNext('/cases/12?lang=en#timeline'), '/cases/12?lang=en#timeline');
    assert.equal(safeNext(['/x']), '/');

    const a = await account();
    const r = await login(a.email, password, { address: a.address, next: '/\\evil.example/x' });
    assert.equal(r.status, 303);
    assert.equal(r.location, '/');
    const ok = await login(a.email, password, { address: a.address, next: '/reports?lang=en' });
    assert.equal(ok.location, '/reports?lang=en');
    const form = await (await page('/login?next=//evil.example/x')).text();
    assert.match(form, /name="next" value="\/"/);
  });
});

describe('the dev outbox', () => {
  it('is for supervisors only, and staff are not shown it', async () => {
    const staff = await account('staff');
    const sup = await account('supervisor');
    const s = (await login(staff.email, password, { address: staff.address })).cookie!;
    const denied = await page('/outbox', s);
    assert.equal(denied.status, 403);
    assert.doesNotMatch(await (await page('/', s)).text(), /href="\/outbox"/);
    const v = (await login(sup.email, password, { address: sup.address })).cookie!;
    assert.equal((await page('/outbox', v)).status, 200);
  });

  it('is never logged with whole action links', () => {
    const token = `${'e'.repeat(60)}.${'S'.repeat(43)}`;
    const logged = redactActionLinks(`Andon #12: reply A 12. http://andon.example/a/${token} thanks`);
    assert.ok(!logged.includes(token));
    assert.match(logged, /\/a\/eeeeeeee… thanks$/);
  });
});

describe('sign-in', () => {
  it('locks an account after repeated wrong passwords, until it runs out or a supervisor unlocks it', async () => {
    const a = await account();
    assert.equal((await login(a.email, 'wrong 1', { address: a.address })).status, 401);
    assert.equal((await login(a.email, 'wrong 2', { address: a.address })).status, 401);
    const third = await login(a.email, 'wrong 3', { address: a.address });
    assert.equal(third.status, 423);
    assert.match(third.text, /locked/);
    // The right password does not get through a lock.
    const locked = await login(a.email, password, { address: a.address });
    assert.equal(locked.status, 423);
    assert.equal(locked.cookie, undefined);

    // Staff may not lift it; a supervisor may (API).
    const path = `/api/v1/people/${a.id}/unlock`;
    assert.equal((await h.api('POST', path, { key: h.keys.staff })).status, 403);
    assert.equal((await h.api('POST', path, { key: h.keys.supervisor })).status, 204);
    assert.equal((await h.api('POST', '/api/v1/people/99999999/unlock')).status, 404);
    assert.equal((await login(a.email, password, { address: a.address })).status, 303);

    // A lock runs out on its own (here: its time is moved into the past).
    for (let i = 0; i < 3; i++) await login(a.email, `wrong again ${i}`, { address: a.address });
    assert.equal((await login(a.email, password, { address: a.address })).status, 423);
    await h
      .db('people')
      .where({ id: a.id })
      .update({ locked_until: h.db.raw(`now() - interval '1 second'`) });
    assert.equal((await login(a.email, password, { address: a.address })).status, 303);
  });

  it('throttles failed attempts per address', async () => {
    const address = '203.0.113.77';
    for (let i = 0; i < 12; i++)
      assert.equal((await login(`nobody${i}@test.local`, 'x', { address })).status, 401);
    const throttled = await login('nobody@test.local', 'x', { address });
    assert.equal(throttled.status, 429);
    assert.match(throttled.text, /Too many sign-in attempts/);
    // Another address is not held up.
    assert.equal((await login('nobody@test.local', 'x', { address: '203.0.113.78' })).status, 401);
  });

  it('keeps sessions on the server: sign-out and a new password end them', async () => {
    const a = await account('supervisor');
    const first = (await login(a.email, password, { address: a.address })).cookie!;
    const second = (await login(a.email, password, { address: a.address })).cookie!;
    assert.equal((await page('/', first)).status, 200);
    // The database knows sessions only by a hash of their id.
    const stored = await h
      .db('web_sessions')
      .where({ person_id: a.id })
      .select<Array<{ id_hash: string }>>('id_hash');
    assert.equal(stored.length, 2);
    assert.ok(stored.every((s) => !decodeURIComponent(first).startsWith(s.id_hash)));

    assert.equal((await page('/logout', first, { method: 'POST' })).status, 303);
    const after = await page('/', first);
    assert.equal(after.status, 303);
    assert.match(after.headers.get('location') ?? '', /^\/login\?next=/);
    assert.equal((await page('/', second)).status, 200, 'signing out ends only that session');

    const newPassword = 'a brand new passphrase';
    const set = await h.api('PUT', `/api/v1/people/${a.id}/password`, { body: { password: newPassword } });
    assert.equal(set.status, 204);
    assert.equal((await page('/', second)).status, 303, 'a new password ends every session');
    assert.equal((await login(a.email, password, { address: a.address })).status, 401);
    assert.equal((await login(a.email, newPassword, { address: a.address })).status, 303);
    const short = await h.api<{ errors: Array<{ field: string }> }>(
      'PUT',
      `/api/v1/people/${a.id}/password`,
      {
        body: { password: 'short' },
      },
    );
    assert.equal(short.status, 400);
    assert.equal(short.body.errors[0]!.field, 'password');
    assert.equal(
      (
        await h.api('PUT', `/api/v1/people/${a.id}/password`, {
          key: h.keys.supervisor,
          body: { password: newPassword },
        })
      ).status,
      403,
    );
  });

  it('hashes with argon2id, and moves old scrypt hashes to argon2id at the next sign-in', async () => {
    assert.match(await hashPassword('x'.repeat(12)), /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const legacy = await legacyScryptHash(password);
    assert.deepEqual(await verifyPassword(password, legacy), { ok: true, rehash: true });
    assert.deepEqual(await verifyPassword('wrong', legacy), { ok: false, rehash: false });
    assert.deepEqual(await verifyPassword(password, null), { ok: false, rehash: false });

    const a = await account();
    await h.db('people').where({ id: a.id }).update({ password_hash: legacy });
    assert.equal((await login(a.email, password, { address: a.address })).status, 303);
    const row = await h.db('people').where({ id: a.id }).first<{ password_hash: string }>('password_hash');
    assert.match(row.password_hash, /^\$argon2id\$/);
    assert.equal((await login(a.email, password, { address: a.address })).status, 303);
  });

  it('treats a malformed, forged or unknown session cookie as no session (never a 500)', async () => {
    for (const cookie of ['%E0%A4%A', 'garbage', `${'A'.repeat(43)}.${'B'.repeat(43)}`, '%00', 'a.b.c']) {
      const board = await page('/', cookie);
      assert.equal(board.status, 303, cookie);
      const signIn = await page('/login', cookie);
      assert.equal(signIn.status, 200, cookie);
    }
  });
});

describe('headers', () => {
  it('forbid framing everywhere, give the action pages a CSP, and keep API JSON out of caches', async () => {
    const signIn = await page('/login');
    assert.equal(signIn.headers.get('x-frame-options'), 'DENY');
    assert.match(signIn.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.equal(signIn.headers.get('x-content-type-options'), 'nosniff');

    const api = await h.api('GET', '/api/v1/cases', { key: h.keys.staff });
    assert.equal(api.headers.get('cache-control'), 'no-store');
    assert.equal(api.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(api.headers.get('x-frame-options'), 'DENY');
    const denied = await h.api('GET', '/api/v1/cases', { key: null });
    assert.equal(denied.headers.get('cache-control'), 'no-store');

    const id = await caseApi(h).open('equipment_fault', {
      equipment: { equipmentId: 'PRESS-3', faultCode: 'E42' },
    });
    const person = await h.db('people').where({ name: 'Li Wei' }).first<{ id: number }>('id');
    const link = await fetch(`${h.url}/a/${h.links.sign({ p: person.id, c: id, t: '' })}`);
    assert.equal(link.status, 200);
    const csp = link.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /style-src 'sha256-[A-Za-z0-9+/=]+'/);
    assert.equal(link.headers.get('x-frame-options'), 'DENY');
    assert.equal(link.headers.get('cache-control'), 'no-store');
  });
});

describe('live updates', () => {
  it('cap the streams one session holds open', async () => {
    const a = await account();
    const cookie = (await login(a.email, password, { address: a.address })).cookie!;
    const streams = [new AbortController(), new AbortController()];
    for (const s of streams) assert.equal((await page('/live', cookie, { signal: s.signal })).status, 200);
    const third = await page('/live', cookie);
    assert.equal(third.status, 429);
    streams[0]!.abort();
    const again = new AbortController();
    await eventually(async () => {
      const r = await page('/live', cookie, { signal: again.signal });
      return r.status === 200;
    }, 'a stream once another closed');
    again.abort();
    streams[1]!.abort();
  });
});

describe('the board', () => {
  it('says how many active cases it does not show', async () => {
    const a = await account();
    const cookie = (await login(a.email, password, { address: a.address })).cookie!;
    const rows = Array.from({ length: 505 }, (_, i) => ({
      source: 'board-test',
      external_id: `B-${i}-${randomBytes(4).toString('hex')}`,
      type: 'equipment_fault',
      severity: 'low',
      status: 'open',
      line: 'BIG',
      title: 'many',
      details: '{}',
      policy: '{}',
      occurred_at: new Date(),
    }));
    await h.db('cases').insert(rows);
    const active = Number(
      (
        await h
          .db('cases')
          .whereIn('status', ['pending_start', 'open', 'acknowledged', 'resolved'])
          .count<Array<{ n: string }>>({ n: '*' })
      )[0]!.n,
    );
    const board = await (await page('/partials/board', cookie)).text();
    assert.match(board, new RegExp(`${active - 500} more open cases are not shown here`));
  });
});
