/** The Temporal CLI provisioning script: the order it looks in, and what it says when it cannot. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TEMPORAL_CLI_VERSION } from '../scripts/temporal-cli.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'andon-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function provision(env: Record<string, string>): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/temporal-cli.ts'], {
    cwd: root,
    env: { HOME: process.env.HOME ?? '/root', ...env },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout.trim(), stderr: r.stderr };
}

function fakeBinary(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const p = join(dir, 'temporal');
  writeFileSync(p, '#!/bin/sh\necho fake\n');
  chmodSync(p, 0o755);
  return p;
}

describe('Temporal CLI provisioning', () => {
  it('uses TEMPORAL_CLI first, and refuses one that is not executable', () => {
    const explicit = fakeBinary(join(scratch, 'explicit'));
    assert.deepEqual(provision({ PATH: '', TEMPORAL_CLI: explicit }).stdout, explicit);
    const bad = provision({ PATH: '', TEMPORAL_CLI: join(scratch, 'nope') });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /is not an executable file/);
  });

  it('then `temporal` on PATH, then the cached build', () => {
    const onPath = fakeBinary(join(scratch, 'bin'));
    const tools = join(scratch, 'tools');
    const cached = fakeBinary(join(tools, `temporal-${TEMPORAL_CLI_VERSION}`));
    assert.equal(provision({ PATH: join(scratch, 'bin'), ANDON_TOOLS_DIR: tools }).stdout, onPath);
    assert.equal(provision({ PATH: '', ANDON_TOOLS_DIR: tools }).stdout, cached);
  });

  it('explains what to do when neither the CLI nor Go is there', () => {
    const r = provision({ PATH: '', ANDON_TOOLS_DIR: join(scratch, 'empty') });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Go is not installed/);
    assert.match(r.stderr, /TEMPORAL_ADDRESS/);
  });
});
