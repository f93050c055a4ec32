/**
 * Worker tuning and database pool settings (issue 16): defaults sized for a small machine, values
 * checked alone and against each other at start-up, and a wrong one refused by the real entry
 * point with a sentence naming it (exit 2).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { loadConfig } from '../lib/config.js';
import { workerTuningOf } from '../lib/worker-tuning.js';

const refusal = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  assert.fail('the configuration was accepted');
};

describe('worker tuning settings', () => {
  it('default to slots for two cores, a pool of 20, eager start on, the SDK-sized cache', () => {
    const config = loadConfig({});
    assert.deepEqual(workerTuningOf(config), {
      maxActivities: 100,
      maxWorkflowTasks: 40,
      maxLocalActivities: 100,
      pollers: 10,
    });
    assert.equal(config.ANDON_DB_POOL_MAX, 20);
    assert.equal(config.ANDON_EAGER_START, true);
  });

  it('take the values given (empty means the default)', () => {
    const config = loadConfig({
      ANDON_WORKER_MAX_ACTIVITIES: '50',
      ANDON_WORKER_MAX_WORKFLOW_TASKS: '8',
      ANDON_WORKER_MAX_LOCAL_ACTIVITIES: '',
      ANDON_WORKER_POLLERS: '4',
      ANDON_WORKER_MAX_CACHED_WORKFLOWS: '0',
      ANDON_WORKER_WORKFLOW_THREADS: '2',
      ANDON_DB_POOL_MAX: '40',
      ANDON_EAGER_START: 'false',
    });
    assert.deepEqual(workerTuningOf(config), {
      maxActivities: 50,
      maxWorkflowTasks: 8,
      maxLocalActivities: 100,
      pollers: 4,
      maxCachedWorkflows: 0,
      workflowThreads: 2,
    });
    assert.equal(config.ANDON_DB_POOL_MAX, 40);
    assert.equal(config.ANDON_EAGER_START, false);
  });

  it('refuse values out of range, naming the setting', () => {
    assert.match(refusal({ ANDON_WORKER_MAX_ACTIVITIES: '0' }), /ANDON_WORKER_MAX_ACTIVITIES/);
    assert.match(refusal({ ANDON_WORKER_MAX_WORKFLOW_TASKS: '1' }), /ANDON_WORKER_MAX_WORKFLOW_TASKS/);
    assert.match(refusal({ ANDON_WORKER_MAX_LOCAL_ACTIVITIES: 'many' }), /ANDON_WORKER_MAX_LOCAL_ACTIVITIES/);
    assert.match(refusal({ ANDON_WORKER_POLLERS: '1' }), /ANDON_WORKER_POLLERS/);
    assert.match(refusal({ ANDON_DB_POOL_MAX: '1' }), /ANDON_DB_POOL_MAX/);
    assert.match(refusal({ ANDON_WORKER_WORKFLOW_THREADS: '0' }), /ANDON_WORKER_WORKFLOW_THREADS/);
    assert.match(refusal({ ANDON_EAGER_START: 'yes' }), /ANDON_EAGER_START: must be true or false/);
  });

  it('refuse settings that contradict each other', () => {
    assert.match(
      refusal({ ANDON_WORKER_POLLERS: '20', ANDON_WORKER_MAX_WORKFLOW_TASKS: '10' }),
      /ANDON_WORKER_POLLERS: 20 pollers need at least as many workflow task slots/,
    );
    assert.match(
      refusal({ ANDON_WORKER_MAX_CACHED_WORKFLOWS: '1' }),
      /ANDON_WORKER_MAX_CACHED_WORKFLOWS: must be 0 \(no cache\) or at least 2/,
    );
  });

  it('a wrong value stops the worker entry point with the reason (exit 2)', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bin/worker.ts'], {
      env: { PATH: process.env.PATH ?? '', ANDON_WORKER_POLLERS: '50' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /could not start: .*ANDON_WORKER_POLLERS: 50 pollers need/s);
  });
});
