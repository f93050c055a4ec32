/**
 * Burst — `npm run bench -- burst [--cases 1000] [--concurrency 50] [--server dev|cluster]`.
 *
 * `cases` equipment faults on distinct equipment posted at once (`concurrency` requests in flight);
 * per case, the time from its opening (opened_at) to its first page accepted by the SMTP server:
 * p50/p99/max. The limit, measured first in the same run on the same server: the wall time to start
 * as many bare workflows. Goal: p99 ≤ 1.5× that. And no ack deadline may start before the page it
 * waits for has gone out: level 0's deadline (task row) minus its ack timeout, against the moment
 * the page was accepted; `--tolerance <ms>` (default 0) forgives that much.
 * Level 0 waits a day here, so no escalation adds work (see escalation.bench.ts for those).
 */
import { runBurst } from './lib/burst.js';
import { flags } from './lib/cases.js';
import { header } from './lib/machine.js';
import { startStack } from './lib/stack.js';
import { fmt, Goals, log, ms, ratio, summarise } from './lib/stats.js';

const f = flags({ cases: 1000, concurrency: 50, tolerance: 0, wait: 600 });
const ACK_SECONDS = 24 * 3600;
const stack = await startStack({ server: f.server });
try {
  header('burst', stack.description, f);
  await stack.setPolicies(ACK_SECONDS);
  const b = await runBurst(stack, { ...f, ackSeconds: ACK_SECONDS, waitMs: f.wait * 1000 });
  const limit = b.baseline.wallMs;
  log('\nfirst page accepted by the SMTP server');
  log(`  from opened_at   ${fmt(b.fromOpened)}`);
  log(`  from POST sent   ${fmt(b.fromPosted)}`);
  log(
    `  p99 / the time to start ${f.cases} bare workflows (${ms(limit)}): ${ratio(b.fromOpened.p99, limit)}`,
  );

  // How long before its page went out each case's ack timer started (positive: too early).
  const known = b.cases.filter((c) => c.ackDeadline !== null);
  const headStart = known.map((c) => c.page.acceptedAt - (c.ackDeadline! - ACK_SECONDS * 1000));
  const violations = headStart.filter((h) => h > f.tolerance).length;
  log('\nack deadline start vs. its page accepted (positive: the deadline ran before the page was out)');
  log(
    `  ${fmt(summarise(headStart))}; ${violations} of ${known.length} started before the page` +
      `${b.cases.length > known.length ? `; ${b.cases.length - known.length} deadlines not readable` : ''}`,
  );

  const goals = new Goals();
  goals.check(
    'nothing lost',
    b.posted.errors === 0 && b.cases.length === f.cases,
    `${b.cases.length} of ${f.cases} cases paged, ${b.posted.errors} errors`,
  );
  goals.check(
    'first page p99 ≤ 1.5× the time to start as many bare workflows',
    b.fromOpened.p99 <= 1.5 * limit,
    `${ratio(b.fromOpened.p99, limit)} (p99 ${ms(b.fromOpened.p99)}, limit ${ms(limit)})`,
  );
  goals.check(
    'no ack deadline starts before its page has gone out',
    violations === 0 && known.length === b.cases.length,
    `${violations} violations (tolerance ${f.tolerance} ms), ${b.cases.length - known.length} unreadable`,
  );
  goals.print();
} finally {
  await stack.stop();
}
