/** Replays every committed workflow history against the current workflow code. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { workflowsPath } from '../lib/worker.js';
import { HISTORIES_DIR } from './helpers/histories.js';

Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });

const files = readdirSync(HISTORIES_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();
const bundleFile = process.env.ANDON_TEST_WORKFLOW_BUNDLE;
const replayOptions = bundleFile
  ? { workflowBundle: { code: readFileSync(bundleFile, 'utf8') } }
  : { workflowsPath: workflowsPath() };

describe('workflow replay', () => {
  it('has recorded histories to replay', () => {
    assert.ok(files.length > 0, 'no histories under test/histories');
  });

  for (const file of files) {
    it(`replays ${file} deterministically`, async () => {
      const history = historyFromJSON(JSON.parse(readFileSync(new URL(file, HISTORIES_DIR), 'utf8')));
      await Worker.runReplayHistory(replayOptions, history, file.replace(/\.json$/, ''));
    });
  }
});
