/** Task rows: one per SOP task (or, for cases started before the SOP engine, one per page). */
import type { DecisionOption, TaskResult } from '../domain/contracts/tasks.js';
import type { MessageRef } from '../domain/messages.js';
import type { JobRole, TaskStatus } from '../domain/model.js';
import type { Db } from './index.js';
import { insertEvent } from './timeline.js';

/** A task row's change within a case change; absent fields stay as they are. */
export interface TaskChange {
  taskId: number;
  status?: TaskStatus;
  ackedAt?: string;
  ackedBy?: string;
  doneAt?: string;
  eta?: string | null;
  result?: TaskResult;
  role?: JobRole;
  assigneePersonId?: number | null;
}

export interface NewTask {
  caseId: number;
  idempotencyKey: string;
  taskKey: string;
  role: JobRole;
  title: string;
  /** The catalog message the title renders from (runs with message keys). */
  titleRef?: MessageRef;
  options: DecisionOption[];
}

/** The columns of a `tasks` row read back here (jsonb parsed, bigint ids as numbers). */
interface TaskRow {
  id: number;
  idempotency_key: string;
  task_key: string | null;
  options: Array<{ id: string; label: string }> | null;
  title: string | null;
  title_ref: MessageRef | null;
}

/** Inserts the task row of an SOP step once (by key); returns its id. */
async function openTaskRow(db: Db, t: NewTask): Promise<number> {
  await db('tasks')
    .insert({
      case_id: t.caseId,
      level: 0,
      role: t.role,
      task_key: t.taskKey,
      title: t.title,
      title_ref: t.titleRef ? JSON.stringify(t.titleRef) : null,
      options: JSON.stringify(t.options),
      idempotency_key: t.idempotencyKey,
    })
    .onConflict('idempotency_key')
    .ignore();
  const row = await db<TaskRow>('tasks').where({ idempotency_key: t.idempotencyKey }).first('id');
  // Just inserted, or already there: the key's row exists.
  return row!.id;
}

/** Opens the task row of an SOP step (once) and records `task_opened`, in one transaction; its id. */
export async function openTask(db: Db, t: NewTask): Promise<number> {
  return db.transaction(async (trx) => {
    const id = await openTaskRow(trx, t);
    await insertEvent(trx, {
      caseId: t.caseId,
      type: 'task_opened',
      actor: 'system',
      data: {
        task: t.taskKey,
        role: t.role,
        title: t.title,
        ...(t.titleRef ? { titleRef: t.titleRef } : {}),
        options: t.options.map((o) => o.id),
      },
      idempotencyKey: `${t.idempotencyKey}:opened`,
    });
    return id;
  });
}

/** Applies one task change (only to a task of this case). `db` may be a transaction. */
export async function updateTask(db: Db, caseId: number, t: TaskChange): Promise<void> {
  const row: Record<string, unknown> = {};
  if (t.status !== undefined) row.status = t.status;
  if (t.ackedAt !== undefined) row.acked_at = t.ackedAt;
  if (t.ackedBy !== undefined) row.acked_by = t.ackedBy;
  if (t.doneAt !== undefined) row.done_at = t.doneAt;
  if (t.eta !== undefined) row.eta = t.eta;
  if (t.result !== undefined) row.result = JSON.stringify(t.result);
  if (t.role !== undefined) row.role = t.role;
  if (t.assigneePersonId !== undefined) row.assignee_person_id = t.assigneePersonId;
  if (Object.keys(row).length > 0) await db('tasks').where({ id: t.taskId, case_id: caseId }).update(row);
}

export type Assignees = Array<{ personId: number; name: string }>;

/** Records who is paged for an SOP task now, and how far it has escalated (never lowered). */
export async function recordTaskPage(
  db: Db,
  taskId: number,
  page: { assignees: Assignees; ackDeadline: string | null; level: number },
): Promise<void> {
  await db('tasks')
    .where({ id: taskId })
    .update({
      assignees: JSON.stringify(page.assignees),
      ack_deadline: page.ackDeadline,
      level: db.raw('greatest(level, ?)', [page.level]),
    });
}

/** The ack deadline of a task's current page, set once the page has gone out (null: nobody reached). */
export async function setAckDeadline(db: Db, taskId: number, ackDeadline: string | null): Promise<void> {
  // Only while it is open: an ack that came while the page was going out has the last word.
  await db('tasks').where({ id: taskId, status: 'open' }).update({ ack_deadline: ackDeadline });
}

/** Cases started before the SOP engine: one task row per page (once by key); its id. */
export async function openPageTask(
  db: Db,
  page: {
    caseId: number;
    level: number;
    role: JobRole;
    assignees: Assignees;
    ackDeadline: string | null;
    idempotencyKey: string;
  },
): Promise<number | null> {
  await db('tasks')
    .insert({
      case_id: page.caseId,
      level: page.level,
      role: page.role,
      assignees: JSON.stringify(page.assignees),
      ack_deadline: page.ackDeadline,
      idempotency_key: page.idempotencyKey,
    })
    .onConflict('idempotency_key')
    .ignore();
  const row = await db<TaskRow>('tasks').where({ idempotency_key: page.idempotencyKey }).first('id');
  return row?.id ?? null;
}

/** What a page about this task offers: its decision options, its key, and what it asks. */
export async function taskForPage(
  db: Db,
  taskId: number,
): Promise<{
  options: Array<{ id: string; label: string }>;
  taskKey: string | null;
  title: string | null;
  titleRef: MessageRef | null;
} | null> {
  const row = await db<TaskRow>('tasks')
    .where({ id: taskId })
    .first('options', 'task_key', 'title', 'title_ref');
  if (!row) return null;
  return {
    options: (row.options ?? []).map((o) => ({ id: o.id, label: o.label })),
    taskKey: row.task_key,
    title: row.title,
    titleRef: row.title_ref,
  };
}

/** Legacy transitions: an ack acknowledges every open task; resolve, close or cancel end them all. */
export async function settleTasks(
  db: Db,
  caseId: number,
  to: 'acknowledged' | 'done' | 'cancelled',
): Promise<void> {
  const now = db.fn.now();
  if (to === 'acknowledged') {
    await db('tasks').where({ case_id: caseId, status: 'open' }).update({ status: 'acked', acked_at: now });
  } else {
    await db('tasks')
      .where({ case_id: caseId })
      .whereIn('status', ['open', 'acked'])
      .update({ status: to, done_at: now });
  }
}

/** The task of a case a person would most likely be paged about now (open first, else the latest). */
export async function currentTask(
  db: Db,
  caseId: number,
): Promise<{
  role: JobRole;
  title: string | null;
  titleRef: MessageRef | null;
  options: Array<{ id: string; label: string }>;
} | null> {
  const row = await db('tasks')
    .where('case_id', caseId)
    .orderByRaw(`(status = 'open') desc, id desc`)
    .first<(Pick<TaskRow, 'title' | 'title_ref' | 'options'> & { role: JobRole }) | undefined>(
      'role',
      'title',
      'title_ref',
      'options',
    );
  if (!row) return null;
  return {
    role: row.role,
    title: row.title,
    titleRef: row.title_ref,
    options: (row.options ?? []).map((o) => ({ id: o.id, label: o.label })),
  };
}
