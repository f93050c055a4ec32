/**
 * Accounts and keys over real HTTP (issue 14, item 4): a web user made through the admin API, the
 * admin page or the CLI sets a password through their one-time link and signs in; resets and
 * deactivation end sessions at once; API keys are shown once, rotate, and a revoked key is refused
 * on the very next request; every change lands in the audit log with who, when, before and after.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startHarness, type Harness } from './helpers/harness.js';

const root = fileURLToPath(new URL('..', import.meta.url));
let h: Harness;

before(async () => {
  h = await startHarness(fileURLToPath(import.meta.url));
});
after(async () => {
  await h?.stop();
});

interface Link {
  user: { id: number; email: string; webRole: string; passwordSet: boolean; active: boolean };
  link: { url: string; purpose: string; expiresAt: string };
}
interface Entry {
  action: string;
  entity: string;
  entityId: string | null;
  actor: { kind: string; id: string | null; name: string };
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

const email = () => `u-${randomBytes(4).toString('hex')}@plant.test`;

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
const get = (path: string, cookie?: string) =>
  fetch(`${h.url}${path}`, {
    redirect: 'manual',
    headers: { 'accept-language': 'en', ...(cookie ? { cookie: `andon_session=${cookie}` } : {}) },
  });

async function signIn(address: string, password: string): Promise<string | null> {
  const res = await form('/login', { email: address, password });
  await res.text();
  return res.status === 303
    ? (/andon_session=([^;]*)/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? null)
    : null;
}

/** Sets the password through the link, as the browser form does. */
async function setPassword(url: string, password: string, confirm = password): Promise<number> {
  const path = new URL(url).pathname;
  const res = await form(path, { password, confirm });
  await res.text();
  return res.status;
}

async function auditOf(entity: string, entityId: string | number): Promise<Entry[]> {
  const r = await h.api<{ entries: Entry[] }>('GET', `/api/v1/audit?entity=${entity}&entityId=${entityId}`);
  assert.equal(r.status, 200);
  return r.body.entries;
}

describe('web users through the admin API', () => {
  it('invites, lets the person set a password once through the link, and signs them in', async () => {
    const address = email();
    const made = await h.api<Link>('POST', '/api/v1/users', {
      body: { name: 'Wang Fang', email: address, webRole: 'supervisor', locale: 'en' },
    });
    assert.equal(made.status, 201);
    assert.equal(made.body.user.passwordSet, false);
    assert.equal(made.body.link.purpose, 'invite');
    assert.ok(made.body.link.url.startsWith(`${h.url}/set-password/`));

    assert.equal(await signIn(address, 'anything at all 1'), null, 'no password yet: no sign-in');
    const formPage = await get(new URL(made.body.link.url).pathname);
    assert.equal(formPage.status, 200);
    assert.match(await formPage.text(), new RegExp(address.replace(/[.]/g, '\\.')));
    assert.equal(await setPassword(made.body.link.url, 'short'), 400);
    assert.equal(await setPassword(made.body.link.url, 'long enough pw 1', 'long enough pw 2'), 400);
    assert.equal(await setPassword(made.body.link.url, 'a good long password'), 200);
    assert.equal(await setPassword(made.body.link.url, 'another good password'), 404, 'the link works once');

    const cookie = await signIn(address, 'a good long password');
    assert.ok(cookie, 'signs in with the chosen password');
    assert.equal((await get('/reports', cookie)).status, 200, 'as a supervisor');

    const stored = await h
      .db('people')
      .where({ email: address })
      .first<{ password_hash: string }>('password_hash');
    assert.match(stored.password_hash, /^\$argon2id\$/);
    const entries = await auditOf('user', made.body.user.id);
    assert.deepEqual(
      entries.map((e) => e.action),
      ['user.password_set', 'user.create'],
    );
    assert.equal(entries[1]!.actor.kind, 'api_key');
    assert.equal(entries[1]!.actor.name, 'test admin');
    assert.equal(entries[0]!.actor.kind, 'web');
    assert.ok(!JSON.stringify(entries).includes('argon2'), 'no hash in the log');
  });

  it('refuses a taken email, names a bad field, and keeps a newer link only', async () => {
    const address = email();
    const made = await h.api<Link>('POST', '/api/v1/users', { body: { name: 'Zhou Min', email: address } });
    assert.equal(made.status, 201);
    assert.equal(made.body.user.webRole, 'staff');
    const again = await h.api('POST', '/api/v1/users', {
      body: { name: 'Zhou Min', email: address.toUpperCase() },
    });
    assert.equal(again.status, 409);
    const bad = await h.api<{ errors: Array<{ field: string }> }>('POST', '/api/v1/users', {
      body: { name: 'X', email: 'not-an-email', webRole: 'boss' },
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.errors.map((e) => e.field).sort(), ['email', 'webRole']);

    const second = await h.api<Link>('POST', `/api/v1/users/${made.body.user.id}/invite`);
    assert.equal(second.status, 201);
    assert.equal(await setPassword(made.body.link.url, 'first link password'), 404, 'the older link ended');
    assert.equal(await setPassword(second.body.link.url, 'second link password'), 200);
    assert.equal(
      (await h.api('POST', `/api/v1/users/${made.body.user.id}/invite`)).status,
      409,
      'has a password now',
    );
    assert.equal(
      (await h.api('POST', '/api/v1/users', { key: h.keys.supervisor, body: { name: 'Y', email: email() } }))
        .status,
      403,
    );
  });

  it('reset ends the password and every session at once; deactivation ends sessions and keys', async () => {
    const address = email();
    const made = await h.api<Link>('POST', '/api/v1/users', {
      body: { name: 'Sun Li', email: address, webRole: 'admin' },
    });
    await setPassword(made.body.link.url, 'the first password');
    const cookie = (await signIn(address, 'the first password'))!;
    assert.equal((await get('/admin/users', cookie)).status, 200);

    const reset = await h.api<Link>('POST', `/api/v1/users/${made.body.user.id}/reset`);
    assert.equal(reset.status, 201);
    assert.equal(reset.body.user.passwordSet, false);
    assert.equal((await get('/admin/users', cookie)).status, 303, 'the old session ended');
    assert.equal(await signIn(address, 'the first password'), null, 'the old password ended');
    assert.equal(await setPassword(reset.body.link.url, 'the second password'), 200);
    const second = (await signIn(address, 'the second password'))!;

    const key = await h.api<{ key: string }>('POST', '/api/v1/api-keys', {
      body: { name: 'Sun Li laptop', role: 'staff', personId: made.body.user.id },
    });
    assert.equal((await h.api('GET', '/api/v1/exception-types', { key: key.body.key })).status, 200);

    const off = await h.api<Link['user']>('PATCH', `/api/v1/users/${made.body.user.id}`, {
      body: { active: false },
    });
    assert.equal(off.status, 200);
    assert.equal(off.body.active, false);
    assert.equal((await get('/admin/users', second)).status, 303, 'sessions ended');
    assert.equal(await signIn(address, 'the second password'), null);
    assert.equal(
      (await h.api('GET', '/api/v1/exception-types', { key: key.body.key })).status,
      401,
      'their keys revoked',
    );
    const entry = (await auditOf('user', made.body.user.id))[0]!;
    assert.equal(entry.action, 'user.deactivate');
    assert.deepEqual(entry.before, { active: true });
    assert.deepEqual(entry.after, { active: false, sessionsEnded: true, keysRevoked: 1 });

    const role = await h.api<Link['user']>('PATCH', `/api/v1/users/${made.body.user.id}`, {
      body: { active: true, webRole: 'staff' },
    });
    assert.deepEqual([role.body.active, role.body.webRole], [true, 'staff']);
    assert.equal((await h.api('PATCH', `/api/v1/users/${made.body.user.id}`, { body: {} })).status, 400);
  });

  it('lets a supervisor lift a lockout, and logs it', async () => {
    const made = await h.api<Link>('POST', '/api/v1/users', { body: { name: 'Locked Out', email: email() } });
    await h
      .db('people')
      .where({ id: made.body.user.id })
      .update({ locked_until: h.db.raw(`now() + interval '1 hour'`) });
    const listed = await h.api<Link['user'] & { lockedUntil: string | null }>(
      'GET',
      `/api/v1/users/${made.body.user.id}`,
    );
    assert.ok(listed.body.lockedUntil);
    assert.equal(
      (await h.api('POST', `/api/v1/users/${made.body.user.id}/unlock`, { key: h.keys.supervisor })).status,
      204,
    );
    const after = await h.api<{ lockedUntil: string | null }>('GET', `/api/v1/users/${made.body.user.id}`);
    assert.equal(after.body.lockedUntil, null);
    assert.equal((await auditOf('user', made.body.user.id))[0]!.action, 'user.unlock');
  });
});

describe('API keys', () => {
  it('are shown once, listed without their value, and refused the moment they are revoked', async () => {
    const issued = await h.api<{ key: string; apiKey: { id: number; prefix: string; createdBy: string } }>(
      'POST',
      '/api/v1/api-keys',
      { body: { name: 'MES line 2', role: 'mes' } },
    );
    assert.equal(issued.status, 201);
    assert.match(issued.body.key, /^andon_[A-Za-z0-9_-]{43}$/);
    assert.equal(issued.body.apiKey.prefix, issued.body.key.slice(0, 10));
    assert.match(issued.body.apiKey.createdBy, /test admin/);
    const list = await h.api<{ apiKeys: Array<{ id: number; lastUsedAt: string | null }> }>(
      'GET',
      '/api/v1/api-keys',
    );
    assert.ok(!JSON.stringify(list.body).includes(issued.body.key), 'never the value again');
    assert.ok(list.body.apiKeys.some((k) => k.id === issued.body.apiKey.id));

    const use = () => h.api('POST', '/api/v1/cases', { key: issued.body.key, body: {} });
    assert.equal((await use()).status, 400, 'the key works (the empty body does not)');
    const revoked = await h.api<{ revokedAt: string }>('DELETE', `/api/v1/api-keys/${issued.body.apiKey.id}`);
    assert.equal(revoked.status, 200);
    assert.ok(revoked.body.revokedAt);
    assert.equal((await use()).status, 401, 'revoked: refused at once');
    assert.equal((await h.api('DELETE', `/api/v1/api-keys/${issued.body.apiKey.id}`)).status, 404);

    const entries = await auditOf('api_key', issued.body.apiKey.id);
    assert.deepEqual(
      entries.map((e) => e.action),
      ['api_key.revoke', 'api_key.create'],
    );
    assert.equal(entries[0]!.before!.revokedAt, null);
    assert.ok(!JSON.stringify(entries).includes(issued.body.key));
  });

  it('rotate: the old value stops now, or after the overlap asked for', async () => {
    const issued = await h.api<{ key: string; apiKey: { id: number } }>('POST', '/api/v1/api-keys', {
      body: { name: 'ERP bridge', role: 'supervisor' },
    });
    const call = (key: string) => h.api('GET', '/api/v1/policies', { key });
    const now = await h.api<{ key: string; apiKey: { id: number; name: string; role: string } }>(
      'POST',
      `/api/v1/api-keys/${issued.body.apiKey.id}/rotate`,
    );
    assert.equal(now.status, 201);
    assert.deepEqual([now.body.apiKey.name, now.body.apiKey.role], ['ERP bridge', 'supervisor']);
    assert.equal((await call(issued.body.key)).status, 401);
    assert.equal((await call(now.body.key)).status, 200);

    const overlap = await h.api<{ key: string; apiKey: { id: number } }>(
      'POST',
      `/api/v1/api-keys/${now.body.apiKey.id}/rotate`,
      { body: { overlapSeconds: 600 } },
    );
    assert.equal((await call(now.body.key)).status, 200, 'the old one still works during the overlap');
    assert.equal((await call(overlap.body.key)).status, 200);
    const old = await h.api<{ expiresAt: string; replacedBy: number }>(
      'GET',
      `/api/v1/api-keys/${now.body.apiKey.id}`,
    );
    assert.equal(old.body.replacedBy, overlap.body.apiKey.id);
    assert.ok(Date.parse(old.body.expiresAt) > Date.now() + 500_000);
    const tooLong = await h.api<{ errors: Array<{ field: string }> }>(
      'POST',
      `/api/v1/api-keys/${overlap.body.apiKey.id}/rotate`,
      {
        body: { overlapSeconds: 10 ** 7 },
      },
    );
    assert.equal(tooLong.status, 400);
    assert.equal(tooLong.body.errors[0]!.field, 'overlapSeconds');
  });
});

describe('the audit log', () => {
  it('records changes to policies, people, rosters and the catalog with before and after', async () => {
    const policy = {
      type: 'order_delay',
      severity: 'low',
      line: null,
      ladder: [{ targetRole: 'planner', channels: ['email'], ackTimeoutSeconds: 600 }],
      resolveSlaSeconds: 7200,
    };
    const made = await h.api<{ id: number }>('POST', '/api/v1/policies', { body: policy });
    assert.equal(made.status, 201);
    await h.api('POST', '/api/v1/policies', { body: { ...policy, resolveSlaSeconds: 3600 } });
    const [update, create] = await auditOf('policy', made.body.id);
    assert.equal(create!.action, 'policy.create');
    assert.equal(update!.action, 'policy.update');
    assert.equal(update!.before!.resolveSlaSeconds, 7200);
    assert.equal(update!.after!.resolveSlaSeconds, 3600);

    const person = await h.api<{ id: number }>('POST', '/api/v1/people', {
      body: { name: 'Gao Yan', email: email(), roles: [{ role: 'planner', line: null }] },
    });
    await h.api('PUT', `/api/v1/people/${person.body.id}`, {
      body: {
        name: 'Gao Yan',
        email: null,
        phone: '+8613900000777',
        roles: [{ role: 'planner', line: null }],
      },
    });
    const [personUpdate] = await auditOf('person', person.body.id);
    assert.equal(personUpdate!.action, 'person.update');
    assert.equal(personUpdate!.after!.phone, '+8613900000777');

    await h.api('PUT', '/api/v1/rosters/lines/L9', { body: { name: 'Line 9' } });
    const entry = await h.api<{ id: number }>('POST', '/api/v1/rosters/entries', {
      body: { personId: person.body.id, role: 'planner', line: 'L9', shift: 'A', validFrom: '2026-01-01' },
    });
    assert.equal(entry.status, 201);
    assert.equal((await h.api('DELETE', `/api/v1/rosters/entries/${entry.body.id}`)).status, 204);
    const [deleted] = await auditOf('roster_entry', entry.body.id);
    assert.equal(deleted!.action, 'roster_entry.delete');
    assert.equal(deleted!.before!.line, 'L9');

    const type = await h.api<Record<string, unknown>>('GET', '/api/v1/exception-types/quality_failure');
    await h.api('PUT', '/api/v1/exception-types/quality_failure', {
      body: { nameEn: 'Quality failure', nameZh: '质量异常', sopParams: type.body.sopParams },
    });
    const [catalog] = await auditOf('exception_type', 'quality_failure');
    assert.equal(catalog!.action, 'exception_type.update');

    const sub = await h.api<{ id: number }>('POST', '/api/v1/subscriptions', {
      body: {
        name: 'Plant manager',
        target: { kind: 'person', personId: person.body.id },
        events: ['opened'],
      },
    });
    assert.equal(sub.status, 201, JSON.stringify(sub.body));
    await h.api('DELETE', `/api/v1/subscriptions/${sub.body.id}`);
    const subscription = await auditOf('subscription', sub.body.id);
    assert.deepEqual(
      subscription.map((e) => e.action),
      ['subscription.delete', 'subscription.create'],
    );
    assert.equal(subscription[0]!.before!.name, 'Plant manager');

    const page = await h.api<{ entries: Entry[]; nextBefore: number }>('GET', '/api/v1/audit?limit=2');
    assert.equal(page.body.entries.length, 2);
    const older = await h.api<{ entries: Entry[] }>(
      'GET',
      `/api/v1/audit?limit=2&before=${page.body.nextBefore}`,
    );
    assert.equal(older.body.entries.length, 2);
    assert.equal(
      (await h.api('GET', '/api/v1/audit', { key: h.keys.supervisor })).status,
      403,
      'admins only',
    );
    assert.equal((await h.api('GET', '/api/v1/audit?limit=0')).status, 400);
  });

  it('cannot be edited or deleted, even by the application’s own database user', async () => {
    await assert.rejects(h.db('audit_log').update({ actor_name: 'someone else' }), /append-only/);
    await assert.rejects(h.db('audit_log').delete(), /append-only/);
  });
});

describe('the admin pages', () => {
  async function adminCookie(): Promise<string> {
    const made = await h.api<Link>('POST', '/api/v1/users', {
      body: { name: 'Page Admin', email: email(), webRole: 'admin' },
    });
    await setPassword(made.body.link.url, 'page admin password');
    return (await signIn(made.body.user.email, 'page admin password'))!;
  }

  it('add a user (the link shown once), issue and revoke a key, and show the log', async () => {
    const cookie = await adminCookie();
    const address = email();
    const added = await form(
      '/admin/users',
      { name: 'Form User', email: address, webRole: 'staff', locale: 'zh-CN' },
      cookie,
    );
    assert.equal(added.status, 201);
    const url = /value="(http[^"]+\/set-password\/[A-Za-z0-9_-]{43})"/.exec(await added.text())?.[1];
    assert.ok(url, 'the page shows the link');
    assert.equal(await setPassword(url, 'form user password'), 200);
    assert.ok(await signIn(address, 'form user password'));
    const invalid = await form(
      '/admin/users',
      { name: 'X', email: 'nope', webRole: 'staff', locale: 'en' },
      cookie,
    );
    assert.equal(invalid.status, 400);
    assert.match(await invalid.text(), /email/);

    const issued = await form('/admin/keys', { name: 'Page key', role: 'staff' }, cookie);
    assert.equal(issued.status, 201);
    const key = /value="(andon_[A-Za-z0-9_-]{43})"/.exec(await issued.text())?.[1];
    assert.ok(key);
    assert.equal((await h.api('GET', '/api/v1/exception-types', { key })).status, 200);
    const { id } = await h.db('api_keys').where({ name: 'Page key' }).first<{ id: number }>('id');
    assert.equal((await form(`/admin/keys/${id}/revoke`, {}, cookie)).status, 303);
    assert.equal((await h.api('GET', '/api/v1/exception-types', { key })).status, 401);

    const log = await get('/admin/audit', cookie);
    assert.equal(log.status, 200);
    const text = await log.text();
    assert.match(text, /api_key\.revoke/);
    assert.match(text, /Page Admin/);
    assert.equal((await get('/admin/keys', cookie)).status, 200);
  });

  it('let supervisors see users but not add them', async () => {
    const made = await h.api<Link>('POST', '/api/v1/users', {
      body: { name: 'Sup', email: email(), webRole: 'supervisor' },
    });
    await setPassword(made.body.link.url, 'supervisor password');
    const cookie = (await signIn(made.body.user.email, 'supervisor password'))!;
    assert.equal((await get('/admin/users', cookie)).status, 200);
    assert.equal(
      (await form('/admin/users', { name: 'X', email: email(), webRole: 'admin', locale: 'en' }, cookie))
        .status,
      403,
    );
    assert.equal((await get('/admin/keys', cookie)).status, 403);
  });
});

/** Runs `npm run andon -- …` (bin/andon.ts) on the harness's database. */
function cli(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/andon.ts', ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: h.databaseUrl, ANDON_PUBLIC_URL: h.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

describe('the CLI', () => {
  it('adds a user whose link signs them in, and creates, lists and revokes keys', async () => {
    const address = email();
    const added = await cli('user', 'add', '--email', address, '--name', 'Ma Jun', '--role', 'admin');
    assert.equal(added.code, 0, added.err);
    const url = /(http\S+\/set-password\/[A-Za-z0-9_-]{43})/.exec(added.out)?.[1];
    assert.ok(url, added.out);
    assert.equal(await setPassword(url, 'ma jun password 1'), 200);
    const cookie = await signIn(address, 'ma jun password 1');
    assert.ok(cookie);
    assert.equal((await get('/admin/users', cookie)).status, 200, 'as an admin');
    const listed = await cli('user', 'list');
    assert.match(listed.out, new RegExp(`${address.replace(/[.]/g, '\\.')}\\s+admin\\s+active`));

    const made = await cli('key', 'create', '--name', 'CLI key', '--role', 'mes');
    assert.equal(made.code, 0, made.err);
    const key = /^(andon_[A-Za-z0-9_-]{43})$/m.exec(made.out)?.[1];
    assert.ok(key);
    const id = /API key (\d+)/.exec(made.out)![1]!;
    assert.match((await cli('key', 'list')).out, new RegExp(`^\\s*${id}\\s+${key.slice(0, 10)}…`, 'm'));
    assert.equal((await h.api('POST', '/api/v1/cases', { key, body: {} })).status, 400);
    assert.equal((await cli('key', 'revoke', id)).code, 0);
    assert.equal((await h.api('POST', '/api/v1/cases', { key, body: {} })).status, 401);

    const entries = await auditOf('api_key', id);
    assert.equal(entries[0]!.actor.kind, 'cli');
    assert.match(entries[0]!.actor.name, /andon CLI/);

    const bad = await cli('user', 'add', '--email', 'nope', '--name', 'X');
    assert.equal(bad.code, 1);
    assert.match(bad.err, /^andon: --email: must be an email address/);
    const twice = await cli('user', 'add', '--email', address, '--name', 'Ma Jun');
    assert.equal(twice.code, 1);
    assert.match(twice.err, /exists: invite them instead/);
  });
});
