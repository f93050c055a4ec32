/** Pure parts of the shop-floor views: andon colours, period axes, CSP-safe chart SVG, CSV. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { caseColour, worstColour, type AndonCaseFacts } from '../domain/andon.js';
import {
  API_ROLE_LABELS,
  CASE_STATUS_LABELS,
  JOB_ROLE_LABELS,
  label,
  NOTIFICATION_STATUS_LABELS,
  SEVERITY_LABELS,
  TASK_STATUS_LABELS,
} from '../domain/labels.js';
import { dashboardQuery } from '../domain/contracts/dashboards.js';
import { datasetCsv, periodKeys, rangeOf } from '../api/web/dashboard-data.js';
import { renderChart, styleToAttributes } from '../api/web/echarts-svg.js';

const now = new Date('2026-12-06T10:00:00Z');
const base: AndonCaseFacts = {
  status: 'open',
  escalationLevel: 0,
  slaBreached: false,
  slaDeadline: '2026-12-06T12:00:00Z',
  currentStep: 'repair',
  peopleTasks: true,
};

describe('andon colours', () => {
  it('is amber while people are on it, red when escalated or past the SLA, blue when waiting', () => {
    assert.equal(caseColour(base, now), 'amber');
    assert.equal(caseColour({ ...base, status: 'acknowledged' }, now), 'amber');
    assert.equal(caseColour({ ...base, escalationLevel: 1 }, now), 'red');
    assert.equal(caseColour({ ...base, slaBreached: true }, now), 'red');
    assert.equal(caseColour({ ...base, slaDeadline: '2026-12-06T09:59:59Z' }, now), 'red', 'past the SLA');
    assert.equal(caseColour({ ...base, peopleTasks: false, currentStep: 'await_material' }, now), 'blue');
    assert.equal(
      caseColour({ ...base, peopleTasks: false, currentStep: 'maintenance_request' }, now),
      'blue',
    );
    assert.equal(caseColour({ ...base, peopleTasks: true, currentStep: 'await_material' }, now), 'amber');
    assert.equal(caseColour({ ...base, status: 'resolved', escalationLevel: 2 }, now), 'green');
  });

  it('gives a tile its most urgent colour', () => {
    assert.equal(worstColour([]), 'green');
    assert.equal(worstColour(['green', 'blue', 'amber']), 'amber');
    assert.equal(worstColour(['blue', 'red', 'amber']), 'red');
  });
});

describe('dashboard axes', () => {
  it('lists every period of the range, by day, ISO week or month', () => {
    const q = (o: Record<string, string>) => dashboardQuery.parse(o);
    const days = rangeOf(q({ from: '2026-11-29', to: '2026-12-02' }), 'Asia/Shanghai', now);
    assert.equal(days.grain, 'day');
    assert.deepEqual(periodKeys(days), ['2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02']);
    assert.equal(days.from.toISOString(), '2026-11-28T16:00:00.000Z', 'local midnight');
    assert.equal(days.to.toISOString(), '2026-12-02T16:00:00.000Z', 'the end day is included');
    const weeks = rangeOf(q({ from: '2026-10-01', to: '2026-11-15', grain: 'week' }), 'UTC', now);
    assert.deepEqual(periodKeys(weeks).slice(0, 2), ['2026-09-28', '2026-10-05'], 'Mondays');
    const months = rangeOf(q({ days: '365' }), 'UTC', now);
    assert.equal(months.grain, 'month');
    assert.equal(periodKeys(months).length, 13);
    assert.equal(periodKeys(rangeOf(q({ from: '2026-12-06', to: '2026-12-06' }), 'UTC', now)).length, 1);
  });

  it('refuses a bad filter by name', () => {
    const days = dashboardQuery.safeParse({ days: '8', shift: 'A B' });
    assert.deepEqual(days.error?.issues.map((x) => x.path.join('.')).sort(), ['days', 'shift']);
    const order = dashboardQuery.safeParse({ from: '2026-12-05', to: '2026-12-01' });
    assert.deepEqual(
      order.error?.issues.map((x) => x.path.join('.')),
      ['to'],
    );
    assert.equal(
      dashboardQuery.safeParse({ line: '', type: '', days: '' }).success,
      true,
      'empty fields mean any',
    );
  });
});

describe('chart SVG', () => {
  it('carries no inline style (the CSP forbids it), only presentation attributes', () => {
    assert.equal(
      styleToAttributes(
        '<text style="font-size:12px;font-family:&quot;Noto Sans&quot;, sans-serif;white-space:pre;">x</text>',
      ),
      `<text font-size="12px" font-family="'Noto Sans', sans-serif">x</text>`,
    );
    const svg = renderChart(
      {
        title: { text: '平均响应' },
        xAxis: { type: 'category', data: ['12-06'] },
        yAxis: { type: 'value' },
        series: [{ type: 'line', data: [5], label: { show: true } }],
      },
      { width: 400, height: 200, label: 'MTTA', id: 'trend' },
    ).value;
    assert.ok(!/\sstyle="/.test(svg), svg.slice(0, 300));
    assert.ok(!svg.includes('<style'));
    assert.match(svg, /^<svg class="chart echart" data-chart="trend" role="img" aria-label="MTTA" /);
    assert.ok(svg.includes('平均响应'));
  });

  it('writes CSV a spreadsheet reads safely', () => {
    const csv = datasetCsv({
      chart: 'reasons',
      columns: ['原因代码', 'Cases'],
      rows: [
        ['=HYPERLINK("x")', 1],
        ['a,b', null],
      ],
      empty: false,
    });
    assert.equal(csv, '\uFEFF原因代码,Cases\r\n"\'=HYPERLINK(""x"")",1\r\n"a,b",\r\n');
  });
});

describe('labels', () => {
  it('name every code people read in both languages, the Chinese in Chinese', () => {
    const tables = {
      SEVERITY_LABELS,
      CASE_STATUS_LABELS,
      TASK_STATUS_LABELS,
      JOB_ROLE_LABELS,
      API_ROLE_LABELS,
      NOTIFICATION_STATUS_LABELS,
    };
    for (const [name, table] of Object.entries(tables)) {
      for (const [code, words] of Object.entries(table)) {
        assert.ok(words.en.trim().length > 0, `${name}.${code} has English words`);
        assert.match(words['zh-CN'], /\p{Script=Han}/u, `${name}.${code} has Chinese words`);
      }
    }
    assert.equal(label(CASE_STATUS_LABELS, 'acknowledged', 'zh-CN'), '已响应');
    assert.equal(label(JOB_ROLE_LABELS, 'qc_engineer', 'en'), 'QC engineer');
    assert.equal(
      label(JOB_ROLE_LABELS, 'not_a_role', 'zh-CN'),
      'not_a_role',
      'an unknown code shows as it is',
    );
  });
});
