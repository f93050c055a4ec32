/**
 * The dashboards in a real browser: every chart with zero, one and many data points (chosen by the
 * line filter over one database), the numbers table behind each chart, and the CSV download
 * through the signed-in session. Screenshots in both languages.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { DASHBOARD_CHARTS } from '../domain/contracts/dashboards.js';
import type { ExceptionType } from '../domain/model.js';
import { hashPassword } from '../lib/passwords.js';
import { launchBrowser, SHOTS, signIn } from './helpers/browser.js';
import { startHarness, type Harness } from './helpers/harness.js';

let h: Harness;
let browser: Browser;
let page: Page;
const many: Seed[] = [];
const password = 'dashboards are for supervisors';
const HOUR = 3600_000;
const now = Date.now();

interface Seed {
  line: string;
  type?: ExceptionType;
  daysAgo: number;
  ackMin?: number;
  resolveMin?: number;
  closeMin?: number;
  reason?: string;
  equipment?: string;
  downtime?: number;
  shift?: string;
  breached?: boolean;
}

async function seed(seeds: Seed[]): Promise<void> {
  await h.db('cases').insert(
    seeds.map((s) => {
      const opened = new Date(now - s.daysAgo * 24 * HOUR);
      const plus = (m: number | undefined) =>
        m === undefined ? null : new Date(opened.getTime() + m * 60_000);
      return {
        source: 'dash-test',
        external_id: randomBytes(8).toString('hex'),
        type: s.type ?? 'equipment_fault',
        severity: 'medium',
        status: s.closeMin !== undefined ? 'closed' : s.resolveMin !== undefined ? 'resolved' : 'open',
        line: s.line,
        title: 'seeded',
        reason_code: s.reason ?? null,
        details: JSON.stringify(s.equipment ? { equipmentId: s.equipment, faultCode: 'E1' } : {}),
        policy: '{}',
        occurred_at: opened,
        opened_at: opened,
        acknowledged_at: plus(s.ackMin),
        resolved_at: plus(s.resolveMin),
        closed_at: plus(s.closeMin),
        shift: s.shift ?? null,
        sla_breached: s.breached ?? false,
        downtime_minutes: s.downtime ?? null,
      };
    }),
  );
}

before(async () => {
  h = await startHarness(fileURLToPath(import.meta.url));
  const sue = await h.addPerson({ name: 'Sue Supervisor', roles: [{ role: 'supervisor' }] });
  await h
    .db('people')
    .where({ id: sue })
    .update({ password_hash: await hashPassword(password), web_role: 'supervisor' });
  // Line ONE: exactly one data point in every chart (a closed case and an open one, same day and shift).
  await seed([
    {
      line: 'ONE',
      daysAgo: 2,
      ackMin: 5,
      resolveMin: 60,
      closeMin: 90,
      reason: 'EF-MECH',
      equipment: 'PRESS-1',
      downtime: 30,
      shift: 'A',
      breached: true,
    },
    { line: 'ONE', type: 'quality_failure', daysAgo: 2, shift: 'A' },
  ]);
  // Lines M1–M3: many, over 60 days, three shifts, several reasons and machines, long and short times.
  many.length = 0;
  for (let i = 0; i < 90; i++) {
    many.push({
      line: `M${(i % 3) + 1}`,
      type: i % 4 === 0 ? 'material_shortage' : 'equipment_fault',
      daysAgo: (i % 60) + 0.5,
      ackMin: 2 + (i % 7),
      resolveMin: 30 + i * 5,
      closeMin: i % 5 === 0 ? undefined : 40 + i * 6,
      reason: ['EF-MECH', 'EF-ELEC', 'EF-HYD', 'MS-LATE'][i % 4],
      equipment: `PRESS-${(i % 6) + 1}`,
      downtime: 10 + (i % 9) * 5,
      shift: ['A', 'B', 'C'][Math.floor(i / 3) % 3],
      breached: i % 6 === 0,
    });
  }
  for (let i = 0; i < 12; i++) many.push({ line: 'M2', daysAgo: i * 0.6, shift: 'B', equipment: 'PRESS-9' }); // open, of all ages
  await seed(many);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
  await signIn(page, h.url, 'sue.supervisor@test.local', password);
});

after(async () => {
  await browser?.close();
  await h?.stop();
});

/** The rows of a chart's numbers table. */
async function tableRows(chart: string): Promise<string[][]> {
  const rows = page.locator(`table.numbers[data-chart="${chart}"] tbody tr`);
  const out: string[][] = [];
  for (let i = 0; i < (await rows.count()); i++) out.push(await rows.nth(i).locator('td').allTextContents());
  return out;
}

const filled = (rows: string[][], col: number) => rows.filter((r) => r[col] !== '—' && r[col] !== '0');

describe('dashboards', () => {
  it('says "no data" for every chart when nothing matches the filters', async () => {
    const res = await page.goto(`${h.url}/reports?line=EMPTY&days=30`);
    assert.equal(res?.status(), 200);
    assert.equal(await page.locator('.dash').count(), DASHBOARD_CHARTS.length);
    assert.equal(await page.locator('.dash .chart-empty').count(), DASHBOARD_CHARTS.length);
    assert.equal(await page.locator('svg.echart').count(), 0);
    assert.equal((await tableRows('reasons')).length, 0);
  });

  it('draws one data point as a labelled point on sensible axes', async () => {
    await page.goto(`${h.url}/reports?line=ONE&days=7`);
    assert.equal(await page.locator('svg.echart').count(), DASHBOARD_CHARTS.length, 'every chart is drawn');
    const trend = await tableRows('trend');
    assert.equal(trend.length, 7, 'one row per day of the period');
    const point = filled(trend, 2);
    assert.equal(point.length, 1);
    assert.deepEqual(point[0]!.slice(1), ['2', '5', '60']);
    // The single point carries its value; the axis ticks are distinct numbers (not "1m, 1m, 0m").
    const texts = await page.locator('svg[data-chart="trend"] text').allTextContents();
    assert.ok(texts.includes('5') && texts.includes('60'), `values labelled: ${texts.join('|')}`);
    const ticks = texts.filter((s) => /^\d+$/.test(s));
    assert.ok(new Set(ticks).size >= 3, `distinct ticks: ${ticks.join(',')}`);
    assert.deepEqual(await tableRows('closure').then((r) => filled(r, 2).map((x) => x.slice(1))), [
      ['1', '90', '90'],
    ]);
    assert.deepEqual(await tableRows('sla').then((r) => filled(r, 2).map((x) => x.slice(1))), [
      ['2', '1', '50'],
    ]);
    assert.deepEqual(await tableRows('reasons'), [['EF-MECH', '1', '100']]);
    assert.deepEqual(await tableRows('equipment'), [['PRESS-1', '1', '100']]);
    assert.deepEqual(await tableRows('downtime'), [['ONE', 'Equipment fault', '30']]);
    assert.deepEqual(await tableRows('heatmap'), [['ONE', 'A', '2']]);
    assert.equal(filled(await tableRows('age'), 1).length, 1);
    await page.screenshot({ path: `${SHOTS}dashboards-one-en.png`, fullPage: true });
  });

  it('draws many data points, filtered by type and shift', async () => {
    await page.goto(`${h.url}/reports?days=90`);
    const trend = await tableRows('trend');
    assert.ok(trend.length >= 12, 'weeks of 90 days');
    assert.ok(filled(trend, 2).length >= 8);
    const total = trend.reduce((a, r) => a + Number(r[1]), 0);
    assert.equal(total, 2 + 90 + 12);
    const reasons = await tableRows('reasons');
    assert.deepEqual(reasons.map((r) => r[0]).sort(), ['EF-ELEC', 'EF-HYD', 'EF-MECH', 'MS-LATE']);
    assert.equal(reasons.at(-1)![2], '100');
    assert.ok((await tableRows('heatmap')).length >= 9, 'three lines × three shifts');
    assert.ok(filled(await tableRows('age'), 1).length >= 3, 'open cases of several ages');
    assert.equal(await page.locator('svg.echart').count(), DASHBOARD_CHARTS.length);
    await page.screenshot({ path: `${SHOTS}dashboards-many-en.png`, fullPage: true });

    await page.selectOption('select[name=type]', 'material_shortage');
    await page.selectOption('select[name=shift]', 'B');
    await Promise.all([
      page.waitForURL(/type=material_shortage/),
      page.click('.filters button[type=submit]'),
    ]);
    const expected = many.filter((m) => m.type === 'material_shortage' && m.shift === 'B').length;
    const filteredTrend = await tableRows('trend');
    assert.equal(
      filteredTrend.reduce((a, r) => a + Number(r[1]), 0),
      expected,
      'the summary report honours the shift filter',
    );
    const heat = await tableRows('heatmap');
    assert.ok(heat.every((r) => r[1] === 'B') && heat.length > 0, JSON.stringify(heat));
    assert.equal(
      await page.locator('.dash[data-chart="equipment"] .chart-empty').count(),
      1,
      'no machines for material',
    );

    await page.goto(`${h.url}/reports?days=90&lang=zh-CN`);
    assert.match((await page.locator('h1').textContent()) ?? '', /仪表板/);
    await page.screenshot({ path: `${SHOTS}dashboards-many-zh-CN.png`, fullPage: true });
    await page.goto(`${h.url}/reports?lang=en`);
  });

  it('downloads a chart’s numbers as CSV through the signed-in session, and not without it', async () => {
    await page.goto(`${h.url}/reports?line=ONE&days=7`);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('.dash[data-chart="equipment"] a.csv').click(),
    ]);
    const text = readFileSync(await download.path(), 'utf8');
    assert.equal(text, '\uFEFFEquipment,Cases,Cumulative (%)\r\nPRESS-1,1,100\r\n');
    assert.match(download.suggestedFilename(), /^andon-equipment-.*\.csv$/);

    const anonymous = await fetch(`${h.url}/reports/csv/equipment`, { redirect: 'manual' });
    assert.equal(anonymous.status, 303);
    assert.match(anonymous.headers.get('location') ?? '', /^\/login\?next=/);
    const bad = await page.request.get(`${h.url}/reports/csv/nope`);
    assert.equal(bad.status(), 400);
    const badFilter = await page.request.get(`${h.url}/reports/csv/trend?from=2026-13-01`);
    assert.equal(badFilter.status(), 400);
    assert.match(await badFilter.text(), /^from: /);
  });
});
