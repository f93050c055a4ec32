/** Every transition of a case, accepted and refused — pure functions, no Temporal. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as t from '../workflows/case/transitions.js';
import type { Applied, Outcome } from '../workflows/case/transitions.js';
import { ctx, frozen, LADDER, mes, NOW, person, staff, state, task } from './helpers/case-state.js';

function applied(o: Outcome): Applied {
  if ('refused' in o) assert.fail(`refused: ${o.refused}`);
  return o;
}
function refused(o: Outcome, reason: RegExp): void {
  assert.ok('refused' in o, 'expected a refusal');
  assert.match(o.refused, reason);
}

const twoTasks = () =>
  frozen(state({ tasks: [task('repair'), task('planner', { taskId: 11, role: 'planner', assignees: [] })] }));

describe('ack', () => {
  it('acknowledges the case and every open task the first time, without touching its input', () => {
    const s = twoTasks();
    const r = applied(t.ack(s, { actor: staff, note: 'on it' }, ctx()));
    assert.equal(r.state.status, 'acknowledged');
    assert.deepEqual(
      r.state.tasks.map((x) => [x.status, x.ladder.acked, x.ackDeadline]),
      [
        ['acked', true, null],
        ['acked', true, null],
      ],
    );
    assert.equal(r.state.seq, 5);
    assert.deepEqual(r.change, {
      events: [
        {
          type: 'acked',
          actor: 'api_key:3',
          data: { by: 'staff key', tasks: ['repair', 'planner'], note: 'on it' },
          idempotencyKey: 'case-7:s5:acked',
        },
      ],
      fields: { status: 'acknowledged', acknowledgedAt: NOW, ackedBy: 'api_key:3' },
      tasks: [
        { taskId: 10, status: 'acked', ackedAt: NOW, ackedBy: 'api_key:3' },
        { taskId: 11, status: 'acked', ackedAt: NOW, ackedBy: 'api_key:3' },
      ],
    });
    assert.equal(s.status, 'open', 'the input state is unchanged');
  });

  it('acknowledges one named task of an acknowledged case without case fields', () => {
    const s = frozen(
      state({ status: 'acknowledged', tasks: [task('repair', { status: 'acked' }), task('planner')] }),
    );
    const r = applied(t.ack(s, { actor: staff, taskKey: 'planner' }, ctx()));
    assert.deepEqual(r.change?.fields, {});
    assert.deepEqual(r.change?.events[0]?.data, { by: 'staff key', tasks: ['planner'] });
  });

  it('records nothing when a named task has no row yet and the case is already acknowledged', () => {
    const s = frozen(state({ status: 'acknowledged', tasks: [task('repair', { taskId: null })] }));
    const r = applied(t.ack(s, { actor: staff, taskKey: 'repair' }, ctx()));
    assert.equal(r.change, null);
    assert.equal(r.state.seq, 4, 'no key consumed');
  });

  it('refuses a case that is not active, an unknown task, a task not open, and an ack with nothing to ack', () => {
    refused(
      t.ack(state({ status: 'resolved' }), { actor: staff }, ctx()),
      /case is resolved; only an open or/,
    );
    refused(t.ack(twoTasks(), { actor: staff, taskKey: 'nope' }, ctx()), /case 7 has no task nope/);
    const acked = state({ status: 'acknowledged', tasks: [task('repair', { status: 'acked' })] });
    refused(
      t.ack(acked, { actor: staff, taskKey: 'repair' }, ctx()),
      /task repair is acked; it cannot be acknowledged/,
    );
    refused(t.ack(acked, { actor: staff }, ctx()), /no task is waiting for an acknowledgement/);
  });

  it('with onlyAsAssignee, takes only a current assignee, or the person a task was reassigned to', () => {
    const s = twoTasks();
    refused(
      t.ack(s, { actor: person(2), taskKey: 'repair', onlyAsAssignee: true }, ctx()),
      /not assigned to Person 2/,
    );
    refused(t.ack(s, { actor: staff, taskKey: 'repair', onlyAsAssignee: true }, ctx()), /not assigned/);
    applied(t.ack(s, { actor: person(1), taskKey: 'repair', onlyAsAssignee: true }, ctx()));
    const moved = state({ tasks: [task('repair', { personId: 2, assignees: [] })] });
    applied(t.ack(moved, { actor: person(2), taskKey: 'repair', onlyAsAssignee: true }, ctx()));
    refused(t.ack(moved, { actor: person(1), taskKey: 'repair', onlyAsAssignee: true }, ctx()), /any more/);
  });

  it('with onlyAsAssignee and no task named, acknowledges only the tasks assigned to that person', () => {
    const r = applied(t.ack(twoTasks(), { actor: person(1), onlyAsAssignee: true }, ctx()));
    assert.deepEqual(
      r.state.tasks.map((x) => x.status),
      ['acked', 'open'],
    );
    refused(
      t.ack(twoTasks(), { actor: person(9), onlyAsAssignee: true }, ctx()),
      /no task waiting .* Person 9/,
    );
  });
});

describe('decide', () => {
  const withOptions = () =>
    frozen(
      state({
        tasks: [
          task('supplier', {
            options: [
              { id: 'supplier_eta', label: 'ETA', fields: [{ name: 'eta', type: 'datetime', label: 'ETA' }] },
              { id: 'alternate', label: 'Alternate' },
            ],
          }),
        ],
      }),
    );

  it('acknowledges and answers an open task, in that order', () => {
    const data = { eta: '2030-01-08T08:00:00Z' };
    const r = applied(
      t.decide(
        withOptions(),
        { actor: staff, taskKey: 'supplier', option: 'supplier_eta', data, note: 'n' },
        ctx(),
      ),
    );
    const result = { option: 'supplier_eta', data, by: 'staff key', at: NOW, note: 'n' };
    assert.deepEqual(r.state.tasks[0]?.result, result);
    assert.equal(r.state.tasks[0]?.status, 'done');
    assert.equal(r.state.status, 'acknowledged');
    assert.deepEqual(
      r.change?.events.map((e) => [e.type, e.idempotencyKey]),
      [
        ['acked', 'case-7:s5:acked'],
        ['decision', 'case-7:s6:decision'],
      ],
    );
    assert.deepEqual(r.change?.events[1]?.data, {
      task: 'supplier',
      option: 'supplier_eta',
      data,
      by: 'staff key',
      note: 'n',
    });
    assert.deepEqual(r.change?.tasks, [
      { taskId: 10, status: 'acked', ackedAt: NOW, ackedBy: 'api_key:3' },
      { taskId: 10, status: 'done', doneAt: NOW, result },
    ]);
  });

  it('answers an acknowledged task with the decision alone', () => {
    const s = state({ status: 'acknowledged', tasks: [task('repair', { status: 'acked' })] });
    const r = applied(t.decide(s, { actor: staff, option: 'done' }, ctx()));
    assert.deepEqual(
      r.change?.events.map((e) => e.type),
      ['decision'],
    );
    assert.equal(r.change?.fields, undefined);
  });

  it('refuses an unknown option, missing option data, a finished case, an ambiguous task, a non-assignee', () => {
    refused(
      t.decide(withOptions(), { actor: staff, option: 'x' }, ctx()),
      /no option x; choose one of supplier_eta, alternate/,
    );
    refused(t.decide(withOptions(), { actor: staff, option: 'supplier_eta' }, ctx()), /needs eta/);
    refused(
      t.decide(state({ status: 'closed' }), { actor: staff, option: 'done' }, ctx()),
      /case is closed; decisions/,
    );
    refused(
      t.decide(twoTasks(), { actor: staff, option: 'done' }, ctx()),
      /2 tasks that can take a decision/,
    );
    refused(
      t.decide(
        state({ tasks: [task('repair', { status: 'done' })] }),
        { actor: staff, option: 'done' },
        ctx(),
      ),
      /no task that can take a decision/,
    );
    refused(
      t.decide(withOptions(), { actor: person(5), option: 'alternate', onlyAsAssignee: true }, ctx()),
      /not assigned to Person 5/,
    );
  });
});

describe('eta', () => {
  it('records an ETA (acknowledging the task)', () => {
    const r = applied(
      t.eta(twoTasks(), { actor: staff, taskKey: 'repair', eta: '2030-01-07T09:00:00Z' }, ctx()),
    );
    assert.equal(r.state.tasks[0]?.eta, '2030-01-07T09:00:00Z');
    assert.deepEqual(
      r.change?.events.map((e) => e.idempotencyKey),
      ['case-7:s5:acked', 'case-7:s6:eta'],
    );
    assert.deepEqual(r.change?.tasks?.at(-1), { taskId: 10, eta: '2030-01-07T09:00:00Z' });
  });

  it('refuses a past ETA, a finished case, and a non-assignee', () => {
    refused(
      t.eta(twoTasks(), { actor: staff, taskKey: 'repair', eta: '2030-01-07T07:00:00Z' }, ctx()),
      /future/,
    );
    refused(
      t.eta(state({ status: 'cancelled' }), { actor: staff, eta: '2031-01-01T00:00:00Z' }, ctx()),
      /cancelled/,
    );
    refused(
      t.eta(
        twoTasks(),
        { actor: person(3), taskKey: 'repair', eta: '2031-01-01T00:00:00Z', onlyAsAssignee: true },
        ctx(),
      ),
      /not assigned/,
    );
  });
});

describe('comment', () => {
  it('records a comment in any state', () => {
    const r = applied(t.comment(state({ status: 'closed' }), { actor: staff, text: 'noted' }, ctx()));
    assert.deepEqual(r.change?.events[0], {
      type: 'comment',
      actor: 'api_key:3',
      data: { by: 'staff key', text: 'noted' },
      idempotencyKey: 'case-7:s5:comment',
    });
  });

  it('refuses a blank comment', () => {
    refused(t.comment(state(), { actor: staff, text: '  ' }, ctx()), /needs text/);
  });
});

describe('reassign', () => {
  it('moves a task to a person: new generation, fresh ladder, and its ladder starts again', () => {
    const s = frozen(
      state({
        tasks: [
          task('repair', { status: 'acked', ladder: { level: 1, acked: true, exhausted: false, round: 0 } }),
        ],
      }),
    );
    const r = applied(
      t.reassign(s, { actor: staff, person: { id: 2, name: 'Wang' }, reason: 'on leave' }, ctx()),
    );
    const moved = r.state.tasks[0]!;
    assert.deepEqual(
      [moved.status, moved.gen, moved.personId, moved.ladder, moved.pendingReason],
      ['open', 1, 2, { level: 0, acked: false, exhausted: false, round: 0 }, 'reassigned'],
    );
    assert.deepEqual(moved.assignees, [{ personId: 2, name: 'Wang' }]);
    assert.deepEqual(r.effects, { supervise: 'repair' });
    assert.deepEqual(r.change?.events[0]?.data, {
      task: 'repair',
      from: { role: 'maintenance', personId: null },
      to: { role: 'maintenance', personId: 2, name: 'Wang' },
      by: 'staff key',
      reason: 'on leave',
    });
    assert.deepEqual(r.change?.tasks, [
      { taskId: 10, status: 'open', role: 'maintenance', assigneePersonId: 2 },
    ]);
  });

  it('moves a task to a role, with nobody assigned until the page', () => {
    const r = applied(t.reassign(twoTasks(), { actor: staff, taskKey: 'repair', role: 'supervisor' }, ctx()));
    assert.deepEqual([r.state.tasks[0]?.role, r.state.tasks[0]?.assignees], ['supervisor', []]);
  });

  it('refuses without a target, on a finished case, or for a task already answered', () => {
    refused(t.reassign(twoTasks(), { actor: staff, taskKey: 'repair' }, ctx()), /needs a role or a person/);
    refused(
      t.reassign(state({ status: 'resolved' }), { actor: staff, role: 'planner' }, ctx()),
      /case is resolved/,
    );
    refused(
      t.reassign(
        state({ tasks: [task('repair', { status: 'done' })] }),
        { actor: staff, taskKey: 'repair', role: 'planner' },
        ctx(),
      ),
      /task repair is done; it cannot be reassigned/,
    );
  });
});

describe('resolve', () => {
  it('resolves, cancels the open tasks, and ends the SOP', () => {
    const s = frozen(state({ tasks: [task('repair'), task('planner', { taskId: 11, status: 'done' })] }));
    const input = { actor: staff, resolution: 'fixed', rootCause: 'seal', downtimeMinutes: 25 };
    const r = applied(t.resolve(s, input, ctx()));
    assert.deepEqual(
      [r.state.status, r.state.resolvedAt, r.state.facts],
      ['resolved', NOW, { resolution: 'fixed', rootCause: 'seal', downtimeMinutes: 25 }],
    );
    assert.deepEqual(
      r.state.tasks.map((x) => x.status),
      ['cancelled', 'done'],
    );
    assert.deepEqual(r.effects, { cancelSop: true });
    assert.deepEqual(r.change, {
      events: [
        {
          type: 'resolved',
          actor: 'api_key:3',
          data: {
            by: 'staff key',
            resolution: 'fixed',
            rootCause: 'seal',
            downtimeMinutes: 25,
            cancelledTasks: 1,
          },
          idempotencyKey: 'case-7:s5:resolved',
        },
      ],
      fields: {
        status: 'resolved',
        resolvedAt: NOW,
        resolvedBy: 'api_key:3',
        resolution: 'fixed',
        rootCause: 'seal',
        downtimeMinutes: 25,
        currentStep: null,
      },
      tasks: [{ taskId: 10, status: 'cancelled', doneAt: NOW }],
    });
  });

  it('refuses a case that is not active', () => {
    refused(
      t.resolve(state({ status: 'resolved' }), { actor: staff, resolution: 'x' }, ctx()),
      /only an open or/,
    );
  });

  it('with onlyAsAssignee, takes only someone who holds (or answered) a task of the case', () => {
    applied(t.resolve(twoTasks(), { actor: person(1), resolution: 'x', onlyAsAssignee: true }, ctx()));
    refused(
      t.resolve(twoTasks(), { actor: person(2), resolution: 'x', onlyAsAssignee: true }, ctx()),
      /Person 2/,
    );
    // The planner who answered "keep the plan" may still resolve when the order catches up.
    const answered = state({ tasks: [task('repair', { status: 'done' })] });
    applied(t.resolve(answered, { actor: person(1), resolution: 'x', onlyAsAssignee: true }, ctx()));
    // Once the task was moved to someone else, the earlier holder may not.
    const moved = state({
      tasks: [task('repair', { personId: 9, assignees: [{ personId: 9, name: 'P9' }], authorised: [9] })],
    });
    refused(t.resolve(moved, { actor: person(1), resolution: 'x', onlyAsAssignee: true }, ctx()), /any more/);
  });
});

describe('authority from a message', () => {
  it('stays with everyone paged for a task when it escalates, and moves on reassignment', () => {
    const escalated = task('repair', { assignees: [{ personId: 5, name: 'P5' }], authorised: [1, 5] });
    assert.ok(t.isAssignee(escalated, person(1)), 'the first level keeps the task');
    assert.ok(t.isAssignee(escalated, person(5)));
    assert.ok(!t.isAssignee(escalated, person(2)));
    assert.ok(!t.isAssignee(escalated, staff), 'only people act from messages');
  });
});

describe('close', () => {
  const resolved = (facts = {}) =>
    frozen(state({ status: 'resolved', resolvedAt: NOW, facts: { resolution: 'r', ...facts } }));

  it('closes a resolved case, adding the closure facts', () => {
    const r = applied(
      t.close(resolved(), { actor: staff, rootCause: 'seal', downtimeMinutes: 5, note: 'ok' }, ctx()),
    );
    assert.deepEqual([r.state.status, r.state.closedAt], ['closed', NOW]);
    assert.deepEqual(r.state.facts, { resolution: 'r', rootCause: 'seal', downtimeMinutes: 5 });
    assert.deepEqual(r.change?.fields, {
      status: 'closed',
      closedAt: NOW,
      rootCause: 'seal',
      downtimeMinutes: 5,
    });
    assert.deepEqual(r.change?.events[0]?.data, {
      by: 'staff key',
      rootCause: 'seal',
      downtimeMinutes: 5,
      note: 'ok',
    });
  });

  it('takes closure facts recorded at resolve', () => {
    applied(t.close(resolved({ rootCause: 'seal', downtimeMinutes: 0 }), { actor: staff }, ctx()));
  });

  it('refuses a case not resolved, and one missing what its type needs', () => {
    refused(t.close(state(), { actor: staff }, ctx()), /must be resolved before/);
    refused(
      t.close(resolved(), { actor: staff, rootCause: 'seal' }, ctx()),
      /equipment_fault case needs downtimeMinutes$/,
    );
    refused(t.close(resolved(), { actor: staff }, ctx()), /needs rootCause and downtimeMinutes/);
    refused(
      t.close(resolved(), { actor: staff }, ctx({ type: 'quality_failure' })),
      /rootCause and correctiveAction/,
    );
    applied(t.close(resolved(), { actor: staff }, ctx({ type: 'order_delay' })));
  });
});

describe('cancel', () => {
  it('cancels an active case with its open tasks, and ends the SOP', () => {
    const r = applied(t.cancel(twoTasks(), { actor: staff, reason: 'false alarm' }, ctx()));
    assert.equal(r.state.status, 'cancelled');
    assert.deepEqual(r.effects, { cancelSop: true });
    assert.deepEqual(r.change?.fields, {
      status: 'cancelled',
      cancelledAt: NOW,
      cancelReason: 'false alarm',
      currentStep: null,
    });
    assert.equal(r.change?.tasks?.length, 2);
  });

  it('cancels a resolved case', () => {
    applied(t.cancel(state({ status: 'resolved' }), { actor: staff, reason: 'dup' }, ctx()));
  });

  it('refuses a closed or cancelled case', () => {
    refused(
      t.cancel(state({ status: 'closed' }), { actor: staff, reason: 'x' }, ctx()),
      /case is closed; it cannot be cancelled/,
    );
    refused(t.cancel(state({ status: 'cancelled' }), { actor: staff, reason: 'x' }, ctx()), /cancelled/);
  });
});

describe('reopen', () => {
  const closed = (closedAt: string) =>
    frozen(state({ status: 'closed', closedAt, resolvedAt: closedAt, reopenCount: 1 }));

  it('reopens within the window, into the next episode', () => {
    const r = applied(t.reopen(closed('2030-01-07T07:30:00.000Z'), { actor: staff, reason: 'again' }, ctx()));
    assert.deepEqual(
      [r.state.status, r.state.reopenCount, r.state.reopenReason, r.state.closedAt, r.state.resolvedAt],
      ['open', 2, 'again', null, null],
    );
    assert.deepEqual(r.change?.events[0]?.data, { by: 'staff key', reason: 'again', episode: 1 });
    assert.equal(r.change?.fields?.reopenCount, 2);
  });

  it('refuses after the window, and a case not resolved or closed', () => {
    refused(
      t.reopen(closed('2030-01-07T06:59:59.000Z'), { actor: staff, reason: 'x' }, ctx()),
      /window has passed/,
    );
    refused(
      t.reopen(state(), { actor: staff, reason: 'x' }, ctx()),
      /case is open; only a resolved or closed/,
    );
  });
});

describe('mesEvent', () => {
  it('resolves the case on a clearing event, recording the event first', () => {
    const r = applied(
      t.mesEvent(twoTasks(), { actor: mes, kind: 'equipment_running', data: { downtimeMinutes: 12 } }, ctx()),
    );
    assert.equal(r.state.cleared, true);
    assert.equal(r.state.status, 'resolved');
    assert.deepEqual(
      r.change?.events.map((e) => [e.type, e.actor, e.idempotencyKey]),
      [
        ['mes_event', 'mes:1', 'case-7:s5:mes:equipment_running'],
        ['resolved', 'system', 'case-7:s6:resolved'],
      ],
    );
    assert.deepEqual(r.change?.events[1]?.data, {
      by: 'MES',
      resolution: 'cleared by MES: equipment_running',
      downtimeMinutes: 12,
      cancelledTasks: 2,
    });
  });

  it('only records progress, and a clearing event on a case no longer active', () => {
    const p = applied(t.mesEvent(twoTasks(), { actor: mes, kind: 'progress', data: { pct: 50 } }, ctx()));
    assert.deepEqual(p.change, {
      events: [
        {
          type: 'mes_event',
          actor: 'mes:1',
          data: { kind: 'progress', data: { pct: 50 } },
          idempotencyKey: 'case-7:s5:mes:progress',
        },
      ],
    });
    const late = applied(t.mesEvent(state({ status: 'resolved' }), { actor: mes, kind: 'cleared' }, ctx()));
    assert.equal(late.state.status, 'resolved');
    assert.deepEqual(late.effects, {});
  });

  it('refuses an event the type does not take, and a cancelled case', () => {
    refused(
      t.mesEvent(state(), { actor: mes, kind: 'material_received' }, ctx()),
      /does not take MES event material_received/,
    );
    refused(t.mesEvent(state({ status: 'cancelled' }), { actor: mes, kind: 'progress' }, ctx()), /cancelled/);
  });
});

describe('main-flow changes', () => {
  it('marks a step once: recorded with the episode key, then only shown', () => {
    const r = applied(t.markStep(state(), { name: 'reschedule' }, ctx()));
    assert.equal(r.state.journal['step:reschedule'], true);
    assert.deepEqual(r.change, {
      events: [
        {
          type: 'sop_step',
          actor: 'system',
          data: { step: 'reschedule' },
          idempotencyKey: 'case-7:e0:step:reschedule',
        },
      ],
      fields: { currentStep: 'reschedule' },
    });
    const again = applied(t.markStep(state({ step: 'x', episode: 1 }), { name: 'repair' }, ctx()));
    assert.deepEqual([again.state.step, again.change], ['repair', null]);
  });

  it('records an SLA breach once, only while the case is active', () => {
    const r = applied(t.breachSla(state(), { top: LADDER[1]! }, ctx()));
    assert.equal(r.state.slaBreached, true);
    assert.deepEqual(r.change?.events[0], {
      type: 'sla_breached',
      actor: 'system',
      data: { deadline: '2030-01-07T12:00:00.000Z', escalatedTo: 1, role: 'supervisor' },
      idempotencyKey: 'case-7:e0:sla-breached',
    });
    refused(t.breachSla(state({ slaBreached: true }), { top: LADDER[1]! }, ctx()), /no SLA breach/);
    refused(t.breachSla(state({ status: 'resolved' }), { top: LADDER[1]! }, ctx()), /no SLA breach/);
  });

  it('resolves by the SOP as Andon, unless the case is no longer active', () => {
    const r = applied(t.resolveBySop(twoTasks(), { resolution: 'done' }, ctx()));
    assert.deepEqual([r.change?.events[0]?.actor, r.change?.fields?.resolvedBy], ['system', 'system']);
    refused(t.resolveBySop(state({ status: 'cancelled' }), { resolution: 'done' }, ctx()), /moot/);
  });

  it('records a failed SOP at its step', () => {
    const r = applied(t.sopFailed(state(), { error: 'ERP down' }, ctx()));
    assert.deepEqual(r.change?.events[0], {
      type: 'sop_failed',
      actor: 'system',
      data: { step: 'repair', error: 'ERP down' },
      idempotencyKey: 'case-7:e0:sop-failed',
    });
  });
});
