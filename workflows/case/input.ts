/** The id and the input of a case's workflow, built from the case as the database keeps it. */
import type { PolicySnapshot } from '../../domain/contracts/policy.js';
import type { ExceptionType, Severity } from '../../domain/model.js';
import type { CaseWorkflowInput } from './state.js';

export const caseWorkflowId = (caseId: number): string => `case-${caseId}`;

/** What the workflow input is made of: the facts and the policy snapshotted when the case opened. */
export interface CaseForInput {
  id: number;
  type: ExceptionType;
  severity: Severity;
  line: string;
  title: string;
  policy: PolicySnapshot;
  details: Record<string, unknown>;
  station: string | null;
  openedAt: string;
}

export function workflowInputFor(r: CaseForInput): CaseWorkflowInput {
  return {
    caseId: r.id,
    type: r.type,
    severity: r.severity,
    line: r.line,
    title: r.title,
    policy: r.policy,
    details: r.details,
    station: r.station,
    openedAt: r.openedAt,
    ...(r.policy.sop ? { sop: r.policy.sop } : {}),
  };
}
