/** The resolve SLA: when the case is still active at its deadline, record the breach and page the top. */
import { condition } from '@temporalio/workflow';
import { active, stepKey, type CaseRun } from './run.js';
import { page } from './tasks.js';
import { breachSla } from './transitions.js';

export async function watchSla(run: CaseRun): Promise<void> {
  const { st } = run;
  if (st.slaBreached || st.slaDeadline === null) return;
  const deadline = st.slaDeadline;
  if (await condition(() => !active(run), Math.max(0, Date.parse(deadline) - Date.now()))) return;
  const top = run.ladder[run.ladder.length - 1]!;
  // Record first: the case may have been resolved while the breach waited for its turn; then
  // there is nothing to record. (Apply first commits at once, as those runs did.)
  const r = await run.changes.attempt((s, ctx) => breachSla(s, { top }, ctx));
  if ('refused' in r) return;
  await page(run, null, top, 'sla_breached', stepKey(run, 'sla-breached:page'));
}
