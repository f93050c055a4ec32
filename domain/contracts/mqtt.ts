/**
 * MQTT intake: what arrives on `andon/<source>/report` (the body of POST /api/v1/cases),
 * `andon/<source>/event` (the body of POST /api/v1/cases/{id}/events plus the case's key), and on
 * topics mapped to plain machine alarms; and the configuration of those mappings.
 */
import { z } from 'zod';
import { mesEventBody } from './actions.js';
import { severity } from './policy.js';
import { idParam, isoDateTime, line, note } from './rules.js';

/** `andon/<source>/event`: an MES event for the case that source reported as `externalId`. */
export const mqttEventBody = z.strictObject({
  ...mesEventBody.shape,
  source: line(64),
  externalId: line(128),
});
export type MqttEventBody = z.infer<typeof mqttEventBody>;

/** A plain machine alarm on a mapped topic; fields a machine adds besides these are ignored. */
export const machineAlarm = z.object({
  equipmentId: line(64),
  faultCode: line(64),
  state: z.enum(['ALARM', 'CLEARED'], { message: 'must be ALARM or CLEARED' }),
  /** The machine's own id of this alarm, when it has one (else Andon makes one per message). */
  alarmId: line(128).optional(),
  line: line(64).optional(),
  station: line(64).optional(),
  severity: severity.optional(),
  occurredAt: isoDateTime.optional(),
  description: note(4000).optional(),
});
export type MachineAlarm = z.infer<typeof machineAlarm>;

/** An MQTT topic filter: levels of text, `+` for one level, `#` for the rest (last level only). */
const topicFilter = z
  .string({ message: 'must be an MQTT topic filter' })
  .min(1, 'must not be empty')
  .max(512, 'at most 512 characters')
  .refine(
    (t) =>
      t.split('/').every((level, i, all) => {
        if (level === '#') return i === all.length - 1;
        return level === '+' || !(level.includes('+') || level.includes('#') || level.includes('\u0000'));
      }),
    'must be an MQTT topic filter: `+` or `#` only as a whole level, `#` last',
  );

/** One entry of ANDON_MQTT_ALARM_TOPICS: a topic of plain alarms and the case they open. */
export const alarmMapping = z.strictObject({
  topic: topicFilter,
  /** The `source` of the cases these alarms open. */
  source: line(64),
  /** The line, unless the alarm names its own. */
  line: line(64),
  station: line(64).optional(),
  severity: severity.default('high'),
});
export type AlarmMapping = z.infer<typeof alarmMapping>;

export const alarmMappingsConfig = z.array(alarmMapping);

export const deadLettersQuery = z.object({
  source: line(64).optional(),
  limit: z
    .string()
    .regex(/^[0-9]{1,3}$/, 'must be a whole number from 1 to 200')
    .transform(Number)
    .pipe(z.number().min(1, 'must be at least 1').max(200, 'at most 200'))
    .default(50),
  cursor: idParam('dead letter').optional(),
});
export type DeadLettersQuery = z.infer<typeof deadLettersQuery>;
