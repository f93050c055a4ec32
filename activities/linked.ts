/** Opening a case from another one (e.g. the order delay a late material causes). */
import { getCase, linkToParent, openCase } from '../db/cases.js';
import type { Db } from '../db/index.js';
import { findPolicy } from '../db/policies.js';
import { insertEvent } from '../db/timeline.js';
import { caseWorkflowId, workflowInputFor } from '../workflows/case/input.js';
import type { CaseWorkflowInput } from '../workflows/case/state.js';
import type { OpenLinkedCaseInput } from './types.js';

/**
 * Inserts the linked case (idempotent: its externalId is derived from the parent and the link) and
 * records the link on both timelines; the parent's workflow starts the child's.
 */
export async function openLinkedCase(db: Db, input: OpenLinkedCaseInput): Promise<CaseWorkflowInput> {
  const policy = await findPolicy(db, input.type, input.severity, input.line);
  const { record } = await openCase(
    db,
    {
      source: 'andon',
      externalId: `${caseWorkflowId(input.parentCaseId)}:${input.link}`,
      type: input.type,
      severity: input.severity,
      line: input.line,
      station: null,
      title: input.title,
      description: `Opened by case ${input.parentCaseId}`,
      reasonCode: null,
      details: input.details,
      occurredAt: new Date(),
      policy,
    },
    `case:${input.parentCaseId}`,
  );
  await linkToParent(db, record.id, input.parentCaseId);
  await insertEvent(db, {
    caseId: input.parentCaseId,
    type: 'linked_case_opened',
    actor: 'system',
    data: { caseId: record.id, type: input.type, link: input.link },
    idempotencyKey: input.idempotencyKey,
  });
  return workflowInputFor((await getCase(db, record.id)) ?? record);
}
