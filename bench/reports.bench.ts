/**
 * Reports benchmark: `npx tsx bench/reports.bench.ts`.
 *
 * Makes its own database, fills 1,000,000 synthetic closed cases over two years (plus a few
 * thousand active ones), times a naive baseline (plain aggregate with percentile_cont over `cases`,
 * before migration 0004 exists), applies 0004 (rollup backfill, indexes), then times the summary
 * report and the board and prints p50/p99 and the ratio to the baseline from this same process.
 * Goals: report p99 < 200 ms, board p99 < 100 ms. Drops its database at the end.
 *
 * Environment: ANDON_BENCH_PG_ADMIN_URL (else ANDON_TEST_PG_ADMIN_URL, else the local server),
 * BENCH_CASES (default 1000000), BENCH_RUNS (default 200), BENCH_BASELINE_RUNS (default 5),
 * BENCH_KEEP_DB=1 to keep the database for a closer look (its name is printed).
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createDb, migrate, type Db } from '../db/index.js';
import * as m0004 from '../db/migrations/0004_reports.js';
import { boardQuery, setReportTimeZone, summaryReport, type SummaryFilters } from '../db/reports.js';

const ADMIN_URL =
  process.env.ANDON_BENCH_PG_ADMIN_URL ??
  process.env.ANDON_TEST_PG_ADMIN_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';
const CASES = Number(process.env.BENCH_CASES ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const BASELINE_RUNS = Number(process.env.BENCH_BASELINE_RUNS ?? 5);
const ACTIVE_CASES = 3000;
const PLANT_ZONE = 'Asia/Shanghai';

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

const log = (s: string): void => console.log(s);
const ms = (x: number): string => `${x.toFixed(1).padStart(7)} ms`;

async function timed<T>(what: string, run: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const out = await run();
  log(`  ${what}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return out;
}

interface Stats {
  p50: number;
  p99: number;
  runs: number;
}

/** Nearest-rank percentiles of `runs` timed calls (after `warmup` untimed ones). */
async function measure(runs: number, warmup: number, call: () => Promise<unknown>): Promise<Stats> {
  for (let i = 0; i < warmup; i++) await call();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await call();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const at = (p: number): number => times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)]!;
  return { p50: at(0.5), p99: at(0.99), runs };
}

/**
 * 1M closed cases: opened uniformly over the last 730 days; type, line, severity, shift (by local
 * hour in the plant's zone), the person on duty for type × line × shift (a supervisor 15 % of the
 * time), six reason codes per type with a Pareto-like skew, exponential ack / fix / close times,
 * escalation when the ack took over 15 minutes, SLA by severity, downtime for equipment faults.
 */
async function fill(db: Db): Promise<void> {
  await db.raw(`select setseed(0.4711)`);
  await db.raw(
    `insert into cases (source, external_id, type, severity, status, line, title, reason_code, details,
       policy, escalation_level, occurred_at, opened_at, acknowledged_at, resolved_at, closed_at, shift,
       sla_deadline, sla_breached, acked_by, resolved_by, downtime_minutes)
     select 'bench', 'B-' || g, y.type, y.severity, 'closed', 'L' || y.line, 'bench case',
       upper(left(y.type, 2)) || '-0' || y.reason, '{}', '{}',
       case when y.ack > 1800 then 2 when y.ack > 900 then 1 else 0 end,
       y.o, y.o, y.o + make_interval(secs => y.ack), y.o + make_interval(secs => y.res),
       y.o + make_interval(secs => y.res + y.clo), y.shift,
       y.o + make_interval(secs => y.sla), y.res > y.sla, y.person, y.person,
       case when y.type = 'equipment_fault' then round(y.res / 60)::int end
     from generate_series(1, ?::int) g
     cross join lateral (
       select g as gg, now() - make_interval(secs => random() * 730 * 86400) as o,
         random() as r_type, random() as r_sev, 1 + floor(random() * 8)::int as line,
         random() as r_person, least(5, floor(-ln(1 - random()) * 1.3))::int + 1 as reason,
         -ln(1 - random()) * 360 as ack, -ln(1 - random()) as r_res, -ln(1 - random()) * 7200 as clo
     ) x
     cross join lateral (
       select x.*, t.type, t.i as type_i,
         case when x.r_sev < 0.3 then 'low' when x.r_sev < 0.7 then 'medium'
              when x.r_sev < 0.92 then 'high' else 'critical' end as severity
       from (select case when x.r_type < 0.35 then 'material_shortage' when x.r_type < 0.65
               then 'equipment_fault' when x.r_type < 0.85 then 'quality_failure' else 'order_delay' end
               as type,
             case when x.r_type < 0.35 then 0 when x.r_type < 0.65 then 1 when x.r_type < 0.85 then 2
               else 3 end as i) t
     ) x2
     cross join lateral (
       select x2.*, extract(hour from x2.o at time zone ?::text) as h
     ) x3
     cross join lateral (
       select x3.*,
         case when x3.h >= 6 and x3.h < 14 then 'A' when x3.h >= 14 and x3.h < 22 then 'B' else 'C' end
           as shift,
         case when x3.h >= 6 and x3.h < 14 then 0 when x3.h >= 14 and x3.h < 22 then 1 else 2 end
           as shift_i,
         x3.ack + x3.r_res * (array[10800, 5400, 21600, 43200])[x3.type_i + 1] as res,
         (array[86400, 28800, 14400, 7200])[
           array_position(array['low', 'medium', 'high', 'critical'], x3.severity)] as sla
     ) x4
     cross join lateral (
       select x4.*,
         case when x4.r_person < 0.85
              then 'person:' || (1 + x4.type_i * 24 + (x4.line - 1) * 3 + x4.shift_i)
              else 'person:' || (100 + x4.line) end as person
     ) y`,
    [CASES, PLANT_ZONE],
  );
  // Active cases for the board: opened over the last two days, not yet closed.
  await db.raw(
    `insert into cases (source, external_id, type, severity, status, line, title, details, policy,
       escalation_level, occurred_at, opened_at, acknowledged_at, shift, sla_deadline, acked_by)
     select 'bench', 'A-' || g,
       (array['material_shortage', 'equipment_fault', 'quality_failure', 'order_delay'])[1 + g % 4],
       (array['low', 'medium', 'medium', 'high', 'critical'])[1 + (g / 4) % 5],
       (array['pending_start', 'open', 'open', 'acknowledged', 'resolved'])[1 + (g / 3) % 5],
       'L' || (1 + g % 8), 'bench case', '{}', '{}', (g % 7 = 0)::int,
       now() - make_interval(secs => random() * 172800), now() - make_interval(secs => random() * 172800),
       null, 'A', now() + interval '2 hours', null
     from generate_series(1, ?::int) g`,
    [ACTIVE_CASES],
  );
}

// ---- the baseline: what one would write without rollups or indexes -------------------------------

type Naive = { key: string; cases: number; closed: number; p50: number | null; p90: number | null };

const NAIVE_KEY: Record<string, string> = {
  type: 'type',
  line: 'line',
  none: `'all'`,
  shift: `coalesce(shift, '')`,
  person: `coalesce(acked_by, '')`,
};

async function naiveSummary(db: Db, f: SummaryFilters): Promise<Naive[]> {
  const key =
    f.groupBy === 'period'
      ? `to_char(date_trunc(?, opened_at at time zone ?), 'YYYY-MM-DD')`
      : NAIVE_KEY[f.groupBy ?? 'none']!;
  const keyBindings = f.groupBy === 'period' ? [f.period ?? 'day', f.timeZone ?? 'UTC'] : [];
  return db.transaction(async (trx) => {
    await trx.raw(`select set_config('jit', 'off', true), set_config('work_mem', '64MB', true)`);
    const { rows } = await trx.raw<{ rows: Naive[] }>(
      `select ${key} as key, count(*)::int as cases, count(closed_at)::int as closed,
         avg(extract(epoch from acknowledged_at - opened_at)) as mtta,
         avg(extract(epoch from resolved_at - opened_at)) as mttr,
         percentile_cont(0.5) within group (order by floor(extract(epoch from closed_at - opened_at))) as p50,
         percentile_cont(0.9) within group (order by floor(extract(epoch from closed_at - opened_at))) as p90,
         count(*) filter (where sla_breached) as breached, count(*) filter (where escalation_level > 0) as esc,
         coalesce(sum(downtime_minutes), 0) as downtime
       from cases where opened_at >= ? and opened_at < ?
       group by 1 order by 1`,
      [...keyBindings, f.from ?? null, f.to ?? null],
    );
    await trx.raw(
      `select reason_code, count(*) from cases
       where opened_at >= ? and opened_at < ? and reason_code is not null
       group by 1 order by 2 desc, 1`,
      [f.from ?? null, f.to ?? null],
    );
    return rows;
  });
}

async function naiveBoard(db: Db): Promise<unknown[]> {
  const { rows } = await db.raw<{ rows: unknown[] }>(
    `select id, type, severity, line, status, escalation_level, opened_at, sla_deadline from cases
     where status in ('pending_start', 'open', 'acknowledged', 'resolved')
     order by case severity when 'critical' then 0 when 'high' then 1 when 'medium' then 2 else 3 end,
       opened_at, id
     limit 500`,
  );
  return rows;
}

// ---- main -----------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const dbName = `andon_bench_reports_${randomBytes(4).toString('hex')}`;
  await admin(`create database "${dbName}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  const db = createDb(url.toString(), { min: 1, max: 4 });
  const started = performance.now();
  try {
    log(`database ${dbName}; ${CASES.toLocaleString('en')} closed + ${ACTIVE_CASES} active cases`);
    await migrate(db);
    // the baseline runs without 0004; if db/index.ts already applied it, take it off until then
    const { rows } = await db.raw<{ rows: Array<{ t: string | null }> }>(
      `select to_regclass('case_report_cells')::text as t`,
    );
    if (rows[0]?.t !== null) await m0004.down(db);
    await timed('fill (insert … select from generate_series)', () => fill(db));
    await timed('vacuum analyze cases', () => db.raw('vacuum analyze cases'));

    const now = Date.now();
    const day = 86_400_000;
    const combos: Array<{ name: string; f: SummaryFilters; runs: number; baseline: boolean }> = [
      {
        name: 'last 30 days by type',
        f: { from: new Date(now - 30 * day), to: new Date(now), groupBy: 'type' },
        runs: RUNS,
        baseline: true,
      },
      {
        name: 'last 365 days by line',
        f: { from: new Date(now - 365 * day), to: new Date(now), groupBy: 'line' },
        runs: RUNS,
        baseline: true,
      },
      {
        name: 'last 365 days by week',
        f: {
          from: new Date(now - 365 * day),
          to: new Date(now),
          groupBy: 'period',
          period: 'week',
          timeZone: PLANT_ZONE,
        },
        runs: RUNS,
        baseline: true,
      },
      {
        name: 'last 365 days by shift',
        f: { from: new Date(now - 365 * day), to: new Date(now), groupBy: 'shift' },
        runs: Math.ceil(RUNS / 2),
        baseline: false,
      },
      {
        name: 'last 365 days by person',
        f: { from: new Date(now - 365 * day), to: new Date(now), groupBy: 'person' },
        runs: Math.ceil(RUNS / 2),
        baseline: false,
      },
      {
        name: 'last 365 days by month, L3',
        f: {
          from: new Date(now - 365 * day),
          to: new Date(now),
          groupBy: 'period',
          period: 'month',
          timeZone: PLANT_ZONE,
          line: 'L3',
        },
        runs: Math.ceil(RUNS / 2),
        baseline: false,
      },
      {
        name: 'last 90 days by day',
        f: {
          from: new Date(now - 90 * day),
          to: new Date(now),
          groupBy: 'period',
          period: 'day',
          timeZone: PLANT_ZONE,
        },
        runs: Math.ceil(RUNS / 2),
        baseline: false,
      },
      {
        name: 'all 2 years, equipment faults',
        f: { from: new Date(now - 800 * day), to: new Date(now), type: 'equipment_fault' },
        runs: Math.ceil(RUNS / 2),
        baseline: false,
      },
    ];

    log(`\nbaseline: naive aggregate over cases (no 0004), ${BASELINE_RUNS} runs each`);
    const baseline = new Map<string, { stats: Stats; rows: Naive[] }>();
    for (const c of combos.filter((c) => c.baseline)) {
      let rows: Naive[] = [];
      const stats = await measure(BASELINE_RUNS, 1, async () => {
        rows = await naiveSummary(db, c.f);
      });
      baseline.set(c.name, { stats, rows });
      log(`  ${c.name.padEnd(32)} p50 ${ms(stats.p50)}  p99 ${ms(stats.p99)}`);
    }
    const boardBaseline = await measure(BASELINE_RUNS * 4, 1, () => naiveBoard(db));
    log(`  ${'board'.padEnd(32)} p50 ${ms(boardBaseline.p50)}  p99 ${ms(boardBaseline.p99)}`);

    log('\nmigration 0004');
    await timed('up: indexes, triggers, rollup backfill (UTC days)', () => m0004.up(db));
    await timed(`plant zone ${PLANT_ZONE}: rollup rebuilt`, () => setReportTimeZone(db, PLANT_ZONE));
    await timed('vacuum analyze', () => db.raw('vacuum analyze cases, case_report_cells'));
    const size = await db.raw<{ rows: Array<{ cells: number; size: string }> }>(
      `select count(*)::int as cells, pg_size_pretty(pg_total_relation_size('case_report_cells')) as size
       from case_report_cells`,
    );
    log(`  rollup: ${size.rows[0]?.cells.toLocaleString('en')} cells, ${size.rows[0]?.size}`);

    log(`\nsummary report (rollup), plant zone ${PLANT_ZONE}`);
    let worst = 0;
    for (const c of combos) {
      const stats = await measure(c.runs, 5, () => summaryReport(db, c.f));
      worst = Math.max(worst, stats.p99);
      const b = baseline.get(c.name);
      const vs = b
        ? `  baseline p50 ${ms(b.stats.p50)}  ×${(b.stats.p50 / stats.p50).toFixed(1)} (p50)` +
          ` ×${(b.stats.p99 / stats.p99).toFixed(1)} (p99)`
        : '';
      log(
        `  ${c.name.padEnd(32)} n=${String(c.runs).padEnd(4)} p50 ${ms(stats.p50)}  p99 ${ms(stats.p99)}${vs}`,
      );
      if (b) {
        // same figures as the naive query (closure times in whole seconds on both sides)
        const got = (await summaryReport(db, c.f)).groups;
        const same =
          got.length === b.rows.length &&
          got.every((g, i) => {
            const n = b.rows[i]!;
            const close = (x: number | null, y: number | null): boolean =>
              x === null || y === null ? x === y : Math.abs(x - Number(y)) < 1e-3;
            return (
              (g.key ?? '') === n.key &&
              g.cases === n.cases &&
              g.closed === n.closed &&
              close(g.closureP50Seconds, n.p50) &&
              close(g.closureP90Seconds, n.p90)
            );
          });
        log(`    ${same ? 'same figures as the baseline' : 'FIGURES DIFFER FROM THE BASELINE'}`);
        if (!same) process.exitCode = 1;
      }
    }

    log('\nboard');
    const board = await measure(RUNS, 5, () => boardQuery(db));
    const boardLine = await measure(RUNS, 5, () => boardQuery(db, { line: 'L3' }));
    log(
      `  ${'all lines'.padEnd(32)} n=${String(RUNS).padEnd(4)} p50 ${ms(board.p50)}  p99 ${ms(board.p99)}` +
        `  baseline p50 ${ms(boardBaseline.p50)}  ×${(boardBaseline.p50 / board.p50).toFixed(1)} (p50)` +
        ` ×${(boardBaseline.p99 / board.p99).toFixed(1)} (p99)`,
    );
    log(
      `  ${'line L3'.padEnd(32)} n=${String(RUNS).padEnd(4)} p50 ${ms(boardLine.p50)}  p99 ${ms(boardLine.p99)}`,
    );

    // what the triggers cost the write path (last: these cases would change the figures above)
    log('\nwrite path');
    const t0 = performance.now();
    for (let b = 0; b < 20; b++) {
      await db.raw(
        `insert into cases (source, external_id, type, severity, status, line, title, details, policy,
           occurred_at, opened_at, shift)
         select 'bench', 'T-' || ? || '-' || g, 'equipment_fault', 'high', 'open', 'L1', 'x', '{}', '{}',
           now(), now() - make_interval(secs => g), 'A'
         from generate_series(1, 100) g`,
        [b],
      );
    }
    const insertMs = (performance.now() - t0) / 2000;
    const ids = (await db('cases').where('external_id', 'like', 'T-%').pluck('id')) as number[];
    const t1 = performance.now();
    for (const id of ids.slice(0, 1000)) {
      await db('cases')
        .where({ id })
        .update({ status: 'acknowledged', acknowledged_at: db.fn.now(), acked_by: 'person:1' });
    }
    const updateMs = (performance.now() - t1) / 1000;
    log(`  insert with triggers: ${insertMs.toFixed(2)} ms/case (batches of 100)`);
    log(`  ack update with triggers: ${updateMs.toFixed(2)} ms/case (one statement each)`);

    const boardWorst = Math.max(board.p99, boardLine.p99);
    log(
      `\ngoals: report p99 < 200 ms: ${worst < 200 ? 'met' : 'MISSED'} (worst ${worst.toFixed(1)} ms);` +
        ` board p99 < 100 ms: ${boardWorst < 100 ? 'met' : 'MISSED'} (worst ${boardWorst.toFixed(1)} ms)`,
    );
  } finally {
    await db.destroy();
    const keep = process.env.BENCH_KEEP_DB === '1';
    if (!keep) await admin(`drop database if exists "${dbName}" with (force)`);
    log(`(${((performance.now() - started) / 1000).toFixed(0)} s; database ${keep ? 'kept' : 'dropped'})`);
  }
}

await main();
