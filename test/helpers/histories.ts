/**
 * Workflow histories for replay tests. Scenario tests call `recordHistory` at the end; with
 * ANDON_RECORD_HISTORIES=1 it writes the case's history under test/histories/ (committed).
 * test/replay.test.ts replays every recorded history against the current workflow code, so a change
 * that is not replay-safe (without `patched()`) fails CI. The history is exported with the Temporal
 * CLI (`workflow show --output json`), the standard JSON form that replay accepts.
 *
 * Files are named `<HISTORY_VERSION>-<scenario>.json`. Older versions stay and keep replaying: when
 * the workflow's histories change behind a new patch, bump HISTORY_VERSION and record again, so
 * nothing recorded before is overwritten (v0: walking skeleton, v1: SOP engine, v2: record first,
 * v3-i13: message keys, v3-i12: the webhook delivery workflow, v3-i16: storm paging).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { ensureTemporalCli } from '../../scripts/temporal-cli.js';
import type { Harness } from './harness.js';

export const HISTORIES_DIR = new URL('../histories/', import.meta.url);

/** The version new recordings get (see above). */
export const HISTORY_VERSION = 'v3-i16';

/** Records the case's history as `<HISTORY_VERSION>-<scenario>.json`. */
export async function recordHistory(h: Harness, caseId: number, scenario: string): Promise<void> {
  await recordWorkflowHistory(h, `case-${caseId}`, scenario);
}

/** Records any workflow's history (e.g. a webhook delivery workflow) as `<HISTORY_VERSION>-<scenario>.json`. */
export async function recordWorkflowHistory(h: Harness, workflowId: string, scenario: string): Promise<void> {
  if (process.env.ANDON_RECORD_HISTORIES !== '1') return;
  const cli = await ensureTemporalCli();
  const json = execFileSync(
    cli,
    [
      'workflow',
      'show',
      '--workflow-id',
      workflowId,
      '--namespace',
      h.namespace,
      '--address',
      h.temporalAddress,
      '--output',
      'json',
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  writeFileSync(
    new URL(`${HISTORY_VERSION}-${scenario}.json`, HISTORIES_DIR),
    `${JSON.stringify(JSON.parse(json), null, 1)}\n`,
  );
}
