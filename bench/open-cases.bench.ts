/**
 * Many open cases waiting on timers —
 * `npm run bench -- open-cases [--cases 10000] [--concurrency 50] [--reads 200] [--server dev|cluster]`.
 *
 * Opens `cases` equipment faults through the API (timed: how long creating them took), waits until
 * each has paged, so every workflow sits on its ack timer (a day) — then measures the resident
 * memory of the Andon process (API and worker share it, as `npm start` runs them: the figure is
 * both) and the p99 of reads: GET /api/v1/cases/{id} (the row plus the workflow's live state) of
 * random cases and the first page of GET /api/v1/cases. Goals: RSS < 1 GiB, read p99 < 100 ms.
 * The baseline is the same process and the same reads with only the first `--base` cases open.
 */
import { flags, postFault, type Posted } from './lib/cases.js';
import { header, mib } from './lib/machine.js';
import { startStack, type Stack } from './lib/stack.js';
import { fmt, Goals, log, ms, pool, ratio, type Summary } from './lib/stats.js';

const f = flags({ cases: 10_000, concurrency: 50, reads: 200, base: 20, wait: 600 });
const GIB = 2 ** 30;

async function reads(stack: Stack, ids: number[]): Promise<{ one: Summary; list: Summary }> {
  const get = async (path: string): Promise<void> => {
    const res = await stack.api<{ detail?: string }>('GET', path, stack.keys.staff);
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${res.body.detail ?? ''}`);
  };
  const one = await pool(f.reads, 1, () =>
    get(`/api/v1/cases/${ids[Math.floor(Math.random() * ids.length)]}`),
  );
  const list = await pool(f.reads, 1, () => get('/api/v1/cases'));
  for (const r of [one, list]) if (r.errors) throw new Error(r.firstError ?? 'read failed');
  return { one: one.latencies, list: list.latencies };
}

async function open(stack: Stack, from: number, count: number): Promise<Posted[]> {
  const r = await pool(count, f.concurrency, (i) => postFault(stack, from + i));
  log(
    `  ${count} cases opened in ${(r.wallMs / 1000).toFixed(1)} s (${r.perSecond.toFixed(1)}/s, POST ${fmt(r.latencies)})` +
      `${r.errors ? `; ${r.errors} errors: ${r.firstError}` : ''}`,
  );
  const t = Date.now();
  await stack.pages.waitUntil(
    () => r.results.every((c) => stack.pages.first.has(c.id)),
    f.wait * 1000,
    'first pages',
  );
  log(`  all paged ${((Date.now() - t) / 1000).toFixed(1)} s after the last POST answered`);
  return r.results;
}

const stack = await startStack({ server: f.server });
try {
  header('open-cases', stack.description, f);
  await stack.setPolicies(24 * 3600);
  log(`\nbaseline: ${f.base} open cases`);
  const first = await open(stack, 0, f.base);
  await reads(
    stack,
    first.map((c) => c.id),
  ); // warm-up
  const rss0 = stack.rss();
  const r0 = await reads(
    stack,
    first.map((c) => c.id),
  );
  log(`  Andon RSS ${mib(rss0)}; GET one ${fmt(r0.one)}; list ${fmt(r0.list)}`);

  log(`\n${f.cases} open cases waiting on their ack timers`);
  const rest = await open(stack, f.base, f.cases - f.base);
  const ids = [...first, ...rest].map((c) => c.id);
  const rss1 = stack.rss();
  const r1 = await reads(stack, ids);
  const rss2 = stack.rss();
  log(`  Andon RSS ${mib(rss1)} (${ratio(rss1, rss0)}), after the reads ${mib(rss2)}`);
  log(`  GET one ${fmt(r1.one)} (p99 ${ratio(r1.one.p99, r0.one.p99)})`);
  log(`  list    ${fmt(r1.list)} (p99 ${ratio(r1.list.p99, r0.list.p99)})`);

  const goals = new Goals();
  const rss = Math.max(rss1, rss2);
  goals.check('Andon process (API + worker) RSS < 1 GiB', rss < GIB, mib(rss));
  goals.check('GET /api/v1/cases/{id} p99 < 100 ms', r1.one.p99 < 100, `p99 ${ms(r1.one.p99)}`);
  goals.check('GET /api/v1/cases p99 < 100 ms', r1.list.p99 < 100, `p99 ${ms(r1.list.p99)}`);
  goals.print();
} finally {
  await stack.stop();
}
