/**
 * The README's run command, end to end: `npm start` with nothing configured brings up embedded
 * PostgreSQL, a local Temporal dev server, the mail catcher, the worker and the API; a case opened
 * with the bootstrap admin key is emailed, acknowledged, resolved and closed; Ctrl-C stops it all.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort } from '../lib/temporal-dev-server.js';
import { caseBody } from './helpers/bodies.js';
import { eventually } from './helpers/wait.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const adminKey = 'start-test-admin-key-0123456789';
let child: ChildProcess;
let output = '';
let base = '';
let dataDir = '';

function waitForOutput(pattern: RegExp, timeoutMs = 120_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const m = pattern.exec(output);
      if (m) resolve(m);
      return m !== null;
    };
    if (check()) return;
    const timer = setTimeout(() => reject(new Error(`no ${pattern} in output:\n${output}`)), timeoutMs);
    const onData = (): void => {
      if (check()) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${output}`));
    });
  });
}

const call = async <T>(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> => {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as T };
};

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'andon-start-'));
  const port = await freePort();
  child = spawn(process.execPath, ['--import', 'tsx', 'bin/start.ts'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: '',
      TEMPORAL_ADDRESS: '',
      SMTP_URL: '',
      PORT: String(port),
      ANDON_DATA_DIR: dataDir,
      ANDON_EMBEDDED_PG_PORT: String(await freePort()),
      ANDON_TEMPORAL_PORT: String(await freePort()),
      ANDON_TEMPORAL_UI_PORT: String(await freePort()),
      ANDON_BOOTSTRAP_ADMIN_KEY: adminKey,
      // Info lines too: the recorded SMS's log line is checked for whole action links.
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  await waitForOutput(/Andon is running\./);
  base = `http://127.0.0.1:${port}`;
});

after(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  // As root under a private temp folder, the cluster lives in /var/lib/andon (lib/embedded-postgres.ts).
  const cluster = join(dataDir, 'postgres');
  if (existsSync(cluster) && lstatSync(cluster).isSymbolicLink())
    rmSync(readlinkSync(cluster), { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start (embedded defaults)', () => {
  it('prints the URLs and demo keys, and keeps the keys in the data directory', () => {
    assert.match(output, new RegExp(`API: +${base.replace(/[.]/g, '\\.')}/api/v1`));
    assert.match(output, /web UI: http:\/\/127\.0\.0\.1:\d+/);
    const keys = JSON.parse(readFileSync(join(dataDir, 'demo-keys.json'), 'utf8')) as Record<string, string>;
    for (const role of ['mes', 'staff', 'supervisor', 'admin'])
      assert.ok(output.includes(keys[role]!), `${role} key printed`);
    // The banner names the data directory in use, not the default .data/.
    assert.ok(output.includes(`kept in ${join(dataDir, 'demo-keys.json')}`), 'the data directory is named');
  });

  it('runs a case through the whole loop with the bootstrap admin key', async () => {
    const opened = await call<{ id: number; status: string }>(
      'POST',
      '/api/v1/cases',
      caseBody('equipment_fault', { equipment: { equipmentId: 'PRESS-3', faultCode: 'E42' } }),
    );
    assert.equal(opened.status, 201);
    const id = opened.body.id;
    const mail = await eventually(async () => {
      const r = await call<{ messages: Array<{ subject: string; to: string[] }> }>('GET', '/api/v1/dev/mail');
      return r.body.messages.find((m) => m.subject.includes(`#${id}`));
    }, 'the demo mail');
    assert.deepEqual(mail.to, ['li.wei@plant.example']); // the seeded L1 maintenance technician
    const sms = await eventually(async () => {
      const r = await call<{ messages: Array<{ to: string; body: string }> }>('GET', '/api/v1/dev/sms');
      return r.body.messages.find((m) => m.body.includes(`#${id} `));
    }, 'the demo SMS (recorded: Twilio is not configured)');
    assert.equal(sms.to, '+8613800000003');
    assert.match(sms.body, new RegExp(`A ${id} `));
    // The log line of the recorded SMS does not carry its whole action link (it acts as Li Wei).
    const token = /\/a\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43})/.exec(sms.body)?.[1];
    assert.ok(token, `an action link in the SMS: ${sms.body}`);
    await eventually(() => Promise.resolve(output.includes('SMS recorded')), 'the SMS log line');
    assert.ok(!output.includes(token), 'no whole action link in the log');
    await eventually(async () => {
      const t = await call<{ events: Array<{ type: string }> }>('GET', `/api/v1/cases/${id}/timeline`);
      return t.body.events.some((e) => e.type === 'notified');
    }, 'the notified event');
    assert.equal((await call('POST', `/api/v1/cases/${id}/ack`)).status, 200);
    const resolved = await call('POST', `/api/v1/cases/${id}/resolve`, {
      resolution: 'reset the drive',
      rootCause: 'overheated servo drive',
      downtimeMinutes: 12,
    });
    assert.equal(resolved.status, 200);
    assert.equal((await call('POST', `/api/v1/cases/${id}/close`)).status, 200);
    const t = await call<{ events: Array<{ type: string }> }>('GET', `/api/v1/cases/${id}/timeline`);
    const core = ['opened', 'notified', 'acked', 'resolved', 'closed'];
    assert.deepEqual(
      t.body.events.map((e) => e.type).filter((type) => core.includes(type)),
      core,
    );
    // The demo ERP simulator holds the maintenance request the SOP raised.
    assert.ok(t.body.events.some((e) => e.type === 'erp_document'));
  });

  it('stops everything on Ctrl-C', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    assert.equal(await exited, 0);
    await assert.rejects(fetch(`${base}/healthz`));
    // The embedded PostgreSQL released its data directory.
    assert.equal(existsSync(join(dataDir, 'postgres', 'postmaster.pid')), false);
  });
});
