/**
 * The one path every change of a case takes: compute the transition, record it, commit it.
 *
 * Record first (runs with the `andon-record-first` marker): changes are serialised by a lock; each
 * is computed on the committed state as it is when its turn comes (it may refuse now), recorded by
 * the `applyChange` activity, and only then committed, with its effects. A change the database
 * rejects (`DataRejected`) is refused and leaves the state untouched, so the case never shows what
 * its row does not say, and stays actionable.
 *
 * Apply first (histories recorded before the marker): the change is committed at once and its
 * record queued behind the earlier ones, exactly as those runs did it, so they replay unchanged.
 *
 * No Temporal workflow APIs here (the caller injects the recorder and the effects), so the logic
 * is unit-tested with a fake recorder.
 */
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import type { CaseChange } from '../../activities/types.js';
import { draft, type CarriedState, type TaskState } from './state.js';
import type { Applied, ChangeBody, Effects, Outcome, TransitionContext } from './transitions.js';

export const RECORD_FIRST_PATCH = 'andon-record-first';

export function refuse(reason: string): never {
  throw ApplicationFailure.create({ type: 'Refused', message: reason, nonRetryable: true });
}

/** The reason for people when the record activity failed because the database refused the data. */
export function dataRejected(err: unknown): string | null {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure && cause.type === 'DataRejected') return cause.message;
  return null;
}

export interface ChangeDeps {
  caseId: number;
  st: CarriedState;
  recordFirst: boolean;
  context(): TransitionContext;
  applyChange(change: CaseChange): Promise<void>;
  /** Effects run after the commit (record first), or around the record as before (apply first). */
  cancelSop(): void;
  supervise(task: TaskState): void;
}

export type Compute = (s: CarriedState, ctx: TransitionContext) => Outcome;

export class CaseChanges {
  /** The last change in line: the lock (record first), or the queue of writes (apply first). */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: ChangeDeps) {}

  /** The context a transition computed now sees (validators use it too). */
  context(): TransitionContext {
    return this.deps.context();
  }

  /** Applies a change or throws `Refused`: what update handlers call. */
  async apply(compute: Compute): Promise<Applied> {
    const r = await this.attempt(compute);
    if ('refused' in r) refuse(r.refused);
    return r;
  }

  /** Applies a change, or answers its refusal: what the main flow calls (a refusal there is normal). */
  attempt(compute: Compute): Promise<Outcome> {
    return this.deps.recordFirst ? this.recordFirst(compute) : this.applyFirst(compute);
  }

  /** Apply first: commits synchronously (before any await), then queues the record. */
  private async applyFirst(compute: Compute): Promise<Outcome> {
    const before = draft(this.deps.st);
    const r = compute(before, this.deps.context());
    if ('refused' in r) return r;
    commit(this.deps.st, before, r.state);
    if (r.effects.cancelSop) this.deps.cancelSop();
    if (r.change) await this.write(r.change);
    this.afterCommit({ ...(r.effects.supervise ? { supervise: r.effects.supervise } : {}) });
    return r;
  }

  private recordFirst(compute: Compute): Promise<Outcome> {
    return this.serial(async () => {
      const before = draft(this.deps.st);
      const r = compute(before, this.deps.context());
      if ('refused' in r) return r;
      if (r.change) {
        try {
          await this.deps.applyChange({ caseId: this.deps.caseId, ...r.change });
        } catch (err) {
          const reason = dataRejected(err);
          if (reason === null) throw err;
          return { refused: `not recorded, so not done: ${reason}` };
        }
      }
      commit(this.deps.st, before, r.state);
      this.afterCommit(r.effects);
      return r;
    });
  }

  /** Apply first's queue: records in the order the workflow decided them (e.g. an ack, then its resolve). */
  write(change: ChangeBody): Promise<void> {
    const next = this.tail.then(() => this.deps.applyChange({ caseId: this.deps.caseId, ...change }));
    this.tail = next.catch(() => undefined);
    return next;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn);
    this.tail = next.catch(() => undefined);
    return next;
  }

  private afterCommit(effects: Effects): void {
    if (effects.cancelSop) this.deps.cancelSop();
    const task = effects.supervise ? this.deps.st.tasks.find((t) => t.key === effects.supervise) : undefined;
    if (task) this.deps.supervise(task);
  }
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Commits what a transition changed (`before` → `after`) into the live state, in place and field by
 * field: coroutines hold the live task objects and keep changing fields of their own (ladder level,
 * assignees, journal) while a change is being recorded; those must survive the commit.
 */
export function commit(live: CarriedState, before: CarriedState, after: CarriedState): void {
  const target = live as unknown as Record<string, unknown>;
  const was = before as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(after)) {
    if (k === 'tasks' || k === 'journal') continue;
    if (!same(was[k], v)) target[k] = v;
  }
  for (const [k, v] of Object.entries(after.journal)) if (!same(before.journal[k], v)) live.journal[k] = v;
  for (const t of after.tasks) {
    const prior = before.tasks.find((x) => x.key === t.key);
    const current = live.tasks.find((x) => x.key === t.key);
    if (!prior || !current) continue; // transitions never add tasks
    mergeChanged(current as unknown as Record<string, unknown>, prior, t);
  }
}

function mergeChanged(target: Record<string, unknown>, prior: object, next: object): void {
  const p = prior as Record<string, unknown>;
  for (const [k, v] of Object.entries(next)) {
    if (same(p[k], v)) continue;
    const cur = target[k];
    // Plain objects (the ladder) merge field by field; anything else is replaced.
    if (isPlain(v) && isPlain(p[k]) && isPlain(cur)) mergeChanged(cur, p[k], v);
    else target[k] = v;
  }
}

const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
