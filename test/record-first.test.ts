/**
 * Issue 9's workflow side, end to end: actions sent straight to the workflow with the Temporal
 * client (as the API's action links and SMS will): authority follows a reassignment, and a change
 * the database refuses is refused without being applied, leaving the case actionable.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Actor } from '../domain/contracts/actions.js';
import { caseWorkflowId } from '../workflows/case/input.js';
import { ackUpdate, commentUpdate } from '../workflows/case/messages.js';
import { caseApi } from './helpers/cases.js';
import { startHarness, type Harness } from './helpers/harness.js';
import { recordHistory } from './helpers/histories.js';

let h: Harness;
let c: ReturnType<typeof caseApi>;
let liWei: number;
let maChao: number;

before(async () => {
  h = await startHarness(fileURLToPath(import.meta.url));
  c = caseApi(h);
  liWei = await h.addPerson({ name: 'Li Wei', roles: [{ role: 'maintenance', line: 'L1' }] });
  maChao = await h.addPerson({ name: 'Ma Chao', roles: [{ role: 'maintenance', line: 'L2' }] });
  await h.addPerson({ name: 'Sue Supervisor', roles: [{ role: 'supervisor' }] });
});

after(async () => {
  await h?.stop();
});

const asPerson = (id: number, name: string): Actor => ({ kind: 'person', id: String(id), name });

/** The reason of a refused update, or a failure if it was not refused. */
async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof WorkflowUpdateFailedError, String(err));
    assert.ok(err.cause instanceof ApplicationFailure, String(err.cause));
    assert.equal(err.cause.type, 'Refused');
    return err.cause.message;
  }
  return assert.fail('the update was accepted');
}

describe('authority follows assignment (onlyAsAssignee)', () => {
  it('refuses the old assignee after a reassignment, and takes the new one', async () => {
    const id = await c.open('equipment_fault', { line: 'L1' });
    const repair = await c.task(id, 'repair');
    assert.deepEqual(
      repair.assignees.map((a) => a.personId),
      [liWei],
    );
    const moved = await c.post(id, 'reassign', { taskKey: 'repair', personId: maChao });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));

    const wf = h.temporal.workflow.getHandle(caseWorkflowId(id));
    const ack = (actor: Actor) =>
      wf.executeUpdate(ackUpdate, { args: [{ actor, taskKey: 'repair', onlyAsAssignee: true }] });
    assert.match(await refusal(ack(asPerson(liWei, 'Li Wei'))), /not assigned to Li Wei/);
    const live = await ack(asPerson(maChao, 'Ma Chao'));
    assert.equal(live.tasks.find((t) => t.key === 'repair')?.status, 'acked');
    const row = await c.get(id);
    assert.equal(row.status, 'acknowledged');
    assert.equal(row.live?.status, 'acknowledged');
  });
});

describe('record first, then apply', () => {
  // Sent straight to the workflow, past the API's own text rule: the database is the last guard.
  it('refuses a comment the database cannot store, applies nothing, and the case still takes an ack', async () => {
    const id = await c.open('equipment_fault', { line: 'L1' });
    await c.task(id, 'repair');
    const wf = h.temporal.workflow.getHandle(caseWorkflowId(id));
    const reason = await refusal(
      wf.executeUpdate(commentUpdate, { args: [{ actor: asPerson(liWei, 'Li Wei'), text: 'a\u0000b' }] }),
    );
    assert.match(reason, /^not recorded, so not done: /);
    assert.doesNotMatch(reason, /insert|select|update .* set/i, 'no SQL shown to people');
    assert.ok(!(await c.types(id)).includes('comment'));

    const acked = await c.post(id, 'ack', { taskKey: 'repair' }, h.keys.staff);
    assert.equal(acked.status, 200, JSON.stringify(acked.body));
    const row = await c.get(id);
    assert.equal(row.status, 'acknowledged');
    assert.equal(row.live?.status, 'acknowledged');
    await recordHistory(h, id, 'data-rejected');
  });
});
