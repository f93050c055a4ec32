/**
 * A scripted `SopContext` for unit tests of the SOPs: no Temporal, no database, no ERP. A test
 * says what the stock is, how each task is answered (and when, on a virtual clock), which ETAs the
 * assignees give, and which ERP calls fail; `runSop` drives the procedure on the virtual clock
 * and returns everything it did, in order.
 */
import type { ErpDocument, StockLevel } from '../../activities/erp/types.js';
import type { ErpCreateRequest } from '../../activities/types.js';
import type { FactsByType } from '../../domain/contracts/case.js';
import { DEFAULT_SOP_PARAMS, type SopParams } from '../../domain/contracts/policy.js';
import type { TaskResult } from '../../domain/contracts/tasks.js';
import { renderRef, type MessageRef } from '../../domain/messages.js';
import type { ExceptionType } from '../../domain/model.js';
import type { LinkedCaseRequest, SopContext, SopOutcome, TaskSpec } from '../../workflows/sop/context.js';
import { SOPS } from '../../workflows/sop/index.js';

const MINUTE = 60_000;

/** How a task is answered: an option (and its data), after `afterMinutes` on the virtual clock. */
export interface ScriptedAnswer {
  option: string;
  data?: Record<string, string | number>;
  note?: string;
  afterMinutes?: number;
  /** An ETA the assignee gives, `etaAfterMinutes` after the task opens (before answering). */
  eta?: string;
  etaAfterMinutes?: number;
}

export interface SopScript<T extends ExceptionType> {
  type: T;
  facts: FactsByType[T];
  line?: string;
  /** The virtual clock's start, also the case's opening time. */
  openedAt?: string;
  params?: Partial<SopParams>;
  /** Stock levels by item code (the line's own location is already excluded by the caller). */
  stock?: Record<string, StockLevel[]>;
  /** Task answers by task key; a task without one is never answered. */
  answers?: Record<string, ScriptedAnswer>;
  /** ERP steps whose call fails (as an ERP rejection would surface). */
  erpFails?: string[];
}

export type SopCall =
  | { kind: 'step'; name: string; at: string }
  | { kind: 'stock'; step: string; itemCode: string; excludeLocation: string }
  | { kind: 'erp'; step: string; request: ErpCreateRequest; docId: string }
  | { kind: 'task'; spec: TaskSpec; at: string }
  | { kind: 'answered'; key: string; option: string; at: string }
  | { kind: 'eta'; key: string; eta: string; at: string }
  | { kind: 'linked'; step: string; request: LinkedCaseRequest; caseId: number };

/** A task as the SOP asked it, with its title rendered in English (and the message it came from). */
export type AskedTask = Omit<TaskSpec, 'title'> & { title: string; titleRef: MessageRef };

export interface SopRun {
  /** What the SOP returned, its resolution rendered in English. */
  outcome: { resolve: boolean; resolution?: string };
  calls: SopCall[];
  steps: string[];
  erp: Array<{ step: string; request: ErpCreateRequest; docId: string }>;
  tasks: AskedTask[];
  linked: Array<{ step: string; request: LinkedCaseRequest; caseId: number }>;
  /** Virtual minutes from the opening to the end of the procedure. */
  minutes: number;
}

interface Waiter {
  predicate: () => boolean;
  until: number | null;
  resolve: (held: boolean) => void;
}

/** Lets every pending promise callback run (the procedure's own awaits). */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

export async function runSop<T extends ExceptionType>(script: SopScript<T>): Promise<SopRun> {
  const start = Date.parse(script.openedAt ?? '2030-01-07T08:00:00.000Z');
  let clock = start;
  const iso = (ms: number): string => new Date(ms).toISOString();
  const calls: SopCall[] = [];
  const timers: Array<{ at: number; fire: () => void }> = [];
  const waiters: Waiter[] = [];
  const etas = new Map<string, string>();
  const done = new Set<string>();
  let docs = 0;
  let linkedIds = 100;

  const ctx: SopContext<T> = {
    caseId: 1,
    type: script.type,
    severity: 'high',
    line: script.line ?? 'L1',
    station: null,
    title: `test ${script.type}`,
    openedAt: iso(start),
    facts: script.facts,
    params: { ...DEFAULT_SOP_PARAMS, ...script.params },
    step(name) {
      calls.push({ kind: 'step', name, at: iso(clock) });
      return Promise.resolve();
    },
    stock(step, itemCode, excludeLocation) {
      calls.push({ kind: 'stock', step, itemCode, excludeLocation });
      return Promise.resolve(script.stock?.[itemCode] ?? []);
    },
    erp(step, request) {
      if (script.erpFails?.includes(step)) return Promise.reject(new Error(`ERP rejected ${step}`));
      const docId = `DOC-${++docs}`;
      calls.push({ kind: 'erp', step, request, docId });
      const doc: ErpDocument = {
        docType: 'material_request',
        docId,
        caseRef: 'case-1',
        stepKey: step,
        status: 'created',
        data: {},
        createdAt: iso(clock),
      };
      return Promise.resolve(doc);
    },
    task(spec) {
      calls.push({ kind: 'task', spec, at: iso(clock) });
      const answer = script.answers?.[spec.key];
      return new Promise<TaskResult>((resolve) => {
        if (!answer) return; // never answered
        const opened = clock;
        if (answer.eta !== undefined) {
          const eta = answer.eta;
          timers.push({
            at: opened + (answer.etaAfterMinutes ?? 0) * MINUTE,
            fire: () => {
              etas.set(spec.key, eta);
              calls.push({ kind: 'eta', key: spec.key, eta, at: iso(clock) });
            },
          });
        }
        timers.push({
          at: opened + (answer.afterMinutes ?? 0) * MINUTE,
          fire: () => {
            done.add(spec.key);
            calls.push({ kind: 'answered', key: spec.key, option: answer.option, at: iso(clock) });
            resolve({
              option: answer.option,
              data: answer.data ?? {},
              by: 'Tester',
              at: iso(clock),
              ...(answer.note ? { note: answer.note } : {}),
            });
          },
        });
      });
    },
    taskEta: (key) => etas.get(key) ?? null,
    taskDone: (key) => done.has(key),
    waitUntil(predicate, until) {
      return new Promise<boolean>((resolve) => {
        waiters.push({ predicate, until: until === null ? null : Date.parse(until), resolve });
      });
    },
    openLinkedCase(step, request) {
      const caseId = ++linkedIds;
      calls.push({ kind: 'linked', step, request, caseId });
      return Promise.resolve(caseId);
    },
  };

  let outcome: SopOutcome | undefined;
  // Wrapped, so what the procedure rejected with is thrown as it is (even a falsy or non-Error value).
  let failure: { error: unknown } | undefined;
  const procedure = SOPS[script.type].procedure as (c: SopContext<T>) => Promise<SopOutcome>;
  void procedure(ctx).then(
    (o) => (outcome = o),
    (err: unknown) => (failure = { error: err ?? new Error('procedure failed') }),
  );

  // The virtual clock: let the procedure run, wake the waits that hold, then jump to the next event.
  for (;;) {
    await settle();
    const woken = waiters.filter((w) => w.predicate());
    for (const w of woken) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(true);
    }
    if (woken.length > 0) continue;
    if (outcome || failure) break;
    const next = Math.min(...timers.map((t) => t.at), ...waiters.map((w) => w.until ?? Infinity));
    if (next === Infinity) throw new Error(`the SOP waits for ever; calls so far: ${JSON.stringify(calls)}`);
    clock = Math.max(clock, next);
    for (const t of timers.filter((x) => x.at <= clock)) {
      timers.splice(timers.indexOf(t), 1);
      t.fire();
    }
    for (const w of waiters.filter((x) => x.until !== null && x.until <= clock && !x.predicate())) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(false);
    }
  }
  if (failure) throw failure.error;
  const { resolution, ...rest } = outcome!;
  return {
    outcome: {
      ...rest,
      ...(resolution !== undefined
        ? { resolution: typeof resolution === 'string' ? resolution : renderRef(resolution, 'en') }
        : {}),
    },
    calls,
    steps: calls.flatMap((c) => (c.kind === 'step' ? [c.name] : [])),
    erp: calls.flatMap((c) =>
      c.kind === 'erp' ? [{ step: c.step, request: c.request, docId: c.docId }] : [],
    ),
    tasks: calls.flatMap((c) =>
      c.kind === 'task' ? [{ ...c.spec, title: renderRef(c.spec.title, 'en'), titleRef: c.spec.title }] : [],
    ),
    linked: calls.flatMap((c) =>
      c.kind === 'linked' ? [{ step: c.step, request: c.request, caseId: c.caseId }] : [],
    ),
    minutes: (clock - start) / MINUTE,
  };
}
