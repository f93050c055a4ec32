/**
 * A burst as a plant's MES sends one: `cases` equipment faults posted `concurrency` at a time, then
 * waited for until each case's first page has been accepted by the SMTP server. The limit it is
 * compared with is measured first on the same server: the wall time to start as many bare workflows
 * at the same concurrency. Each case's level-0 ack deadline is read from its task row as soon as its
 * first page arrives (before an escalation could move it on), so the deadline can be set against
 * the moment the page went out.
 */
import { cpuBetween, cpuNow, formatCpu } from './cpu.js';
import type { Db } from '../../db/index.js';
import { postFault, type Posted } from './cases.js';
import type { Page } from './pages.js';
import type { Stack } from './stack.js';
import { fmt, log, pool, summarise, type PoolResult, type Summary } from './stats.js';

export interface BurstCase extends Posted {
  page: Page;
  /** The level-0 ack deadline recorded on the case's task row (ms), null when it could not be read. */
  ackDeadline: number | null;
}

export interface Burst {
  baseline: PoolResult<string>;
  posted: PoolResult<Posted>;
  cases: BurstCase[];
  /** From the case's opened_at to its first page accepted. */
  fromOpened: Summary;
  /** From the POST sent to its first page accepted (what the MES would see). */
  fromPosted: Summary;
}

/** The level-0 ack deadline of a case's task, once the row has one (the page records it). */
async function levelZeroDeadline(db: Db, caseId: number, untilMs: number): Promise<number | null> {
  for (;;) {
    const row = await db('tasks')
      .where({ case_id: caseId })
      .whereNotNull('ack_deadline')
      .orderBy('id')
      .first<{ level: number; ack_deadline: Date | string } | undefined>('level', 'ack_deadline');
    // Escalated before we looked: level 0's deadline has been replaced by the next level's.
    if (row) return row.level === 0 ? new Date(row.ack_deadline).getTime() : null;
    if (Date.now() > untilMs) return null;
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function runBurst(
  stack: Stack,
  o: { cases: number; concurrency: number; ackSeconds: number; waitMs: number },
): Promise<Burst> {
  log(`\nbaseline: ${o.cases} no-op workflows started with the Temporal client, ${o.concurrency} at a time`);
  const cpuStart = cpuNow(stack.pid);
  const baseline = await stack.baseline.starts(o.cases, o.concurrency);
  log(`  ${formatCpu(cpuBetween(cpuStart, cpuNow(stack.pid)), baseline.wallMs)}`);
  log(
    `  all started in ${(baseline.wallMs / 1000).toFixed(1)} s (${baseline.perSecond.toFixed(1)}/s), start ${fmt(baseline.latencies)}`,
  );
  const drained = await stack.baseline.drained(baseline.results);
  log(`  (all completed ${(drained / 1000).toFixed(1)} s after the last start answered)`);

  const deadlines = new Map<number, Promise<number | null>>();
  const onPage = (p: Page): void => {
    if (!p.escalated && !deadlines.has(p.caseId))
      deadlines.set(
        p.caseId,
        levelZeroDeadline(stack.db, p.caseId, p.acceptedAt + Math.min(o.ackSeconds * 500, 60_000)),
      );
  };
  stack.pages.on('page', onPage);
  try {
    log(`\nburst: ${o.cases} equipment faults posted, ${o.concurrency} at a time`);
    const cpuBefore = cpuNow(stack.pid);
    const burstStart = Date.now();
    const posted = await pool(o.cases, o.concurrency, (i) => postFault(stack, i));
    const pending = posted.results.filter((c) => c.status === 'pending_start').length;
    log(
      `  all answered in ${(posted.wallMs / 1000).toFixed(1)} s (${posted.perSecond.toFixed(1)}/s), POST ${fmt(posted.latencies)}; ` +
        `${pending} pending start, ${posted.errors} errors${posted.firstError ? ` (${posted.firstError})` : ''}`,
    );
    const ids = posted.results.filter(Boolean).map((c) => c.id);
    await stack.pages.waitUntil(() => ids.every((id) => stack.pages.first.has(id)), o.waitMs, 'first pages');
    log(
      `  until the last first page: ${formatCpu(cpuBetween(cpuBefore, cpuNow(stack.pid)), Date.now() - burstStart)}`,
    );
    const cases: BurstCase[] = [];
    for (const c of posted.results.filter(Boolean)) {
      const page = stack.pages.first.get(c.id)!;
      cases.push({ ...c, page, ackDeadline: (await deadlines.get(c.id)) ?? null });
    }
    const last = Math.max(...cases.map((c) => c.page.acceptedAt));
    log(
      `  last first page accepted ${((last - Math.min(...cases.map((c) => c.postedAt))) / 1000).toFixed(1)} s after the first POST`,
    );
    return {
      baseline,
      posted,
      cases,
      fromOpened: summarise(cases.map((c) => c.page.acceptedAt - c.openedAt)),
      fromPosted: summarise(cases.map((c) => c.page.acceptedAt - c.postedAt)),
    };
  } finally {
    stack.pages.off('page', onPage);
  }
}
