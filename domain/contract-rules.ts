/**
 * The plain parts of domain/contracts/ that workflows run: no zod here. The Temporal SDK evaluates
 * every module of the workflow bundle again for each new workflow, and zod (with the schemas built
 * from it) cost ~40 ms of the one workflow thread per case; test/architecture.test.ts keeps zod out.
 * The contracts re-export these, so API code keeps importing them from there. Parameter types are
 * written out structurally (not the contracts' zod-inferred types) to keep this module free of
 * imports: the contracts import it.
 */

/** How an actor is written in the timeline's `actor` column. */
export const actorRef = (a: { readonly kind: string; readonly id: string }): string =>
  a.kind === 'system' ? 'system' : `${a.kind}:${a.id}`;

/** SOP parameters a case runs with when its catalog row sets none (see `sopParams` in contracts/policy.ts). */
export const DEFAULT_SOP_PARAMS = {
  lineLocationPrefix: 'LINE-',
  holdWarehouse: 'QUARANTINE',
  downtimeThresholdSeconds: 30 * 60,
  erpTimeoutSeconds: 30,
  erpMaxAttempts: 8,
  historyLimit: 2000,
};

/** A decision option as `checkDecisionData` reads it (contracts/tasks.ts `DecisionOption`). */
interface OptionShape {
  readonly id: string;
  readonly fields?: readonly { readonly name: string; readonly type: string; readonly label: string }[];
}

/** Checks a decision's data against its option's fields; returns a reason when it does not fit. */
export function checkDecisionData(
  option: OptionShape,
  data: Readonly<Record<string, string | number>>,
): string | null {
  for (const f of option.fields ?? []) {
    const v = data[f.name];
    if (v === undefined || v === '') return `option ${option.id} needs ${f.name} (${f.label})`;
    if (f.type === 'number' && typeof v !== 'number') return `${f.name} must be a number`;
    if (f.type !== 'number' && typeof v !== 'string') return `${f.name} must be a string`;
    if (f.type === 'datetime' && !/^\d{4}-\d{2}-\d{2}T.+(Z|[+-]\d{2}:?\d{2})$/.test(String(v))) {
      return `${f.name} must be an ISO 8601 date-time with a time zone`;
    }
    if (f.type === 'datetime' && !realYear(String(v))) return `${f.name} is not a valid date-time`;
    if (f.type === 'date' && (!/^\d{4}-\d{2}-\d{2}$/.test(String(v)) || !realYear(`${String(v)}T00:00:00Z`)))
      return `${f.name} must be a date, YYYY-MM-DD`;
  }
  return null;
}

/** A parseable date-time in the years 1970–9999 (PostgreSQL has no year 0). */
const realYear = (iso: string): boolean => {
  const year = Number(iso.slice(0, 4));
  return year >= 1970 && year <= 9999 && !Number.isNaN(Date.parse(iso));
};
