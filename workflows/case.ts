/**
 * caseWorkflow — one durable workflow per case (id `case-<caseId>`).
 *
 * Cases run the SOP engine (workflows/engine.ts). Cases started by the walking skeleton, before the
 * engine existed, have no `andon-sop-engine` marker in their history: they keep running the flow
 * they started with (workflows/legacy.ts), so deploying the engine never breaks a running case.
 */
import { patched } from '@temporalio/workflow';
import { runCase } from './engine.js';
import { legacyCaseFlow } from './legacy/flow.js';
import type { CaseOutcome, CaseWorkflowInput } from './types.js';

export type { CaseOutcome, CaseWorkflowInput } from './types.js';

export const SOP_ENGINE_PATCH = 'andon-sop-engine';

export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseOutcome> {
  // A continued run is always the engine's: only first runs can predate it.
  if (!input.carried && !patched(SOP_ENGINE_PATCH)) return legacyCaseFlow(input);
  return runCase(input);
}
