/**
 * The web UI in a real browser (Debian Chromium driven by playwright-core): sign in, watch a case
 * opened through the API appear on the board without a reload, open its timeline, acknowledge it
 * from the UI, see the report change. Screenshots are kept under test-results/.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { hashPassword } from '../lib/passwords.js';
import { ensureChromium } from '../scripts/chromium.js';
import { caseApi } from './helpers/cases.js';
import { startHarness, type Harness } from './helpers/harness.js';

const shots = fileURLToPath(new URL('../test-results/', import.meta.url));
let h: Harness;
let browser: Browser;
let page: Page;
const password = 'correct horse battery staple';

before(async () => {
  mkdirSync(shots, { recursive: true });
  h = await startHarness(fileURLToPath(import.meta.url));
  await h.addPerson({ name: 'Li Wei', roles: [{ role: 'maintenance', line: 'L1' }] });
  await h.addPerson({ name: 'Chen Jie', roles: [{ role: 'planner' }] });
  const sue = await h.addPerson({ name: 'Sue Supervisor', roles: [{ role: 'supervisor' }] });
  await h
    .db('people')
    .where({ id: sue })
    .update({ password_hash: await hashPassword(password), web_role: 'supervisor' });
  browser = await chromium.launch({
    executablePath: ensureChromium(),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});

after(async () => {
  await browser?.close();
  await h?.stop();
});

async function signIn(p: Page, email: string, pass: string): Promise<void> {
  await p.goto(`${h.url}/login`);
  await p.fill('input[name=email]', email);
  await p.fill('input[name=password]', pass);
  await p.click('button[type=submit]');
}

/** The number in the "Cases" column of the reports table for a type label. */
async function reportCount(p: Page, label: string): Promise<number> {
  const cell = p.locator('table.kpi tr', { hasText: label }).locator('td').first();
  return (await cell.count()) === 0 ? 0 : Number(await cell.textContent());
}

describe('web UI', () => {
  it('sends a visitor to sign in, and refuses a wrong password', async () => {
    await page.goto(`${h.url}/`);
    assert.match(page.url(), /\/login\?next=%2F$/);
    await signIn(page, 'sue.supervisor@test.local', 'wrong password');
    assert.equal(await page.locator('.error').textContent(), 'Email or password is wrong.');
  });

  it('signs in, shows a new case on the board live, opens it, acknowledges it, and the report follows', async () => {
    await signIn(page, 'sue.supervisor@test.local', password);
    await page.waitForURL(`${h.url}/`);
    assert.equal(await page.locator('h1').textContent(), 'Open cases ●');

    await page.goto(`${h.url}/reports`);
    const before = await reportCount(page, 'Equipment fault');
    await page.goto(`${h.url}/`);

    const c = caseApi(h);
    const id = await c.open('equipment_fault', { equipment: { equipmentId: 'PRESS-3', faultCode: 'E42' } });
    // No reload: the board refreshes itself from the live stream.
    const row = page.locator(`tr[data-case="${id}"]`);
    await row.waitFor({ timeout: 20_000 });
    await page.locator(`tr[data-case="${id}"] >> text=Li Wei`).waitFor({ timeout: 20_000 });
    assert.match((await row.textContent()) ?? '', /Equipment fault/);
    await page.screenshot({ path: `${shots}board.png`, fullPage: true });

    await row.locator(`a[href="/cases/${id}"]`).click();
    await page.waitForURL(`${h.url}/cases/${id}`);
    await page.locator('ol.timeline li.ev-notified').first().waitFor();
    assert.equal(await page.locator('.status').textContent(), 'open');

    await page.locator('.task-actions button', { hasText: 'Acknowledge' }).click();
    await page.waitForURL(`${h.url}/cases/${id}`);
    assert.equal(await page.locator('.status').textContent(), 'acknowledged');
    await page.locator('ol.timeline li.ev-acked').waitFor();
    await page.screenshot({ path: `${shots}case.png`, fullPage: true });
    const acked = await h.db('cases').where({ id }).first<{ acked_by: string | null }>('acked_by');
    assert.match(String(acked.acked_by), /^person:/);

    await page.goto(`${h.url}/reports`);
    assert.equal(await reportCount(page, 'Equipment fault'), before + 1);
    assert.equal(await page.locator('.dash').count(), 8, 'every dashboard chart has its section');
    assert.ok((await page.locator('svg.chart').count()) >= 1, 'the charts with data are drawn');
    await page.screenshot({ path: `${shots}reports.png`, fullPage: true });
  });

  it('shows a refused action as a message, and speaks Chinese on request', async () => {
    const c = caseApi(h);
    const id = await c.open('order_delay');
    await c.task(id, 'plan');
    await page.goto(`${h.url}/cases/${id}`);
    await page.fill('input[name=resolution]', 'fixed');
    await page.locator('form[action$="/act/resolve"] button').click();
    await page.waitForURL(new RegExp(`/cases/${id}`));
    assert.equal(await page.locator('.status').textContent(), 'resolved');

    await page.goto(`${h.url}/?lang=zh-CN`);
    assert.equal(await page.locator('h1').textContent(), '未关闭异常 ●');
    await page.screenshot({ path: `${shots}board-zh-CN.png`, fullPage: true });
    await page.goto(`${h.url}/`); // the choice is remembered
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
    // The case page names status, severity, roles and task states in Chinese, not by their codes.
    await page.goto(`${h.url}/cases/${id}`);
    assert.equal(await page.locator('.status').textContent(), '已解决');
    const facts = (await page.locator('p.facts').textContent()) ?? '';
    assert.doesNotMatch(facts, /\b(low|medium|high|critical|resolved)\b/);
    const tasks = (await page.locator('li.task').allTextContents()).join(' ');
    assert.match(tasks, /计划员/);
    assert.doesNotMatch(tasks, /\b(planner|open|acked|done|cancelled)\b/);
    await page.screenshot({ path: `${shots}case-resolved-zh-CN.png`, fullPage: true });
    await page.goto(`${h.url}/?lang=en`);
  });

  it('works on a phone screen and from the keyboard', async () => {
    const phone = await browser.newPage({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    try {
      await signIn(phone, 'sue.supervisor@test.local', password);
      await phone.waitForURL(`${h.url}/`);
      await phone.keyboard.press('Tab');
      assert.equal(
        await phone.evaluate('document.activeElement && document.activeElement.className'),
        'skip',
      );
      const width = Number(await phone.evaluate('document.documentElement.scrollWidth'));

      assert.ok(width <= 400, `the board fits the phone (scroll width ${width})`);
      await phone.screenshot({ path: `${shots}board-phone.png`, fullPage: true });
    } finally {
      await phone.close();
    }
  });

  it('shows the mail Andon sent in the dev outbox', async () => {
    const id = await caseApi(h).open('order_delay');
    await h.mail.waitFor((m) => new RegExp(`#${id}(?!\\d)`).test(m.subject));
    await page.goto(`${h.url}/outbox`);
    assert.ok((await page.locator('article.mail strong', { hasText: `#${id}` }).count()) >= 1);
  });

  it('refuses a cross-site form post', async () => {
    const res = await fetch(`${h.url}/logout`, {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(res.status, 403);
  });
});
