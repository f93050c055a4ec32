/**
 * The MQTT topics Andon takes: `<prefix>/<source>/report` and `<prefix>/<source>/event` (prefix
 * `andon`), plus the topics ANDON_MQTT_ALARM_TOPICS maps to plain machine alarms. Problems with a
 * message go back on `<prefix>/<source>/rejected`.
 */
import type { AlarmMapping } from '../../domain/contracts/mqtt.js';

export const DEFAULT_TOPIC_PREFIX = 'andon';

export type TopicRoute =
  | { kind: 'report'; source: string }
  | { kind: 'event'; source: string }
  | { kind: 'alarm'; mapping: AlarmMapping };

/** Whether `topic` matches the MQTT filter `filter` (`+` one level, `#` the rest). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

export const subscriptions = (prefix: string, alarms: readonly AlarmMapping[]): string[] => [
  `${prefix}/+/report`,
  `${prefix}/+/event`,
  ...alarms.map((a) => a.topic),
];

export function routeOf(topic: string, prefix: string, alarms: readonly AlarmMapping[]): TopicRoute | null {
  const mapping = alarms.find((a) => topicMatches(a.topic, topic));
  if (mapping) return { kind: 'alarm', mapping };
  if (!topic.startsWith(`${prefix}/`)) return null;
  const rest = topic.slice(prefix.length + 1).split('/');
  if (rest.length !== 2) return null;
  const [source, leaf] = rest as [string, string];
  if (leaf === 'report') return { kind: 'report', source };
  if (leaf === 'event') return { kind: 'event', source };
  return null;
}

export const rejectedTopic = (prefix: string, source: string): string => `${prefix}/${source}/rejected`;
