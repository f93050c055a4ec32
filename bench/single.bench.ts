/**
 * Single report on a quiet system — `npm run bench -- single [--samples 100] [--server dev|cluster]`.
 *
 * One equipment fault at a time: POST /api/v1/cases, then wait for its first page to be accepted by
 * the SMTP server, then the next. Goal: p99 < 500 ms (POST sent → mail accepted). The baseline, in
 * the same run on the same server: a no-op workflow started and waited for to its end, one at a time.
 */
import { flags, postFault } from './lib/cases.js';
import { header } from './lib/machine.js';
import { startStack } from './lib/stack.js';
import { fmt, Goals, log, ms, pool, ratio, summarise } from './lib/stats.js';

const f = flags({ samples: 100, warmup: 5 });
const stack = await startStack({ server: f.server });
try {
  header('single', stack.description, f);
  await stack.setPolicies(24 * 3600);
  const once = async (i: number): Promise<number> => {
    const c = await postFault(stack, i);
    const page = await stack.pages.firstPageOf(c.id, 60_000);
    return page.acceptedAt - c.postedAt;
  };
  for (let i = 0; i < f.warmup; i++) await once(1e6 + i);
  await stack.baseline.roundTrips(f.warmup);

  log(`\nbaseline: a no-op workflow started and completed, ${f.samples} times one after the other`);
  const base = await stack.baseline.roundTrips(f.samples);
  log(`  ${fmt(base.latencies)}`);

  log(`\nAndon: one report at a time, POST sent → first page accepted by the SMTP server`);
  const run = await pool(f.samples, 1, once);
  const s = summarise(run.results);
  log(`  ${fmt(s)}${run.errors ? `; ${run.errors} errors: ${run.firstError}` : ''}`);
  log(
    `  ratio to the baseline: p50 ${ratio(s.p50, base.latencies.p50)}, p99 ${ratio(s.p99, base.latencies.p99)}`,
  );

  const goals = new Goals();
  goals.check(
    'single report → mail accepted p99 < 500 ms',
    run.errors === 0 && s.p99 < 500,
    `p99 ${ms(s.p99)}`,
  );
  goals.print();
} finally {
  await stack.stop();
}
