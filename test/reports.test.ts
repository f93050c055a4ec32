/**
 * The KPI reports on real PostgreSQL: exact figures over hand-made cases, the trigger-kept rollup
 * against a raw scan and a rebuild (through a case's whole life, reopening included), period
 * buckets in other time zones, the live board, and the HTTP surface (JSON, CSV, 400s).
 * Each scenario lives in its own time window or line, so they share one database.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import pg from 'pg';
import { authenticate } from '../api/auth.js';
import { problemHandler } from '../api/problem.js';
import { reportRoutes } from '../api/routes/reports.js';
import { createApiKey } from '../db/api-keys.js';
import { createDb, migrate, type Db } from '../db/index.js';
import * as m0004 from '../db/migrations/0004_reports.js';
import {
  boardQuery,
  rebuildReportRollup,
  setReportTimeZone,
  summaryReport,
  type SummaryFilters,
  type SummaryGroup,
} from '../db/reports.js';
import type { CaseStatus, ExceptionType, Severity } from '../domain/model.js';
import { createLogger } from '../lib/logger.js';

const adminUrl = process.env.ANDON_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `andon_test_reports_${randomBytes(4).toString('hex')}`;
let db: Db;

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

before(async () => {
  await admin(`create database "${dbName}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  db = createDb(url.toString());
  await migrate(db);
  // until db/index.ts registers 0004, apply it here
  const { rows } = await db.raw<{ rows: Array<{ t: string | null }> }>(
    `select to_regclass('case_report_cells')::text as t`,
  );
  if (rows[0]?.t === null) await m0004.up(db);
});

after(async () => {
  await db?.destroy();
  await admin(`drop database if exists "${dbName}" with (force)`);
});

interface Seed {
  type?: ExceptionType;
  severity?: Severity;
  status?: CaseStatus;
  line: string;
  shift?: string | null;
  reason?: string | null;
  openedAt: string;
  /** Seconds after opening. */
  ack?: number;
  resolve?: number;
  close?: number;
  ackedBy?: string;
  breached?: boolean;
  escalation?: number;
  downtime?: number;
}

const at = (iso: string, plusSeconds: number): Date => new Date(Date.parse(iso) + plusSeconds * 1000);

function row(s: Seed): Record<string, unknown> {
  const status: CaseStatus =
    s.status ??
    (s.close !== undefined
      ? 'closed'
      : s.resolve !== undefined
        ? 'resolved'
        : s.ack !== undefined
          ? 'acknowledged'
          : 'open');
  return {
    source: 'test',
    external_id: randomBytes(8).toString('hex'),
    type: s.type ?? 'equipment_fault',
    severity: s.severity ?? 'medium',
    status,
    line: s.line,
    title: 'test case',
    reason_code: s.reason ?? null,
    details: '{}',
    policy: '{}',
    occurred_at: new Date(s.openedAt),
    opened_at: new Date(s.openedAt),
    acknowledged_at: s.ack === undefined ? null : at(s.openedAt, s.ack),
    resolved_at: s.resolve === undefined ? null : at(s.openedAt, s.resolve),
    closed_at: s.close === undefined ? null : at(s.openedAt, s.close),
    shift: s.shift ?? null,
    acked_by: s.ackedBy ?? null,
    sla_breached: s.breached ?? false,
    escalation_level: s.escalation ?? 0,
    downtime_minutes: s.downtime ?? null,
  };
}

async function insertCases(seeds: Seed[]): Promise<number[]> {
  const ids = await db('cases').insert(seeds.map(row)).returning<Array<{ id: number }>>('id');
  return ids.map((r) => r.id);
}

/** The rollup as stored, without empty cells, in a stable order. */
async function cells(): Promise<unknown[]> {
  return db('case_report_cells')
    .where('n', '>', 0)
    .orderBy(['kind', 'grain', 'day', 'type', 'line', 'key'])
    .select();
}

/** Asserts that the trigger-kept rollup equals one rebuilt from scratch. */
async function assertRollupMatchesRebuild(): Promise<void> {
  const kept = await cells();
  await rebuildReportRollup(db);
  assert.deepEqual(await cells(), kept);
}

const byKey = (groups: SummaryGroup[]): Record<string, SummaryGroup> =>
  Object.fromEntries(groups.map((g) => [String(g.key), g]));

const group = (o: Partial<SummaryGroup> & { key: string | null }): SummaryGroup => ({
  cases: 0,
  closed: 0,
  acknowledged: 0,
  resolved: 0,
  mttaSeconds: null,
  mttrSeconds: null,
  closureP50Seconds: null,
  closureP90Seconds: null,
  slaBreached: 0,
  slaBreachRate: null,
  escalated: 0,
  escalationRate: null,
  downtimeMinutes: 0,
  ...o,
});

/** The same report from the rollup and from a raw scan: they must agree exactly. */
async function report(filters: SummaryFilters) {
  const fast = await summaryReport(db, filters);
  const scan = await summaryReport(db, filters, { scan: true });
  assert.equal(scan.usedRollup, false);
  assert.deepEqual(fast.groups, scan.groups, 'rollup and scan disagree on groups');
  assert.deepEqual(fast.pareto, scan.pareto, 'rollup and scan disagree on the Pareto');
  return fast;
}

// March 2026 (UTC): eight cases with known timings. 2026-03-02 is a Monday.
const MARCH: Seed[] = [
  // closure 3600
  {
    type: 'equipment_fault',
    line: 'F1',
    shift: 'A',
    openedAt: '2026-03-02T08:00:00Z',
    ack: 120,
    resolve: 1800,
    close: 3600,
    ackedBy: 'person:1',
    reason: 'R-WORN',
    downtime: 30,
  },
  // closure 7200, escalated, breached
  {
    type: 'equipment_fault',
    line: 'F1',
    shift: 'A',
    openedAt: '2026-03-03T09:00:00Z',
    ack: 300,
    resolve: 5400,
    close: 7200,
    ackedBy: 'person:1',
    reason: 'R-WORN',
    downtime: 90,
    escalation: 1,
    breached: true,
  },
  // closure 1200
  {
    type: 'material_shortage',
    line: 'F1',
    shift: 'B',
    openedAt: '2026-03-04T15:00:00Z',
    ack: 60,
    resolve: 600,
    close: 1200,
    ackedBy: 'person:2',
    reason: 'R-LATE',
  },
  // closure 4800, escalated, breached
  {
    type: 'material_shortage',
    line: 'F2',
    shift: 'B',
    openedAt: '2026-03-05T16:00:00Z',
    ack: 600,
    resolve: 3000,
    close: 4800,
    ackedBy: 'person:2',
    reason: 'R-WORN',
    escalation: 2,
    breached: true,
  },
  // closure 14400
  {
    type: 'quality_failure',
    line: 'F2',
    shift: 'C',
    openedAt: '2026-03-06T23:00:00Z',
    ack: 900,
    resolve: 9000,
    close: 14400,
    ackedBy: 'person:3',
    reason: 'R-LATE',
  },
  // still open, never acknowledged, no reason
  { type: 'quality_failure', line: 'F2', shift: 'C', openedAt: '2026-03-07T01:00:00Z' },
  // resolved, not closed; no shift
  {
    type: 'order_delay',
    line: 'F2',
    shift: null,
    openedAt: '2026-03-09T10:00:00Z',
    ack: 240,
    resolve: 2400,
    ackedBy: 'person:3',
    reason: 'R-CUST',
  },
  // cancelled before anyone acknowledged
  {
    type: 'order_delay',
    line: 'F1',
    shift: 'A',
    openedAt: '2026-03-10T10:00:00Z',
    status: 'cancelled',
    reason: 'R-CUST',
  },
];
const MARCH_RANGE = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') };

describe('summary figures', () => {
  before(async () => {
    await insertCases(MARCH);
  });

  it('computes counts, MTTA, MTTR, closure p50/p90, rates, downtime and the Pareto', async () => {
    const r = await report({ ...MARCH_RANGE });
    assert.equal(r.usedRollup, true);
    assert.deepEqual(r.groups, [
      group({
        key: 'all',
        cases: 8,
        closed: 5,
        acknowledged: 6,
        resolved: 6,
        mttaSeconds: 370, // (120+300+60+600+900+240)/6
        mttrSeconds: 3700, // (1800+5400+600+3000+9000+2400)/6
        closureP50Seconds: 4800, // 1200, 3600, [4800], 7200, 14400
        closureP90Seconds: 11520, // 7200 + 0.6 × (14400 − 7200)
        slaBreached: 2,
        slaBreachRate: 0.25,
        escalated: 2,
        escalationRate: 0.25,
        downtimeMinutes: 120,
      }),
    ]);
    assert.deepEqual(r.pareto, [
      { reasonCode: 'R-WORN', count: 3, percent: 42.8571, cumulativePercent: 42.8571 },
      { reasonCode: 'R-CUST', count: 2, percent: 28.5714, cumulativePercent: 71.4286 },
      { reasonCode: 'R-LATE', count: 2, percent: 28.5714, cumulativePercent: 100 },
    ]);
  });

  it('groups by type', async () => {
    const r = await report({ ...MARCH_RANGE, groupBy: 'type' });
    assert.deepEqual(
      r.groups.map((g) => g.key),
      ['equipment_fault', 'material_shortage', 'order_delay', 'quality_failure'],
    );
    const g = byKey(r.groups);
    assert.deepEqual(
      g.equipment_fault,
      group({
        key: 'equipment_fault',
        cases: 2,
        closed: 2,
        acknowledged: 2,
        resolved: 2,
        mttaSeconds: 210,
        mttrSeconds: 3600,
        closureP50Seconds: 5400,
        closureP90Seconds: 6840,
        slaBreached: 1,
        slaBreachRate: 0.5,
        escalated: 1,
        escalationRate: 0.5,
        downtimeMinutes: 120,
      }),
    );
    assert.equal(g.material_shortage?.closureP50Seconds, 3000);
    assert.equal(g.material_shortage?.closureP90Seconds, 4440);
    assert.equal(g.material_shortage?.mttaSeconds, 330);
    assert.deepEqual(
      g.order_delay,
      group({
        key: 'order_delay',
        cases: 2,
        acknowledged: 1,
        resolved: 1,
        mttaSeconds: 240,
        mttrSeconds: 2400,
        slaBreachRate: 0,
        escalationRate: 0,
      }),
    );
    assert.equal(g.quality_failure?.closureP50Seconds, 14400);
    assert.equal(g.quality_failure?.closureP90Seconds, 14400);
    assert.equal(g.quality_failure?.mttaSeconds, 900);
  });

  it('groups by line', async () => {
    const g = byKey((await report({ ...MARCH_RANGE, groupBy: 'line' })).groups);
    assert.deepEqual(Object.keys(g), ['F1', 'F2']);
    assert.deepEqual(
      g.F1,
      group({
        key: 'F1',
        cases: 4,
        closed: 3,
        acknowledged: 3,
        resolved: 3,
        mttaSeconds: 160,
        mttrSeconds: 2600,
        closureP50Seconds: 3600,
        closureP90Seconds: 6480,
        slaBreached: 1,
        slaBreachRate: 0.25,
        escalated: 1,
        escalationRate: 0.25,
        downtimeMinutes: 120,
      }),
    );
    assert.equal(g.F2?.closureP50Seconds, 9600);
    assert.equal(g.F2?.closureP90Seconds, 13440);
    assert.equal(g.F2?.mttaSeconds, 580);
    assert.equal(g.F2?.mttrSeconds, 4800);
  });

  it('groups by shift and by person, the "none" group last', async () => {
    const shifts = (await report({ ...MARCH_RANGE, groupBy: 'shift' })).groups;
    assert.deepEqual(
      shifts.map((g) => [g.key, g.cases, g.closed]),
      [
        ['A', 3, 2],
        ['B', 2, 2],
        ['C', 2, 1],
        [null, 1, 0],
      ],
    );
    assert.equal(shifts[0]?.closureP50Seconds, 5400);
    const people = (await report({ ...MARCH_RANGE, groupBy: 'person' })).groups;
    assert.deepEqual(
      people.map((g) => [g.key, g.cases, g.mttaSeconds]),
      [
        ['person:1', 2, 210],
        ['person:2', 2, 330],
        ['person:3', 2, 570],
        [null, 2, null],
      ],
    );
  });

  it('groups by day and week', async () => {
    const days = (await report({ ...MARCH_RANGE, groupBy: 'period', period: 'day' })).groups;
    assert.deepEqual(
      days.map((g) => [g.key, g.cases]),
      [
        ['2026-03-02', 1],
        ['2026-03-03', 1],
        ['2026-03-04', 1],
        ['2026-03-05', 1],
        ['2026-03-06', 1],
        ['2026-03-07', 1],
        ['2026-03-09', 1],
        ['2026-03-10', 1],
      ],
    );
    const weeks = (await report({ ...MARCH_RANGE, groupBy: 'period', period: 'week' })).groups;
    assert.deepEqual(
      weeks.map((g) => [g.key, g.cases, g.closed, g.closureP50Seconds]),
      [
        ['2026-03-02', 6, 5, 4800],
        ['2026-03-09', 2, 0, null],
      ],
    );
  });

  it('filters by type, line and a range with partial days at both ends', async () => {
    const ef = await report({ ...MARCH_RANGE, type: 'equipment_fault', groupBy: 'line' });
    assert.deepEqual(
      ef.groups.map((g) => [g.key, g.cases]),
      [['F1', 2]],
    );
    assert.deepEqual(
      ef.pareto.map((p) => [p.reasonCode, p.count, p.cumulativePercent]),
      [['R-WORN', 2, 100]],
    );
    const f2 = await report({ ...MARCH_RANGE, line: 'F2', groupBy: 'type' });
    assert.deepEqual(
      f2.groups.map((g) => [g.key, g.cases]),
      [
        ['material_shortage', 1],
        ['order_delay', 1],
        ['quality_failure', 2],
      ],
    );
    // 12:00 to 12:00: day cells in between, raw rows for the half days
    const mid = await report({
      from: new Date('2026-03-02T12:00:00Z'),
      to: new Date('2026-03-09T12:00:00Z'),
    });
    assert.equal(mid.usedRollup, true);
    assert.deepEqual(
      [mid.groups[0]?.cases, mid.groups[0]?.closed],
      [6, 4], // cases 2–7
    );
    assert.equal(mid.groups[0]?.closureP50Seconds, 6000); // 1200, 4800 | 7200, 14400
    assert.equal(mid.groups[0]?.closureP90Seconds, 12240); // 7200 + 0.7 × 7200
    // within one day: raw rows only
    const oneDay = await report({
      from: new Date('2026-03-03T00:00:00Z'),
      to: new Date('2026-03-03T23:00:00Z'),
    });
    assert.equal(oneDay.usedRollup, false);
    assert.equal(oneDay.groups[0]?.cases, 1);
  });

  it('answers an empty range with one empty group', async () => {
    const r = await report({ from: new Date('2030-01-01T00:00:00Z'), to: new Date('2030-02-01T00:00:00Z') });
    assert.deepEqual(r.groups, [group({ key: 'all' })]);
    assert.deepEqual(r.pareto, []);
  });
});

describe('period buckets in a plant time zone', () => {
  // Asia/Kolkata is UTC+05:30: local midnight is 18:30 UTC the day before.
  const seeds: Seed[] = [
    { line: 'TZ1', openedAt: '2025-05-31T18:29:00Z', close: 60 }, // 05-31 23:59 local (Sat)
    { line: 'TZ1', openedAt: '2025-06-01T18:00:00Z', close: 60 }, // 06-01 23:30 local (Sun)
    { line: 'TZ1', openedAt: '2025-06-01T18:45:00Z', close: 60 }, // 06-02 00:15 local (Mon)
    { line: 'TZ1', openedAt: '2025-06-30T18:20:00Z', close: 60 }, // 06-30 23:50 local (Mon)
    { line: 'TZ1', openedAt: '2025-06-30T18:40:00Z', close: 60 }, // 07-01 00:10 local (Tue)
  ];
  const range = {
    line: 'TZ1',
    from: new Date('2025-05-14T18:30:00Z'), // 2025-05-15 00:00 local
    to: new Date('2025-07-14T18:30:00Z'), // 2025-07-15 00:00 local
    timeZone: 'Asia/Kolkata',
    groupBy: 'period' as const,
  };
  const expected = {
    day: [
      ['2025-05-31', 1],
      ['2025-06-01', 1],
      ['2025-06-02', 1],
      ['2025-06-30', 1],
      ['2025-07-01', 1],
    ],
    week: [
      ['2025-05-26', 2],
      ['2025-06-02', 1],
      ['2025-06-30', 2],
    ],
    month: [
      ['2025-05-01', 1],
      ['2025-06-01', 3],
      ['2025-07-01', 1],
    ],
  };

  before(async () => {
    await insertCases(seeds);
  });

  it('buckets by local day, week and month from raw rows when the rollup counts UTC days', async () => {
    for (const period of ['day', 'week', 'month'] as const) {
      const r = await report({ ...range, period });
      assert.equal(r.usedRollup, false);
      assert.deepEqual(
        r.groups.map((g) => [g.key, g.cases]),
        expected[period],
        period,
      );
    }
    const utcDays = await report({ ...range, timeZone: 'UTC', period: 'day' });
    assert.equal(utcDays.usedRollup, true);
    assert.deepEqual(
      utcDays.groups.map((g) => [g.key, g.cases]),
      [
        ['2025-05-31', 1],
        ['2025-06-01', 2],
        ['2025-06-30', 2],
      ],
    );
  });

  it('buckets the same from the rollup once it counts days in that zone', async () => {
    await setReportTimeZone(db, 'Asia/Kolkata');
    try {
      for (const period of ['day', 'week', 'month'] as const) {
        const r = await report({ ...range, period });
        assert.equal(r.usedRollup, true);
        assert.deepEqual(
          r.groups.map((g) => [g.key, g.cases]),
          expected[period],
          period,
        );
      }
      // the trigger now files new cases under Kolkata days too
      await insertCases([{ line: 'TZ1', openedAt: '2025-06-08T18:31:00Z' }]); // 06-09 00:01 local
      const weeks = await report({ ...range, period: 'week' });
      assert.deepEqual(
        weeks.groups.map((g) => [g.key, g.cases]),
        [
          ['2025-05-26', 2],
          ['2025-06-02', 1],
          ['2025-06-09', 1],
          ['2025-06-30', 2],
        ],
      );
      await assertRollupMatchesRebuild();
    } finally {
      await setReportTimeZone(db, 'UTC');
    }
  });
});

describe('a case through its life', () => {
  const opened = '2024-01-10T10:00:00Z';
  const range = { line: 'LC1', from: new Date('2024-01-01T00:00:00Z'), to: new Date('2024-02-01T00:00:00Z') };
  const set = async (id: number, values: Record<string, unknown>): Promise<void> => {
    await db('cases').where({ id }).update(values);
  };
  const only = async (groupBy: SummaryFilters['groupBy'] = 'none'): Promise<SummaryGroup> => {
    const r = await report({ ...range, groupBy });
    assert.equal(r.groups.length, 1);
    return r.groups[0]!;
  };

  it('is counted right after every change, reopening and deletion included', async () => {
    const [id] = await insertCases([
      { line: 'LC1', shift: 'B', reason: 'R1', openedAt: opened, status: 'pending_start' },
    ]);
    assert.ok(id);
    assert.deepEqual(await only(), group({ key: 'all', cases: 1, slaBreachRate: 0, escalationRate: 0 }));

    await set(id, { status: 'open' });
    await set(id, { escalation_level: 1 });
    await set(id, { status: 'acknowledged', acknowledged_at: at(opened, 100), acked_by: 'person:7' });
    let g = await only('person');
    assert.deepEqual(
      [g.key, g.acknowledged, g.mttaSeconds, g.escalated, g.escalationRate],
      ['person:7', 1, 100, 1, 1],
    );

    await set(id, { sla_breached: true });
    await set(id, { status: 'resolved', resolved_at: at(opened, 1000), resolved_by: 'person:7' });
    await set(id, { downtime_minutes: 15 });
    await set(id, { status: 'closed', closed_at: at(opened, 2000) });
    g = await only();
    assert.deepEqual(
      g,
      group({
        key: 'all',
        cases: 1,
        closed: 1,
        acknowledged: 1,
        resolved: 1,
        mttaSeconds: 100,
        mttrSeconds: 1000,
        closureP50Seconds: 2000,
        closureP90Seconds: 2000,
        slaBreached: 1,
        slaBreachRate: 1,
        escalated: 1,
        escalationRate: 1,
        downtimeMinutes: 15,
      }),
    );
    await assertRollupMatchesRebuild();

    // reopened: no longer resolved or closed; acknowledgement, escalation and downtime stay
    await set(id, { status: 'open', resolved_at: null, closed_at: null });
    g = await only('shift');
    assert.deepEqual(
      [g.key, g.closed, g.resolved, g.mttrSeconds, g.closureP50Seconds, g.mttaSeconds, g.downtimeMinutes],
      ['B', 0, 0, null, null, 100, 15],
    );
    await assertRollupMatchesRebuild();

    await set(id, { status: 'resolved', resolved_at: at(opened, 5000), downtime_minutes: 40 });
    await set(id, { status: 'closed', closed_at: at(opened, 6000) });
    g = await only();
    assert.deepEqual(
      [g.closed, g.resolved, g.mttrSeconds, g.closureP50Seconds, g.closureP90Seconds, g.downtimeMinutes],
      [1, 1, 5000, 6000, 6000, 40],
    );
    const pareto = (await report(range)).pareto;
    assert.deepEqual(pareto, [{ reasonCode: 'R1', count: 1, percent: 100, cumulativePercent: 100 }]);
    await assertRollupMatchesRebuild();

    // edits that change no figure leave the rollup alone (the trigger's WHEN clause)
    await set(id, { title: 'renamed', updated_at: new Date() });
    await assertRollupMatchesRebuild();

    await db('cases').where({ id }).delete();
    assert.deepEqual((await report(range)).groups, [group({ key: 'all' })]);
    await assertRollupMatchesRebuild();
  });

  it('stays exact under many random changes (rollup = raw scan = rebuild)', async () => {
    let seed = 42;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const base = Date.parse('2023-01-01T00:00:00Z');
    const seeds: Seed[] = Array.from({ length: 300 }, () => ({
      type: pick(['material_shortage', 'equipment_fault', 'quality_failure', 'order_delay'] as const),
      line: pick(['RND1', 'RND2', 'RND3']),
      shift: pick(['A', 'B', 'C', null]),
      reason: pick(['X1', 'X2', 'X3', null]),
      openedAt: new Date(base + Math.floor(rand() * 200 * 86_400_000)).toISOString(),
    }));
    const ids = await insertCases(seeds);
    for (let step = 0; step < 600; step++) {
      const i = Math.floor(rand() * ids.length);
      const id = ids[i]!;
      const opened = seeds[i]!.openedAt;
      const secs = 1 + Math.floor(rand() * 200_000);
      switch (Math.floor(rand() * 7)) {
        case 0:
          await set(id, {
            acknowledged_at: at(opened, secs),
            acked_by: pick(['person:1', 'person:2', null]),
          });
          break;
        case 1:
          await set(id, { resolved_at: at(opened, secs), downtime_minutes: pick([null, 5, 60]) });
          break;
        case 2:
          await set(id, { closed_at: at(opened, secs), status: 'closed' });
          break;
        case 3:
          await set(id, { resolved_at: null, closed_at: null, status: 'open' });
          break;
        case 4:
          await set(id, { sla_breached: rand() < 0.5, escalation_level: pick([0, 1, 2]) });
          break;
        case 5:
          await set(id, { closed_at: at(opened, secs), reason_code: pick(['X1', 'X4', null]) });
          break;
        default:
          if (rand() < 0.2) await db('cases').where({ id }).delete();
      }
    }
    const year = { from: new Date('2023-01-01T00:00:00Z'), to: new Date('2024-01-01T00:00:00Z') };
    const part = { from: new Date('2023-02-03T05:00:00Z'), to: new Date('2023-05-17T13:00:00Z') };
    for (const range of [year, part]) {
      for (const groupBy of ['none', 'type', 'line', 'shift', 'person'] as const) {
        const r = await report({ ...range, groupBy });
        assert.equal(r.usedRollup, true);
      }
      for (const period of ['day', 'week', 'month'] as const) {
        await report({ ...range, groupBy: 'period', period });
      }
      await report({ ...range, groupBy: 'shift', line: 'RND2', type: 'equipment_fault' });
    }
    await assertRollupMatchesRebuild();
  });
});

describe('board', () => {
  it('lists active cases, most severe first, then oldest first', async () => {
    const t = (m: number): string => new Date(Date.parse('2026-05-01T00:00:00Z') + m * 60_000).toISOString();
    const [lowOld, critNew, highMid, critOld, closed, cancelled, resolved] = await insertCases([
      { line: 'BRD', severity: 'low', openedAt: t(0) },
      { line: 'BRD', severity: 'critical', openedAt: t(30), ack: 10 },
      { line: 'BRD', severity: 'high', openedAt: t(20), status: 'pending_start' },
      { line: 'BRD', severity: 'critical', openedAt: t(10) },
      { line: 'BRD', severity: 'critical', openedAt: t(5), close: 100 },
      { line: 'BRD', severity: 'critical', openedAt: t(6), status: 'cancelled' },
      { line: 'BRD', severity: 'medium', openedAt: t(7), resolve: 100 },
    ]);
    const board = await boardQuery(db, { line: 'BRD' });
    assert.deepEqual(
      board.map((c) => c.id),
      [critOld, critNew, highMid, resolved, lowOld],
    );
    assert.ok(!board.some((c) => c.id === closed || c.id === cancelled));
    assert.deepEqual(board[0], {
      id: critOld,
      type: 'equipment_fault',
      severity: 'critical',
      line: 'BRD',
      status: 'open',
      escalationLevel: 0,
      openedAt: t(10),
      slaDeadline: null,
    });

    const all = await boardQuery(db);
    const rank = { critical: 0, high: 1, medium: 2, low: 3 };
    for (let i = 1; i < all.length; i++) {
      const a = all[i - 1]!;
      const b = all[i]!;
      assert.ok(
        rank[a.severity] < rank[b.severity] || (a.severity === b.severity && a.openedAt <= b.openedAt),
      );
    }
    assert.ok(all.every((c) => ['pending_start', 'open', 'acknowledged', 'resolved'].includes(c.status)));
  });

  it('shows at most 500 cases', async () => {
    await insertCases(
      Array.from({ length: 510 }, (_, i) => ({
        line: 'BRD2',
        openedAt: new Date(Date.parse('2026-06-01T00:00:00Z') + i * 1000).toISOString(),
      })),
    );
    assert.equal((await boardQuery(db, { line: 'BRD2' })).length, 500);
  });
});

describe('GET /api/v1/reports/summary', () => {
  let server: Server;
  let base: string;
  const keys: Record<'supervisor' | 'staff', string> = { supervisor: '', staff: '' };

  before(async () => {
    keys.supervisor = (await createApiKey(db, { name: 'sup', role: 'supervisor' })).key;
    keys.staff = (await createApiKey(db, { name: 'staff', role: 'staff' })).key;
    const app = express();
    app.use(express.json());
    app.use(authenticate(db));
    app.use('/api/v1', reportRoutes({ db }));
    app.use(problemHandler(createLogger('silent')));
    server = app.listen(0, '127.0.0.1');
    await new Promise((ok) => server.once('listening', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/reports/summary`;
  });
  after(async () => {
    await new Promise((ok) => server?.close(ok));
  });

  const get = (query: string, headers: Record<string, string> = {}, key: string | null = keys.supervisor) =>
    fetch(`${base}?${query}`, {
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    });

  it('answers JSON with the filters, groups and Pareto', async () => {
    const res = await get('from=2026-03-01&to=2026-04-01&groupBy=line');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const body = (await res.json()) as {
      filters: Record<string, unknown>;
      groups: SummaryGroup[];
      pareto: Array<{ reasonCode: string }>;
    };
    assert.deepEqual(body.filters, {
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-04-01T00:00:00.000Z',
      type: null,
      line: null,
      groupBy: 'line',
      period: 'day',
      tz: 'UTC',
    });
    assert.deepEqual(
      body.groups.map((g) => [g.key, g.cases, g.closureP90Seconds]),
      [
        ['F1', 4, 6480],
        ['F2', 4, 13440],
      ],
    );
    assert.deepEqual(
      body.pareto.map((p) => p.reasonCode),
      ['R-WORN', 'R-CUST', 'R-LATE'],
    );
  });

  it('reads bare dates as midnight in tz', async () => {
    const res = await get('from=2026-03-02&to=2026-03-03&tz=asia/kolkata&type=equipment_fault');
    assert.equal(res.status, 200);
    const body = (await res.json()) as { filters: Record<string, unknown>; groups: SummaryGroup[] };
    assert.equal(body.filters.from, '2026-03-01T18:30:00.000Z');
    assert.equal(body.filters.to, '2026-03-02T18:30:00.000Z');
    assert.equal(body.filters.tz, 'asia/kolkata');
    assert.equal(body.groups[0]?.cases, 1); // 2026-03-02 08:00 UTC
  });

  it('answers CSV when the client prefers text/csv', async () => {
    const res = await get('from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z&groupBy=shift', {
      accept: 'text/csv, application/json;q=0.5',
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/);
    assert.match(
      res.headers.get('content-disposition') ?? '',
      /^attachment; filename="?andon-summary\.csv"?$/,
    );
    assert.equal(
      await res.text(),
      [
        'shift,cases,closed,acknowledged,resolved,mtta_seconds,mttr_seconds,closure_p50_seconds,closure_p90_seconds,sla_breached,sla_breach_rate,escalated,escalation_rate,downtime_minutes',
        'A,3,2,2,2,210,3600,5400,6840,1,0.333333,1,0.333333,120',
        'B,2,2,2,2,330,1800,3000,4440,1,0.5,1,0.5,0',
        'C,2,1,1,1,900,9000,14400,14400,0,0,0,0,0',
        ',1,0,1,1,240,2400,,,0,0,0,0,0',
        '',
      ].join('\r\n'),
    );
  });

  it('refuses bad input with a 400 naming the field', async () => {
    const cases: Array<[string, string]> = [
      ['groupBy=colour', 'groupBy'],
      ['period=fortnight&groupBy=period', 'period'],
      ['from=2026-13-01', 'from'],
      ['to=yesterday', 'to'],
      ['from=2026-03-01T10:00:00', 'from'], // a date-time needs its zone
      ['from=2026-04-01&to=2026-03-01', 'from'],
      ['tz=Mars/Olympus_Mons', 'tz'],
      ['tz=%2B05:00', 'tz'],
      ['type=fire', 'type'],
      ['line=', 'line'],
      ['line=a&line=b', 'line'],
    ];
    for (const [query, field] of cases) {
      const res = await get(query);
      assert.equal(res.status, 400, query);
      assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
      const body = (await res.json()) as { errors: Array<{ field: string }> };
      assert.deepEqual(
        body.errors.map((e) => e.field),
        [field],
        query,
      );
    }
  });

  it('needs a supervisor key and an acceptable format', async () => {
    assert.equal((await get('', {}, null)).status, 401);
    assert.equal((await get('', {}, keys.staff)).status, 403);
    assert.equal((await get('', { accept: 'application/xml' })).status, 406);
  });
});
