/** Reports the benches post, the way a MES would: equipment faults on distinct equipment (no folding). */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { ServerKind, Stack } from './stack.js';

const run = randomBytes(3).toString('hex');

/** An equipment fault on equipment of its own (storm folding keys on equipment + fault code). */
export function faultBody(i: number): Record<string, unknown> {
  return {
    source: 'bench',
    externalId: `BENCH-${run}-${i}`,
    type: 'equipment_fault',
    severity: 'high',
    // The demo plant has a maintenance person on each of L1 and L2.
    line: i % 2 === 0 ? 'L1' : 'L2',
    station: `ST-${i % 40}`,
    equipment: { equipmentId: `EQ-${run}-${i}`, faultCode: 'E-BENCH', downSince: new Date().toISOString() },
  };
}

export interface Posted {
  id: number;
  status: string;
  /** The case's opened_at (the database's clock, same machine). */
  openedAt: number;
  /** Date.now() when the request was sent. */
  postedAt: number;
}

/** POST /api/v1/cases; a non-2xx answer throws (counted as an error by the pool). */
export async function postFault(stack: Stack, i: number): Promise<Posted> {
  const postedAt = Date.now();
  const res = await stack.api<{ id: number; status: string; openedAt: string; detail?: string }>(
    'POST',
    '/api/v1/cases',
    stack.keys.mes,
    faultBody(i),
  );
  if (res.status !== 201 && res.status !== 202)
    throw new Error(`POST /api/v1/cases answered ${res.status}: ${res.body.detail ?? ''}`);
  return { id: res.body.id, status: res.body.status, openedAt: Date.parse(res.body.openedAt), postedAt };
}

/** The flags every bench reads: `--server dev|cluster` and named numbers with defaults. */
export function flags<K extends string>(
  numbers: Record<K, number>,
): { server: ServerKind } & Record<K, number> {
  const options: Record<string, { type: 'string' }> = { server: { type: 'string' } };
  for (const k of Object.keys(numbers)) options[k] = { type: 'string' };
  const { values } = parseArgs({ options, allowPositionals: false, strict: true });
  const named = values.server ?? 'dev';
  if (named !== 'dev' && named !== 'cluster')
    throw new Error(`--server must be dev or cluster, not ${named}`);
  const server: ServerKind = named;
  const out: Record<string, number> = {};
  for (const [k, dflt] of Object.entries(numbers) as Array<[K, number]>) {
    const v = values[k];
    const n = v === undefined ? dflt : Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${k} must be a number, not ${v}`);
    out[k] = n;
  }
  return { server, ...(out as Record<K, number>) };
}
