/**
 * The case page, search and the admin editors in a real browser: the timeline reads as sentences
 * (raw data one click away), the mail's link opens the web case page after sign-in, a supervisor
 * finds a case by its equipment id and pages through many, and an admin edits a roster and an
 * escalation policy — refusals shown beside the field. Screenshots in both languages.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { hashPassword } from '../lib/passwords.js';
import { launchBrowser, SHOTS, signIn } from './helpers/browser.js';
import { caseApi } from './helpers/cases.js';
import { startHarness, type Harness } from './helpers/harness.js';

let h: Harness;
let browser: Browser;
let sup: Page;
const password = 'shop floor supervisor pass';
let liWei = 0;

async function account(name: string, role: 'supervisor' | 'admin'): Promise<number> {
  const id = await h.addPerson({
    name,
    roles: [{ role: role === 'admin' ? 'plant_manager' : 'supervisor' }],
  });
  await h
    .db('people')
    .where({ id })
    .update({ password_hash: await hashPassword(password), web_role: role });
  return id;
}

before(async () => {
  h = await startHarness(fileURLToPath(import.meta.url));
  liWei = await h.addPerson({ name: 'Li Wei', roles: [{ role: 'maintenance', line: 'L1' }] });
  await account('Sue Supervisor', 'supervisor');
  await account('Ada Admin', 'admin');
  await h.db('lines').insert({ code: 'L1', name: 'Press line' });
  await h.setPolicy({
    type: 'equipment_fault',
    line: 'L1',
    ladder: [
      { targetRole: 'maintenance', ackTimeoutSeconds: 2 },
      { targetRole: 'supervisor', ackTimeoutSeconds: 600 },
    ],
  });
  browser = await launchBrowser();
  sup = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(sup, h.url, 'sue.supervisor@test.local', password);
});

after(async () => {
  await browser?.close();
  await h?.stop();
});

describe('the case page', () => {
  it('tells the timeline in sentences, with the raw data a click away, and the mail links to it', async () => {
    const c = caseApi(h);
    const id = await c.open('equipment_fault', {
      line: 'L1',
      equipment: { equipmentId: 'PRESS-3', faultCode: 'E42' },
      reasonCode: 'EF-MECH',
    });
    // Li Wei does not acknowledge in 2 s: escalated to the supervisor.
    await c.waitForEvent(id, 'notified', (e) => e.data.level === 1);
    const mail = await h.mail.waitFor(
      (m) => m.subject.includes(`#${id}`) && m.to.includes('sue.supervisor@test.local'),
      30_000,
    );
    assert.ok(mail.text.includes(`${h.url}/cases/${id}`), 'the mail links to the web case page');
    assert.ok(!mail.text.includes('/api/v1/cases/'), 'not to the key-only API');

    await sup.goto(`${h.url}/cases/${id}`);
    await sup.locator('.task-actions button', { hasText: 'Acknowledge' }).first().click();
    await sup.waitForURL(`${h.url}/cases/${id}`);
    await sup.locator('ol.timeline li.ev-acked').waitFor();
    const said = await sup.locator('ol.timeline .said').allTextContents();
    const has = (re: RegExp) =>
      assert.ok(
        said.some((s) => re.test(s)),
        `${re} in:\n${said.join('\n')}`,
      );
    has(/^Paged Li Wei by email \(maintenance\)$/);
    has(/^Escalated to Sue Supervisor \(supervisor\): no acknowledgement in 2s$/);
    has(/^ERP maintenance request \S+ /);
    has(/^Sue Supervisor acknowledged in Andon$/);
    assert.ok(!said.some((s) => s.includes('{')), 'no JSON in the sentences');
    assert.match((await sup.locator('dl.facts-list').textContent()) ?? '', /PRESS-3/);

    const raw = sup.locator('ol.timeline li.ev-escalated details.raw').first();
    assert.equal(await raw.locator('code').isVisible(), false);
    await raw.locator('summary').click();
    assert.match((await raw.locator('code').textContent()) ?? '', /"reason":"ack_timeout"/);
    await sup.screenshot({ path: `${SHOTS}case-en.png`, fullPage: true });

    await sup.goto(`${h.url}/cases/${id}?lang=zh-CN`);
    const zh = await sup.locator('ol.timeline .said').allTextContents();
    assert.ok(
      zh.some((s) => /^升级至 Sue Supervisor \(supervisor\)：2s 内无人确认$/.test(s)),
      zh.join('\n'),
    );
    assert.match(
      (await sup.locator('ul.tasks').textContent()) ?? '',
      /维修 PRESS-3/,
      'task titles in Chinese',
    );
    assert.match((await sup.locator('h1').textContent()) ?? '', /设备故障/);
    await sup.screenshot({ path: `${SHOTS}case-zh-CN.png`, fullPage: true });
    await sup.goto(`${h.url}/cases/${id}?lang=en`);

    // From the mail, signed out: sign in, then back on the case.
    const fresh = await browser.newContext();
    try {
      const p = await fresh.newPage();
      await p.goto(`${h.url}/cases/${id}`);
      assert.match(p.url(), /\/login\?next=%2Fcases%2F/);
      await p.fill('input[name=email]', 'sue.supervisor@test.local');
      await p.fill('input[name=password]', password);
      await p.click('button[type=submit]');
      await p.waitForURL(`${h.url}/cases/${id}`);
    } finally {
      await fresh.close();
    }
  });

  it('shows linked cases and recurrences', async () => {
    const [first] = await seedCases([{ title: 'Hydraulic leak', equipment: 'PRESS-8' }]);
    const [again] = await seedCases([
      { title: 'Hydraulic leak again', equipment: 'PRESS-8', recurrenceOf: first },
    ]);
    await sup.goto(`${h.url}/cases/${first}`);
    assert.match(
      (await sup.locator('ul.related li[data-relation="recurrence"]').textContent()) ?? '',
      new RegExp(`#${again}`),
    );
    await sup.goto(`${h.url}/cases/${again}`);
    assert.match(
      (await sup.locator('ul.related li[data-relation="recurrence_of"]').textContent()) ?? '',
      new RegExp(`#${first}`),
    );
  });
});

interface Seed {
  title: string;
  equipment?: string;
  recurrenceOf?: number;
  status?: string;
}

async function seedCases(seeds: Seed[]): Promise<number[]> {
  const rows = await h
    .db('cases')
    .insert(
      seeds.map((s) => ({
        source: 'floor-test',
        external_id: randomBytes(6).toString('hex'),
        type: 'equipment_fault',
        severity: 'low',
        status: s.status ?? 'closed',
        line: 'L9',
        title: s.title,
        details: JSON.stringify(s.equipment ? { equipmentId: s.equipment, faultCode: 'E1' } : {}),
        policy: '{}',
        occurred_at: new Date(),
        opened_at: new Date(),
        closed_at: s.status ? null : new Date(),
        recurrence_of: s.recurrenceOf ?? null,
      })),
    )
    .returning<Array<{ id: number }>>('id');
  return rows.map((r) => r.id);
}

describe('search', () => {
  it('finds a case by its equipment id, and pages through many', async () => {
    const [target] = await seedCases([{ title: 'Spindle overheats', equipment: 'CNC-4711' }]);
    await seedCases(
      Array.from({ length: 60 }, (_, i) => ({ title: `Routine stop ${i}`, equipment: 'ROBOT-7' })),
    );
    await sup.goto(`${h.url}/cases`);
    await sup.fill('input[name=q]', 'cnc-4711');
    await Promise.all([sup.waitForURL(/q=cnc-4711/), sup.click('form[role=search] button[type=submit]')]);
    const rows = sup.locator('table.found tbody tr');
    assert.equal(await rows.count(), 1);
    assert.equal(await rows.first().getAttribute('data-case'), String(target));
    await sup.screenshot({ path: `${SHOTS}search-en.png`, fullPage: true });

    await sup.goto(`${h.url}/cases?q=ROBOT-7&status=closed`);
    assert.equal(await rows.count(), 50);
    await Promise.all([sup.waitForURL(/page=2/), sup.click('a[rel=next]')]);
    assert.equal(await rows.count(), 10);
    assert.equal(await sup.locator('a[rel=next]').count(), 0);
    await sup.goto(`${h.url}/cases?q=ROBOT-7&status=open`);
    assert.equal(await rows.count(), 0);
    assert.equal((await sup.goto(`${h.url}/cases?from=2026-02-31`))?.status(), 400);
    // The wildcard of LIKE is a plain character here.
    await sup.goto(`${h.url}/cases?q=${encodeURIComponent('%')}`);
    assert.equal(await rows.count(), 0);
  });
});

describe('admin editors', () => {
  let admin: Page;
  before(async () => {
    admin = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(admin, h.url, 'ada.admin@test.local', password);
  });

  it('puts someone on a shift, refuses a bad date beside its field, and takes them off again', async () => {
    await admin.goto(`${h.url}/admin/rosters`);
    const form = admin.locator('form[aria-label="Put someone on a shift"]');
    await form.locator('select[name=personId]').selectOption({ label: 'Li Wei' });
    await form.locator('select[name=role]').selectOption('maintenance');
    await form.locator('input[name=line]').fill('L1');
    await form.locator('input[name=shift]').fill('B');
    await form.locator('input[name=validFrom]').fill('2026-12-10');
    await form.locator('input[name=validTo]').fill('2026-12-01');
    await form.locator('button[type=submit]').click();
    const error = form.locator('.field-error[data-for="validTo"]');
    await error.waitFor();
    assert.equal(await error.textContent(), 'must not be before validFrom');
    assert.equal(
      await h
        .db('roster_entries')
        .where({ person_id: liWei })
        .count<Array<{ count: string }>>()
        .then((r) => Number(r[0]?.count)),
      0,
    );

    await form.locator('input[name=validTo]').fill('');
    await Promise.all([admin.waitForEvent('load'), form.locator('button[type=submit]').click()]);
    const row = admin.locator('table.roster tbody tr', { hasText: 'Li Wei' });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /maintenance.*L1.*default.*B.*2026-12-10/s);
    const [entry] = await h
      .db('roster_entries')
      .where({ person_id: liWei })
      .select<Array<{ shift: string; line: string }>>('shift', 'line');
    assert.deepEqual(entry, { shift: 'B', line: 'L1' });
    await admin.screenshot({ path: `${SHOTS}admin-rosters-en.png`, fullPage: true });

    admin.once('dialog', (d) => void d.accept());
    await Promise.all([admin.waitForEvent('load'), row.locator('button', { hasText: 'Remove' }).click()]);
    assert.equal(await admin.locator('table.roster tbody tr', { hasText: 'Li Wei' }).count(), 0);
  });

  it('edits an escalation ladder: adds a level, refuses a zero timeout beside it, saves', async () => {
    await admin.goto(`${h.url}/admin/policies`);
    const [policy] = await h
      .db('escalation_policies')
      .where({ type: 'equipment_fault', line: 'L1' })
      .select<Array<{ id: number }>>('id');
    const editor = admin.locator(`section[data-policy="${policy!.id}"] form.api-form`).first();
    assert.equal(await editor.locator('fieldset.level').count(), 2);
    await editor.locator('button[data-add-row]').click();
    assert.equal(await editor.locator('fieldset.level').count(), 3);
    await editor.locator('select[name="ladder.2.targetRole"]').selectOption('plant_manager');
    await editor.locator('input[name="ladder.2.channels"][value=sms]').check();
    await editor.locator('input[name="ladder.2.ackTimeoutSeconds"]').fill('0');
    await editor.locator('input[name=resolveSlaSeconds]').fill('90');
    await editor.locator('button[type=submit]').click();
    const error = editor.locator('.field-error[data-for="ladder.2.ackTimeoutSeconds"]');
    await error.waitFor();
    assert.match((await error.textContent()) ?? '', /at least/);
    await admin.screenshot({ path: `${SHOTS}admin-policies-refused-en.png`, fullPage: true });

    await editor.locator('input[name="ladder.2.ackTimeoutSeconds"]').fill('15');
    await Promise.all([admin.waitForEvent('load'), editor.locator('button[type=submit]').click()]);
    const [saved] = await h.db('escalation_policies').where({ id: policy!.id }).select<
      Array<{
        ladder: Array<{ targetRole: string; channels: string[]; ackTimeoutSeconds: number }>;
        resolve_sla_seconds: number;
      }>
    >('ladder', 'resolve_sla_seconds');
    assert.deepEqual(
      saved!.ladder.map((lv) => [lv.targetRole, lv.channels, lv.ackTimeoutSeconds]),
      [
        ['maintenance', ['email'], 2],
        ['supervisor', ['email'], 600],
        ['plant_manager', ['email', 'sms'], 900],
      ],
    );
    assert.equal(Number(saved!.resolve_sla_seconds), 5400);
    await admin.goto(`${h.url}/admin/policies?lang=zh-CN`);
    await admin.screenshot({ path: `${SHOTS}admin-policies-zh-CN.png`, fullPage: true });
    await admin.goto(`${h.url}/admin/policies?lang=en`);
  });

  it('adds a person, refusing a phone number that is not E.164 beside its field', async () => {
    await admin.goto(`${h.url}/admin/people`);
    const form = admin.locator('form[aria-label="Add a person"]');
    await form.locator('input[name=name]').fill('Wang Fang');
    await form.locator('input[name=phone]').fill('138 0000 0000');
    await form.locator('button[data-add-row]').click();
    await form.locator('select[name="roles.0.role"]').selectOption('qc_engineer');
    await form.locator('input[name="roles.0.line"]').fill('L1');
    await form.locator('button[type=submit]').click();
    await form.locator('.field-error[data-for="phone"]').waitFor();
    await form.locator('input[name=phone]').fill('+8613800000000');
    await Promise.all([admin.waitForEvent('load'), form.locator('button[type=submit]').click()]);
    const [p] = await h
      .db('people')
      .where({ name: 'Wang Fang' })
      .select<Array<{ id: number; phone: string }>>('id', 'phone');
    assert.equal(p?.phone, '+8613800000000');
    const roles = await h.db('person_roles').where({ person_id: p.id }).select('role', 'line');
    assert.deepEqual(roles, [{ role: 'qc_engineer', line: 'L1' }]);
  });

  it('adds a reason code to the catalog, refusing a malformed code beside its field', async () => {
    await admin.goto(`${h.url}/admin/catalog`);
    const form = admin.locator('section[data-type-code="equipment_fault"] form.api-form');
    const before = await form.locator('#reasons-equipment_fault > .row').count();
    await form.locator('button[data-add-row]').click();
    await form.locator(`input[name="reasonCodes.${before}.code"]`).fill('bad code');
    await form.locator(`input[name="reasonCodes.${before}.nameEn"]`).fill('Spindle');
    await form.locator(`input[name="reasonCodes.${before}.nameZh"]`).fill('主轴');
    await form.locator('button[type=submit]').click();
    await form.locator(`.field-error[data-for="reasonCodes.${before}.code"]`).waitFor();
    await form.locator(`input[name="reasonCodes.${before}.code"]`).fill('EF-SPINDLE');
    await Promise.all([admin.waitForEvent('load'), form.locator('button[type=submit]').click()]);
    const row = await h
      .db('reason_codes')
      .where({ type: 'equipment_fault', code: 'EF-SPINDLE' })
      .first<{ name_zh: string; active: boolean }>();
    assert.deepEqual({ zh: row?.name_zh, active: row?.active }, { zh: '主轴', active: true });
    await admin.goto(`${h.url}/admin/catalog?lang=zh-CN`);
    await admin.screenshot({ path: `${SHOTS}admin-catalog-zh-CN.png`, fullPage: true });
    await admin.goto(`${h.url}/admin/catalog?lang=en`);
  });

  it('refuses the admin API to a supervisor, and to a request without the UI header', async () => {
    const asSupervisor = await sup.request.post(`${h.url}/admin/api/v1/policies`, {
      data: {},
      headers: { 'X-Andon-UI': '1' },
    });
    assert.equal(asSupervisor.status(), 403);
    const noHeader = await admin.request.post(`${h.url}/admin/api/v1/display-tokens`, {
      data: { name: 'x' },
    });
    assert.equal(noHeader.status(), 403);
    assert.match(noHeader.headers()['content-type'] ?? '', /problem\+json/);
  });

  it('issues an andon screen token, shows it once, and revokes it', async () => {
    await admin.goto(`${h.url}/admin/displays`);
    const form = admin.locator('form[aria-label="Add a screen"]');
    await form.locator('input[name=name]').fill('Hall 1');
    await form.locator('input[name=lines]').fill('L1');
    await form.locator('button[type=submit]').click();
    const shown = admin.locator('#new-token .value');
    await shown.waitFor();
    const url = (await shown.textContent()) ?? '';
    assert.match(url, /\/andon\?token=[A-Za-z0-9_-]{43}$/);
    const tv = await browser.newContext();
    try {
      assert.equal((await (await tv.newPage()).goto(url))?.status(), 200);
      await admin.reload();
      admin.once('dialog', (d) => void d.accept());
      await Promise.all([
        admin.waitForEvent('load'),
        admin.locator('tr', { hasText: 'Hall 1' }).locator('button').click(),
      ]);
      assert.match((await admin.locator('tr', { hasText: 'Hall 1' }).textContent()) ?? '', /revoked/);
      assert.equal((await (await tv.newPage()).goto(url))?.status(), 401);
    } finally {
      await tv.close();
    }
  });
});
