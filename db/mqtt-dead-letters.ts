/** MQTT messages Andon could not take: kept with why, so nothing a machine sent is lost silently. */
import type { Db } from './index.js';

/** Payloads are kept up to this size (a dead letter is for reading, not for replaying a file). */
export const DEAD_LETTER_MAX_BYTES = 64 * 1024;

export interface DeadLetter {
  id: number;
  topic: string;
  source: string | null;
  payload: string;
  payloadBase64: string;
  truncated: boolean;
  detail: string;
  errors: Array<{ field: string; message: string }>;
  receivedAt: string;
}

interface DeadLetterRow {
  id: number;
  topic: string;
  source: string | null;
  payload: Buffer;
  truncated: boolean;
  detail: string;
  errors: Array<{ field: string; message: string }>;
  received_at: Date;
}

/** Text fit for a text column: no NULs, no lone surrogates (topics are UTF-8 by the MQTT spec, not always in practice). */
const storable = (s: string): string => s.toWellFormed().replaceAll('\u0000', '\uFFFD');

export async function insertDeadLetter(
  db: Db,
  d: {
    topic: string;
    source: string | null;
    payload: Buffer;
    detail: string;
    errors: Array<{ field: string; message: string }>;
  },
): Promise<number> {
  const truncated = d.payload.length > DEAD_LETTER_MAX_BYTES;
  const [row] = await db('mqtt_dead_letters')
    .insert({
      topic: storable(d.topic),
      source: d.source === null ? null : storable(d.source),
      payload: truncated ? d.payload.subarray(0, DEAD_LETTER_MAX_BYTES) : d.payload,
      truncated,
      detail: storable(d.detail),
      errors: JSON.stringify(
        d.errors.map((e) => ({ field: storable(e.field), message: storable(e.message) })),
      ),
    })
    .returning<Array<{ id: number }>>('id');
  return row!.id;
}

export async function listDeadLetters(
  db: Db,
  f: { source?: string; limit: number; cursor?: number },
): Promise<{ deadLetters: DeadLetter[]; nextCursor: number | null }> {
  const q = db<DeadLetterRow>('mqtt_dead_letters')
    .orderBy('id', 'desc')
    .limit(f.limit + 1);
  if (f.source) q.where({ source: f.source });
  if (f.cursor) q.where('id', '<', f.cursor);
  const rows = await q;
  const page = rows.slice(0, f.limit).map((r): DeadLetter => ({
    id: r.id,
    topic: r.topic,
    source: r.source,
    payload: r.payload.toString('utf8'),
    payloadBase64: r.payload.toString('base64'),
    truncated: r.truncated,
    detail: r.detail,
    errors: r.errors,
    receivedAt: r.received_at.toISOString(),
  }));
  return { deadLetters: page, nextCursor: rows.length > f.limit ? page[page.length - 1]!.id : null };
}
