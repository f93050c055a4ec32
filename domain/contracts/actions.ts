/**
 * What people and machines may do to a running case: one schema per action. REST bodies, web forms,
 * action links, SMS replies and MQTT events all parse with these; the workflow's update inputs are
 * the parsed body plus who acted (`Actor`), so its types are inferred from the same source.
 */
import { z } from 'zod';
import { MES_EVENT_KINDS } from '../model.js';
import { jobRole } from './policy.js';
import {
  downtimeMinutes,
  EVENT_DATA_LIMITS,
  idValue,
  isoDateTime,
  jsonObject,
  line,
  note,
  prose,
} from './rules.js';

/** Who did something: an API key, a person, the MES, or Andon itself. */
export const actor = z.object({
  kind: z.enum(['api_key', 'person', 'system', 'mes']),
  id: z.string(),
  name: z.string(),
});
export type Actor = z.infer<typeof actor>;

/** How an actor is written in the timeline's `actor` column (zod-free, for the workflow bundle). */
export { actorRef } from '../contract-rules.js';

export const taskKey = z
  .string({ message: 'must be a task key' })
  .regex(/^[a-z0-9_-]{1,64}$/, 'must be a task key such as "repair" (see the case\'s live tasks)');

const closureFacts = {
  rootCause: prose(4000).optional(),
  correctiveAction: prose(4000).optional(),
  downtimeMinutes: downtimeMinutes.optional(),
};

/** A value of a decision's field: text, or a finite number. */
const decisionValue = z.union(
  [
    note(500),
    z
      .number()
      .refine(Number.isFinite, 'must be a finite number')
      .refine((v) => Math.abs(v) <= 1e12, 'at most 1e12 in size'),
  ],
  { message: 'must be text (at most 500 characters) or a number' },
);

export const ackBody = z.strictObject({ taskKey: taskKey.optional(), note: note(2000).optional() });
export const commentBody = z.strictObject({ text: prose(4000) });
export const decisionBody = z.strictObject({
  taskKey: taskKey.optional(),
  option: z
    .string({ message: "must be one of the task's option ids" })
    .regex(/^[a-z0-9_]{1,64}$/, "must be one of the task's option ids"),
  data: z
    .record(z.string().regex(/^[A-Za-z0-9_]{1,64}$/, 'field names are letters, digits and _'), decisionValue)
    .refine((d) => Object.keys(d).length <= 20, 'at most 20 fields')
    .optional(),
  note: note(2000).optional(),
});
export const etaBody = z.strictObject({ taskKey: taskKey.optional(), eta: isoDateTime });
export const reassignBody = z
  .strictObject({
    taskKey: taskKey.optional(),
    role: jobRole.optional(),
    personId: idValue('person').optional(),
    reason: note(2000).optional(),
  })
  .refine((b) => b.role !== undefined || b.personId !== undefined, {
    path: ['role'],
    message: 'give a role or a personId',
  });
export const resolveBody = z.strictObject({ resolution: prose(4000), ...closureFacts });
export const closeBody = z.strictObject({ note: note(2000).optional(), ...closureFacts });
export const cancelBody = z.strictObject({ reason: prose(2000) });
export const reopenBody = z.strictObject({ reason: prose(2000) });

/** Data an MES event carries: free-form within limits; `downtimeMinutes`, when given, by the common rule. */
export const mesEventData = jsonObject(EVENT_DATA_LIMITS).superRefine((d, ctx) => {
  if (d.downtimeMinutes === undefined) return;
  const r = downtimeMinutes.safeParse(d.downtimeMinutes);
  if (!r.success)
    ctx.addIssue({
      code: 'custom',
      message: r.error.issues[0]!.message,
      path: ['downtimeMinutes'],
      input: d,
    });
});
export const mesEventKind = z.enum(MES_EVENT_KINDS, {
  message: `must be one of ${MES_EVENT_KINDS.join(', ')}`,
});
export const mesEventBody = z.strictObject({ kind: mesEventKind, data: mesEventData.optional() });

/**
 * Set by the paths where a person acts from a message (action link, SMS reply): the workflow then
 * accepts the action only from someone the task is assigned to right now, so authority follows a
 * reassignment instead of staying with an old message.
 */
const asAssignee = { onlyAsAssignee: z.literal(true).optional() };

// The workflow's update inputs: the body as parsed, plus who acted.
const withActor = <T extends z.ZodRawShape>(shape: T) => z.object({ actor, ...shape });

export const ackInput = withActor({ ...ackBody.shape, ...asAssignee });
export const commentInput = withActor(commentBody.shape);
export const decideInput = withActor({ ...decisionBody.shape, ...asAssignee });
export const etaInput = withActor({ ...etaBody.shape, ...asAssignee });
export const reassignInput = withActor({
  taskKey: taskKey.optional(),
  role: jobRole.optional(),
  person: z.object({ id: z.number(), name: line(200) }).optional(),
  reason: note(2000).optional(),
});
export const resolveInput = withActor({ ...resolveBody.shape, ...asAssignee });
export const closeInput = withActor(closeBody.shape);
export const cancelInput = withActor(cancelBody.shape);
export const reopenInput = withActor(reopenBody.shape);
export const mesEventInput = withActor(mesEventBody.shape);

export type AckInput = z.infer<typeof ackInput>;
export type CommentInput = z.infer<typeof commentInput>;
export type DecideInput = z.infer<typeof decideInput>;
export type EtaInput = z.infer<typeof etaInput>;
export type ReassignInput = z.infer<typeof reassignInput>;
export type ResolveInput = z.infer<typeof resolveInput>;
export type CloseInput = z.infer<typeof closeInput>;
export type CancelInput = z.infer<typeof cancelInput>;
export type ReopenInput = z.infer<typeof reopenInput>;
export type MesEventInput = z.infer<typeof mesEventInput>;

/** Every action a running case takes, by update name, with its input. */
export interface CaseUpdates {
  ack: AckInput;
  decide: DecideInput;
  eta: EtaInput;
  comment: CommentInput;
  reassign: ReassignInput;
  resolve: ResolveInput;
  close: CloseInput;
  cancel: CancelInput;
  reopen: ReopenInput;
  mesEvent: MesEventInput;
}
