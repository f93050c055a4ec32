/**
 * The andon wall screen in a real browser: a TV opens it with a display token (no sign-in), a case
 * appears as an amber tile and turns red when it escalates — pushed, without a reload — and a
 * revoked token gets 401, on the open screen and on a new visit. Screenshots in both languages.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { caseApi } from './helpers/cases.js';
import { launchBrowser, SHOTS } from './helpers/browser.js';
import { startHarness, type Harness } from './helpers/harness.js';

let h: Harness;
let browser: Browser;

before(async () => {
  h = await startHarness(fileURLToPath(import.meta.url));
  await h.addPerson({ name: 'Li Wei', roles: [{ role: 'maintenance', line: 'L7' }] });
  await h.addPerson({ name: 'Sue Supervisor', roles: [{ role: 'supervisor' }] });
  await h.db('lines').insert({ code: 'L8', name: 'Assembly 8' });
  // No acknowledgement within 3 s: escalated to the supervisor.
  await h.setPolicy({
    type: 'equipment_fault',
    line: 'L7',
    ladder: [
      { targetRole: 'maintenance', ackTimeoutSeconds: 3 },
      { targetRole: 'supervisor', ackTimeoutSeconds: 600 },
    ],
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await h?.stop();
});

async function issueToken(
  body: Record<string, unknown>,
): Promise<{ id: number; token: string; url: string }> {
  const res = await h.api<{ id: number; token: string; url: string }>('POST', '/api/v1/display-tokens', {
    key: h.keys.admin,
    body,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

const tileColour = (p: Page, key: string) => p.locator(`[data-tile="${key}"]`).getAttribute('data-colour');

describe('the andon wall screen', () => {
  it('issues display tokens to admins only, keeps only their hash, and refuses bad bodies by field', async () => {
    const staff = await h.api('POST', '/api/v1/display-tokens', {
      key: h.keys.supervisor,
      body: { name: 'x' },
    });
    assert.equal(staff.status, 403);
    const bad = await h.api<{ errors: Array<{ field: string }> }>('POST', '/api/v1/display-tokens', {
      key: h.keys.admin,
      body: { name: 'TV', rotateSeconds: 1, lines: ['NOPE'] },
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(
      bad.body.errors.map((e) => e.field),
      ['rotateSeconds'],
    );
    const unknownLine = await h.api<{ errors: Array<{ field: string }> }>('POST', '/api/v1/display-tokens', {
      key: h.keys.admin,
      body: { name: 'TV', lines: ['NOPE'] },
    });
    assert.equal(unknownLine.status, 400);
    assert.equal(unknownLine.body.errors[0]?.field, 'lines');

    const t = await issueToken({ name: 'Hall 2' });
    assert.match(t.token, /^[A-Za-z0-9_-]{43}$/);
    const rows = await h
      .db('display_tokens')
      .where({ id: t.id })
      .select<Array<{ token_hash: string }>>('token_hash');
    assert.notEqual(rows[0]?.token_hash, t.token);
    assert.ok(!rows[0]?.token_hash.includes(t.token));
    const list = await h.api<{ displayTokens: Array<Record<string, unknown>> }>(
      'GET',
      '/api/v1/display-tokens',
      {
        key: h.keys.admin,
      },
    );
    assert.ok(!JSON.stringify(list.body).includes(t.token), 'the list never shows a token');
  });

  it('opens with a token, turns a tile red when its case escalates without a reload, and locks out a revoked token', async () => {
    const screen = await issueToken({ name: 'Line 7 TV', locale: 'en', flash: true });
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const tv = await context.newPage();
    try {
      const first = await tv.goto(`${h.url}${screen.url}`);
      assert.equal(first?.status(), 200);
      assert.equal(new URL(tv.url()).search, '', 'the token leaves the address bar');
      assert.equal(await tileColour(tv, 'L8/'), 'green', 'a line with nothing open is green');
      await tv.evaluate('window.stayed = true');

      const id = await caseApi(h).open('equipment_fault', { line: 'L7', station: 'ST-7' });
      const tile = tv.locator('[data-tile="L7/ST-7"]');
      await tv.locator('[data-tile="L7/ST-7"][data-colour="amber"]').waitFor({ timeout: 20_000 });
      assert.equal(await tile.getAttribute('data-case'), String(id));
      assert.match((await tile.textContent()) ?? '', /Equipment fault/);
      await tv.locator('[data-tile="L7/ST-7"] >> text=Li Wei').waitFor({ timeout: 20_000 });
      await tv.screenshot({ path: `${SHOTS}andon-tv-amber-en.png` });

      // The maintenance tech does not acknowledge: the case escalates and the tile turns red.
      await tv.locator('[data-tile="L7/ST-7"][data-colour="red"]').waitFor({ timeout: 30_000 });
      assert.match((await tile.textContent()) ?? '', /Escalated/);
      assert.equal(await tv.evaluate('window.stayed'), true, 'no reload');
      assert.ok(
        /\d\d:\d\d/.test((await tile.locator('time.elapsed').textContent()) ?? ''),
        'downtime counts',
      );
      await tv.screenshot({ path: `${SHOTS}andon-tv-red-en.png` });

      await tv.goto(`${h.url}/andon?lang=zh-CN`);
      await tv.locator('[data-tile="L7/ST-7"][data-colour="red"]').waitFor();
      assert.match((await tv.locator('[data-tile="L7/ST-7"]').textContent()) ?? '', /设备故障/);
      assert.match((await tv.locator('h1').textContent()) ?? '', /安灯看板/);
      await tv.screenshot({ path: `${SHOTS}andon-tv-red-zh-CN.png` });

      const oneLine = await tv.goto(`${h.url}/andon/L7?lang=en`);
      assert.equal(oneLine?.status(), 200);
      assert.equal(await tv.locator('[data-line]').count(), 1);

      // Revoked: the open screen says so at its next refresh, and any new visit gets 401.
      const del = await h.api('DELETE', `/api/v1/display-tokens/${screen.id}`, { key: h.keys.admin });
      assert.equal(del.status, 204);
      await caseApi(h).open('equipment_fault', { line: 'L7', station: 'ST-9' });
      await tv.locator('.revoked').waitFor({ state: 'visible', timeout: 20_000 });
      assert.equal((await tv.goto(`${h.url}/andon`))?.status(), 401);
      assert.equal((await tv.goto(`${h.url}${screen.url}`))?.status(), 401);
      assert.equal((await tv.goto(`${h.url}/partials/andon`))?.status(), 401);
    } finally {
      await context.close();
    }
  });

  it('refuses a visitor without a token, and an unknown token', async () => {
    const context = await browser.newContext();
    const p = await context.newPage();
    try {
      assert.equal((await p.goto(`${h.url}/andon`))?.status(), 401);
      assert.equal((await p.goto(`${h.url}/andon?token=${'A'.repeat(43)}`))?.status(), 401);
      assert.equal((await p.goto(`${h.url}/andon/live?token=short`))?.status(), 401);
    } finally {
      await context.close();
    }
  });

  it('shows a screen only the lines its token names', async () => {
    const screen = await issueToken({ name: 'L8 only', lines: ['L8'] });
    const context = await browser.newContext();
    const p = await context.newPage();
    try {
      await p.goto(`${h.url}${screen.url}`);
      assert.equal(await p.locator('[data-line]').count(), 1);
      assert.equal(await p.locator('[data-line]').getAttribute('data-line'), 'L8');
      assert.equal((await p.goto(`${h.url}/andon/L7`))?.status(), 404);
    } finally {
      await context.close();
    }
  });

  it('rotates through the lines when they do not fit the screen', async () => {
    const screen = await issueToken({ name: 'Small TV', rotateSeconds: 5 });
    const context = await browser.newContext({ viewport: { width: 640, height: 240 } });
    const p = await context.newPage();
    try {
      await p.goto(`${h.url}${screen.url}`);
      const visible = p.locator('.andon-line:not([hidden])');
      assert.equal(await visible.count(), 1, 'one line at a time');
      const first = await visible.getAttribute('data-line');
      await p
        .locator(`.andon-line:not([hidden]):not([data-line="${first}"])`)
        .waitFor({ state: 'visible', timeout: 15_000 });
      assert.equal(await visible.count(), 1);
    } finally {
      await context.close();
    }
  });
});
