/**
 * What the API answers, as zod schemas: the OpenAPI document's response schemas are generated from
 * these, like its request schemas from the request contracts. They describe; routes do not parse
 * their own answers with them (a test checks real answers against them).
 */
import { z } from 'zod';
import {
  CASE_STATUSES,
  CHAT_PROVIDERS,
  EVENT_TYPES,
  LOCALES,
  OVERRIDE_KINDS,
  SUBSCRIPTION_EVENTS,
} from '../model.js';
import { TEMPLATE_KEYS } from '../templates.js';
import { channel, exceptionType, jobRole, ladderLevel, severity, sopParams } from './policy.js';
import { decisionOption, taskResult } from './tasks.js';

const instant = z.string().describe('ISO 8601 date-time (UTC)');
const nullableInstant = instant.nullable();

/** RFC 9457 problem details; `errors` names each offending field of a 400. */
export const problemResponse = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

export const policySnapshotResponse = z.object({
  policyId: z.number().int().nullable(),
  ladder: z.array(ladderLevel),
  resolveSlaSeconds: z.number().int(),
  repeatCount: z.number().int().optional(),
  reopenWindowSeconds: z.number().int().optional(),
  sop: sopParams.partial().optional(),
});

/** A case as the database records it. */
export const caseRecordResponse = z.object({
  id: z.number().int(),
  source: z.string(),
  externalId: z.string(),
  type: exceptionType,
  severity,
  status: z.enum(CASE_STATUSES),
  line: z.string(),
  station: z.string().nullable(),
  title: z.string(),
  description: z.string().nullable(),
  reasonCode: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).describe("the type's facts"),
  policy: policySnapshotResponse,
  escalationLevel: z.number().int(),
  occurredAt: instant,
  openedAt: instant,
  acknowledgedAt: nullableInstant,
  resolvedAt: nullableInstant,
  closedAt: nullableInstant,
  resolution: z.string().nullable(),
  rootCause: z.string().nullable(),
  correctiveAction: z.string().nullable(),
  downtimeMinutes: z.number().int().nullable(),
  shift: z.string().nullable(),
  currentStep: z.string().nullable(),
  slaDeadline: nullableInstant,
  slaBreached: z.boolean(),
  cancelReason: z.string().nullable(),
  reopenCount: z.number().int(),
  parentCaseId: z.number().int().nullable(),
  recurrenceOf: z.number().int().nullable(),
  reportCount: z
    .number()
    .int()
    .describe('how many reports this case stands for: repeats of an open problem fold into it'),
  lastSeenAt: instant.describe('when the last of those reports came'),
});

/** A task of the running case, as its workflow reports it. */
/** A catalog message (domain/messages.ts): render it with `render(key, params, locale)`. */
export const messageRefResponse = z.object({
  key: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
});

export const taskViewResponse = z.object({
  key: z.string(),
  role: jobRole,
  title: z.string().describe('in English'),
  titleRef: messageRefResponse
    .optional()
    .describe('the title as a catalog message (cases since message keys)'),
  status: z.enum(['open', 'acked', 'done', 'cancelled']),
  level: z.number().int(),
  assignees: z.array(z.object({ personId: z.number().int(), name: z.string() })),
  ackDeadline: nullableInstant,
  eta: nullableInstant,
  options: z.array(decisionOption),
  result: taskResult.nullable(),
});

/** The live state of a case's workflow. */
export const caseStateResponse = z.object({
  caseId: z.number().int(),
  type: exceptionType,
  severity,
  status: z.enum(CASE_STATUSES),
  step: z.string().nullable(),
  escalationLevel: z.number().int(),
  ackDeadline: nullableInstant,
  slaDeadline: nullableInstant,
  slaBreached: z.boolean(),
  tasks: z.array(taskViewResponse),
});

/** A case and its live state (`live` null while the workflow cannot be asked or has not started). */
export const caseResponse = caseRecordResponse.extend({
  workflowId: z.string(),
  live: caseStateResponse.nullable(),
});

export const caseListResponse = z.object({
  cases: z.array(caseRecordResponse),
  nextCursor: z.number().int().nullable().describe('pass as `cursor` for the next page'),
});

export const timelineEventResponse = z.object({
  id: z.number().int(),
  type: z.enum(EVENT_TYPES),
  actor: z.string().describe('api_key:<id>, person:<id>, mes:<id> or system'),
  data: z
    .record(z.string(), z.unknown())
    .describe("the event's facts; phone numbers and addresses are hidden from staff"),
  occurredAt: instant,
});

export const timelineResponse = z.object({
  caseId: z.number().int(),
  events: z.array(timelineEventResponse),
});

export const notificationResponse = z.object({
  id: z.number().int(),
  caseId: z.number().int(),
  taskId: z.number().int().nullable(),
  personId: z.number().int().nullable(),
  channel,
  recipient: z.string(),
  template: z.string(),
  subject: z.string().nullable(),
  status: z.string(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  providerId: z.string().nullable(),
  providerStatus: z.string().nullable(),
  failoverOf: z.number().int().nullable(),
  createdAt: instant,
  sentAt: nullableInstant,
  deliveredAt: nullableInstant,
  failedAt: nullableInstant,
});

export const notificationsResponse = z.object({
  caseId: z.number().int(),
  notifications: z.array(notificationResponse),
});

// ── people and rosters ──────────────────────────────────────────────────────────────────────
export const personResponse = z.object({
  id: z.number().int(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  locale: z.enum(LOCALES),
  active: z.boolean(),
  roles: z.array(z.object({ role: jobRole, line: z.string().nullable() })),
});
export const peopleResponse = z.object({ people: z.array(personResponse) });

export const lineResponse = z.object({
  code: z.string(),
  name: z.string(),
  kind: z.string(),
  active: z.boolean(),
});
export const linesResponse = z.object({ lines: z.array(lineResponse) });

export const shiftPatternResponse = z.object({
  id: z.number().int(),
  name: z.string(),
  timeZone: z.string().nullable(),
  shifts: z.array(z.object({ name: z.string(), startHour: z.number().int() })),
});
export const shiftPatternsResponse = z.object({ patterns: z.array(shiftPatternResponse) });

export const rosterEntryResponse = z.object({
  id: z.number().int(),
  personId: z.number().int(),
  role: jobRole,
  line: z.string().nullable(),
  patternId: z.number().int(),
  shift: z.string(),
  validFrom: z.string().nullable().describe('YYYY-MM-DD'),
  validTo: z.string().nullable().describe('YYYY-MM-DD'),
});

export const rosterOverrideResponse = z.object({
  id: z.number().int(),
  personId: z.number().int(),
  role: jobRole,
  line: z.string().nullable(),
  kind: z.enum(OVERRIDE_KINDS),
  startsAt: instant,
  endsAt: instant,
  note: z.string().nullable(),
});

export const rostersResponse = z.object({
  entries: z.array(rosterEntryResponse),
  overrides: z.array(rosterOverrideResponse),
});

export const onDutyResponse = z.object({
  role: jobRole,
  line: z.string(),
  at: instant,
  source: z.string().nullable().describe('cover, roster, on_call or role; null when nobody'),
  reason: z.string().nullable(),
  people: z.array(
    z.object({
      id: z.number().int(),
      name: z.string(),
      email: z.string().nullable(),
      phone: z.string().nullable(),
      locale: z.string(),
    }),
  ),
});

// ── catalog and policies ────────────────────────────────────────────────────────────────────
export const exceptionTypeResponse = z.object({
  code: exceptionType,
  nameEn: z.string(),
  nameZh: z.string(),
  description: z.string().nullable(),
  sopParams: sopParams.partial(),
  reopenWindowSeconds: z.number().int().nullable(),
  reasonCodes: z.array(
    z.object({ code: z.string(), nameEn: z.string(), nameZh: z.string(), active: z.boolean() }),
  ),
});
export const exceptionTypesResponse = z.object({ exceptionTypes: z.array(exceptionTypeResponse) });

export const policyResponse = z.object({
  id: z.number().int(),
  type: exceptionType,
  severity: severity.nullable(),
  line: z.string().nullable(),
  ladder: z.array(ladderLevel),
  resolveSlaSeconds: z.number().int(),
  repeatCount: z.number().int(),
  updatedAt: instant,
});
export const policiesResponse = z.object({ policies: z.array(policyResponse) });

// ── reports ─────────────────────────────────────────────────────────────────────────────────
const rate = z.number().nullable();
export const summaryGroupResponse = z.object({
  key: z.string().nullable(),
  cases: z.number().int(),
  closed: z.number().int(),
  acknowledged: z.number().int(),
  resolved: z.number().int(),
  mttaSeconds: z.number().nullable(),
  mttrSeconds: z.number().nullable(),
  closureP50Seconds: z.number().nullable(),
  closureP90Seconds: z.number().nullable(),
  slaBreached: z.number().int(),
  slaBreachRate: rate,
  escalated: z.number().int(),
  escalationRate: rate,
  downtimeMinutes: z.number(),
});
export const summaryResponse = z.object({
  filters: z.object({
    from: nullableInstant,
    to: nullableInstant,
    type: exceptionType.nullable(),
    line: z.string().nullable(),
    groupBy: z.string(),
    period: z.string(),
    tz: z.string(),
  }),
  groups: z.array(summaryGroupResponse),
  pareto: z.array(
    z.object({
      reasonCode: z.string(),
      count: z.number().int(),
      percent: z.number(),
      cumulativePercent: z.number(),
    }),
  ),
});

// ── development transports and operations ───────────────────────────────────────────────────
export const devMailResponse = z.object({
  messages: z.array(
    z.object({
      from: z.string(),
      to: z.array(z.string()),
      subject: z.string(),
      text: z.string(),
      html: z.string(),
      messageId: z.string().nullable(),
      receivedAt: instant,
    }),
  ),
});
export const devSmsResponse = z.object({
  messages: z.array(
    z.object({
      sid: z.string(),
      to: z.string(),
      body: z.string(),
      statusCallback: z.string().nullable(),
      sentAt: instant,
    }),
  ),
});

export const healthResponse = z.object({ status: z.literal('ok') });
export const readyResponse = z.object({
  status: z.enum(['ready', 'not ready']),
  checks: z.record(z.string(), z.enum(['ok', 'failing'])),
});

// ── notification configuration (group channels, subscriptions, templates) ────────────────────
export const groupChannelResponse = z.object({
  id: z.number().int(),
  name: z.string(),
  provider: z.enum(CHAT_PROVIDERS),
  webhookUrl: z.string().describe('masked: the token is cut to its first characters'),
  signed: z.boolean().describe('a signing secret is stored (never shown)'),
  locale: z.enum(LOCALES),
  active: z.boolean(),
  createdAt: instant,
  updatedAt: instant,
});
export const groupChannelsResponse = z.object({ groupChannels: z.array(groupChannelResponse) });

export const subscriptionResponse = z.object({
  id: z.number().int(),
  name: z.string(),
  target: z.union([
    z.object({ kind: z.literal('person'), personId: z.number().int() }),
    z.object({ kind: z.literal('role'), role: jobRole, line: z.string().nullable() }),
    z.object({ kind: z.literal('group'), groupChannelId: z.number().int() }),
  ]),
  events: z.array(z.enum(SUBSCRIPTION_EVENTS)),
  types: z.array(exceptionType),
  lines: z.array(z.string()),
  severities: z.array(severity),
  active: z.boolean(),
  createdAt: instant,
});
export const subscriptionsResponse = z.object({ subscriptions: z.array(subscriptionResponse) });

export const messageTemplateResponse = z.object({
  key: z.enum(TEMPLATE_KEYS),
  locale: z.enum(LOCALES),
  subject: z.string().nullable(),
  body: z.string().describe('a Mustache template: {{placeholder}}, {{#section}}…{{/section}}'),
  customised: z.boolean(),
  updatedAt: instant,
});
export const messageTemplatesResponse = z.object({ templates: z.array(messageTemplateResponse) });

export const templatePreviewResponse = z.object({
  key: z.enum(TEMPLATE_KEYS),
  locale: z.enum(LOCALES),
  subject: z.string().nullable().optional(),
  text: z.string().optional(),
  html: z.string().nullable().optional(),
  card: z
    .object({
      title: z.string(),
      lines: z.array(z.string()),
      buttons: z.array(z.object({ label: z.string(), url: z.string() })),
      tone: z.enum(['alert', 'info']),
    })
    .optional()
    .describe('chat templates: the card every provider renders in its own shape'),
});
