/**
 * Escalation timer lateness under a burst —
 * `npm run bench -- escalation [--cases 1000] [--concurrency 50] [--ack 60] [--server dev|cluster]`.
 *
 * The burst of burst.bench.ts with level 0 waiting only `ack` seconds, so every case escalates
 * during or after the burst (nobody acknowledges). Per case: level 0's ack deadline (its task row,
 * read when the first page arrives) against the moment its escalation page was accepted by the
 * SMTP server. Goal: p99 lateness < 1 s. The baseline is the burst's (bare workflow starts).
 */
import { runBurst } from './lib/burst.js';
import { flags } from './lib/cases.js';
import { header } from './lib/machine.js';
import { startStack } from './lib/stack.js';
import { fmt, Goals, log, ms, ratio, summarise } from './lib/stats.js';

const f = flags({ cases: 1000, concurrency: 50, ack: 60, wait: 600 });
const stack = await startStack({ server: f.server });
try {
  header('escalation', stack.description, f);
  await stack.setPolicies(f.ack);
  const b = await runBurst(stack, { ...f, ackSeconds: f.ack, waitMs: f.wait * 1000 });
  log(
    `  first page from opened_at ${fmt(b.fromOpened)} (${ratio(b.fromOpened.p99, b.baseline.wallMs)} the bare starts' wall time)`,
  );
  const ids = b.cases.map((c) => c.id);
  await stack.pages.waitUntil(
    () => ids.every((id) => stack.pages.firstEscalation.has(id)),
    f.wait * 1000 + f.ack * 1000,
    'escalation pages',
  );
  const known = b.cases.filter((c) => c.ackDeadline !== null);
  const lateness = known.map((c) => stack.pages.firstEscalation.get(c.id)!.acceptedAt - c.ackDeadline!);
  const pagedLate = known.filter((c) => c.page.acceptedAt > c.ackDeadline!).length;
  const late = summarise(lateness);
  log(`\nescalation page accepted minus level 0's ack deadline (${f.ack} s after it started)`);
  log(`  ${fmt(late)}`);
  log(`  ${pagedLate} cases had their first page accepted only after their ack deadline had passed`);
  if (known.length < b.cases.length)
    log(`  ${b.cases.length - known.length} deadlines not readable (left out)`);

  const goals = new Goals();
  goals.check(
    'every case escalated',
    stack.pages.firstEscalation.size >= ids.length,
    `${ids.filter((id) => stack.pages.firstEscalation.has(id)).length} of ${f.cases}`,
  );
  goals.check(
    'escalation lateness p99 < 1 s',
    late.p99 < 1000 && known.length === b.cases.length,
    `p99 ${ms(late.p99)}`,
  );
  goals.print();
} finally {
  await stack.stop();
}
