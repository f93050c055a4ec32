/**
 * Open path — `npm run bench -- open [--requests 1000] [--concurrency 50] [--server dev|cluster]`.
 *
 * Throughput and p50/p99 of POST /api/v1/cases (equipment faults on distinct equipment, so nothing
 * folds) at the given concurrency, against the limit measured first in the same run on the same
 * server: starting a no-op workflow with the Temporal client at the same concurrency (a worker of
 * the bench's own runs them). Goals: throughput ≥ 0.9× the baseline's, p99 ≤ 1.3× the baseline's.
 */
import { cpuBetween, cpuNow, formatCpu } from './lib/cpu.js';
import { flags, postFault } from './lib/cases.js';
import { header } from './lib/machine.js';
import { startStack } from './lib/stack.js';
import { fmt, Goals, log, pool, ratio, type PoolResult } from './lib/stats.js';

const f = flags({ requests: 1000, concurrency: 50, warmup: 50 });
const stack = await startStack({ server: f.server });
try {
  header('open', stack.description, f);
  // Pages wait a day: no escalation adds work while the path is measured.
  await stack.setPolicies(24 * 3600);
  const line = (what: string, r: PoolResult<unknown>): void =>
    log(
      `  ${what.padEnd(34)} ${r.perSecond.toFixed(1).padStart(6)}/s  ${fmt(r.latencies)}` +
        `  (${(r.wallMs / 1000).toFixed(1)} s${r.errors ? `, ${r.errors} errors: ${r.firstError}` : ''})`,
    );

  log('\nwarm-up (not counted)');
  line('no-op workflow starts', await stack.baseline.starts(f.warmup, f.concurrency));
  const warm = await pool(f.warmup, f.concurrency, (i) => postFault(stack, 1e6 + i));
  line('POST /api/v1/cases', warm);
  // The warm-up's cases paged: the worker is idle again when the measured runs start.
  await stack.pages.waitUntil(
    () => warm.results.every((c) => stack.pages.first.has(c.id)),
    120_000,
    'the warm-up pages',
  );

  log(
    `\nbaseline: ${f.requests} no-op workflows started with the Temporal client, ${f.concurrency} at a time`,
  );
  let cpu = cpuNow(stack.pid);
  const base = await stack.baseline.starts(f.requests, f.concurrency);
  line('no-op workflow starts', base);
  log(`  ${formatCpu(cpuBetween(cpu, cpuNow(stack.pid)), base.wallMs)}`);
  const drained = await stack.baseline.drained(base.results);
  log(`  (all completed ${(drained / 1000).toFixed(1)} s after the last start answered)`);

  log(`\nAndon: ${f.requests} POST /api/v1/cases, ${f.concurrency} at a time`);
  cpu = cpuNow(stack.pid);
  const andon = await pool(f.requests, f.concurrency, (i) => postFault(stack, i));
  line('POST /api/v1/cases', andon);
  // The worker in the same process pages the new cases meanwhile: this says how much of the CPU that took.
  log(`  ${formatCpu(cpuBetween(cpu, cpuNow(stack.pid)), andon.wallMs)}`);
  const pending = andon.results.filter((c) => c.status === 'pending_start').length;
  log(`  answered 201 (started): ${andon.results.length - pending}, 202 (pending start): ${pending}`);
  log(
    `  ratio to the baseline: throughput ${ratio(andon.perSecond, base.perSecond)}, ` +
      `p50 ${ratio(andon.latencies.p50, base.latencies.p50)}, p99 ${ratio(andon.latencies.p99, base.latencies.p99)}`,
  );

  const goals = new Goals();
  goals.check(
    'throughput ≥ 0.9× bare workflow starts',
    andon.errors === 0 && andon.perSecond >= 0.9 * base.perSecond,
    `${ratio(andon.perSecond, base.perSecond)} (${andon.perSecond.toFixed(1)}/s vs ${base.perSecond.toFixed(1)}/s)`,
  );
  goals.check(
    'p99 ≤ 1.3× bare workflow starts',
    andon.latencies.p99 <= 1.3 * base.latencies.p99,
    `${ratio(andon.latencies.p99, base.latencies.p99)}`,
  );
  goals.print();
} finally {
  await stack.stop();
}
