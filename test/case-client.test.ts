/**
 * The API's case client during a Temporal outage, without a server: once a start has found the
 * server unreachable, the next reports are answered at once (accepted, started later by the
 * reconciler) instead of each waiting out its own start timeout; a slow but reachable server
 * holds nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import { createCaseClient, TemporalUnavailable } from '../api/case-client.js';
import type { CaseRecord } from '../db/cases.js';

function fakeTemporal(): { client: Client; starts: () => number } {
  let starts = 0;
  const client = {
    withDeadline: <T>(_deadline: number, fn: () => Promise<T>): Promise<T> => fn(),
    workflow: {
      start: (): Promise<never> => {
        starts += 1;
        return Promise.reject(new Error('14 UNAVAILABLE: connection refused'));
      },
    },
  };
  return { client: client as unknown as Client, starts: () => starts };
}

const record = { id: 7, type: 'order_delay', policy: { ladder: [] }, details: {} } as unknown as CaseRecord;

describe('case client during an outage', () => {
  it('answers further starts at once while the server was just found unreachable, then tries again', async () => {
    const t = fakeTemporal();
    let clock = 1_000_000;
    const cases = createCaseClient(t.client, {
      taskQueue: 'q',
      reachable: () => Promise.resolve(false),
      outageHoldMs: 5_000,
      now: () => clock,
    });
    await assert.rejects(cases.start(record), TemporalUnavailable);
    assert.equal(t.starts(), 1);
    await assert.rejects(cases.start(record), /unreachable moments ago/);
    await assert.rejects(cases.start(record), TemporalUnavailable);
    assert.equal(t.starts(), 1, 'no start is tried while the hold lasts');
    clock += 5_000;
    await assert.rejects(cases.start(record), TemporalUnavailable);
    assert.equal(t.starts(), 2, 'after the hold, the server is tried again');
  });

  it('holds nothing when the server is reachable (slow, not down)', async () => {
    const t = fakeTemporal();
    const cases = createCaseClient(t.client, { taskQueue: 'q', reachable: () => Promise.resolve(true) });
    await assert.rejects(cases.start(record), TemporalUnavailable);
    await assert.rejects(cases.start(record), TemporalUnavailable);
    assert.equal(t.starts(), 2);
  });
});
