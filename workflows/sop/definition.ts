/**
 * What an SOP module declares about its exception type, beside the procedure itself. Its facts
 * schema is not here but in domain/contracts/case.ts (`FACTS`, `FactsByType`), which the API
 * validates with: the workflow bundle must not pull in zod (see domain/contract-rules.ts).
 */
import type { FactsByType } from '../../domain/contracts/case.js';
import type { MessageRef } from '../../domain/messages.js';
import type { ExceptionType, JobRole, MesEventKind } from '../../domain/model.js';
import type { Sop } from './context.js';

/** Case facts a supervisor must have recorded before a case of a type may close. */
export type ClosureFact = 'rootCause' | 'correctiveAction' | 'downtimeMinutes';

export interface SopDefinition<T extends ExceptionType> {
  type: T;
  /** The procedure, run by the case workflow. */
  procedure: Sop<T>;
  /** MES events that mean the problem is gone: the case resolves itself. */
  clearingEvents: readonly MesEventKind[];
  /** What closing needs recorded. */
  closureNeeds: readonly ClosureFact[];
  /** Who gets the follow-up task when a case of this type is reopened. */
  reopenRole: JobRole;
  /** The case title when the report gives none (stored in English; rendered per reader at the edges). */
  defaultTitle(facts: FactsByType[T], line: string): MessageRef;
  /** Step names (timeline, live state) and task keys (API `taskKey`): stable, as running cases key on them. */
  steps: Readonly<Record<string, string>>;
  tasks: Readonly<Record<string, string>>;
}
