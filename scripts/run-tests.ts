/**
 * `npm test` — the whole suite, provisioning what it needs:
 *   1. type-check and lint (a failure stops the run);
 *   2. the Temporal CLI (found or built once, see scripts/temporal-cli.ts) and one dev server for the run,
 *      with a namespace per test file;
 *   3. PostgreSQL: $TEST_PG_ADMIN_URL, else the local server on 127.0.0.1:5432, else an embedded one;
 *      every test file makes (and drops) its own database;
 *   4. the workflow bundle, built once and shared by every test file's worker;
 *   5. node's test runner over test/**\/*.test.ts, then a closing line `N passed, N failed`.
 * Pass file paths to run only those: `npm test -- test/api.test.ts`. `test/cluster/` (minutes long, a
 * real Temporal server and several processes) runs only as `npm run test:cluster`; `test/faults/`
 * (minutes long, processes killed and servers stopped) only as `npm run test:faults`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import pg from 'pg';
import { startEmbeddedPostgres } from '../lib/embedded-postgres.js';
import { freePort, startDevServer } from '../lib/temporal-dev-server.js';
import { workflowsPath } from '../lib/worker.js';
import { testNamespace } from '../test/helpers/namespace.js';
import { ensureChromium } from './chromium.js';
import { ensureTemporalCli } from './temporal-cli.js';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env });
    child.on('error', fail);
    child.on('exit', (code, signal) => ok(code ?? (signal ? 1 : 0)));
  });
}

function findTests(dir: string, skip: string[] = []): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? skip.includes(join(dir, e.name))
          ? []
          : findTests(join(dir, e.name), skip)
        : e.name.endsWith('.test.ts')
          ? [join(dir, e.name)]
          : [],
    )
    .sort();
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function main(): Promise<number> {
  const started = Date.now();
  const cluster = process.argv.includes('--cluster');
  const faults = process.argv.includes('--faults');
  const only = process.argv
    .slice(2)
    .filter((a) => a !== '--cluster' && a !== '--faults')
    .map((f) => resolve(f));
  const clusterDir = join(root, 'test', 'cluster');
  const faultsDir = join(root, 'test', 'faults');
  const files =
    only.length > 0
      ? only
      : cluster
        ? findTests(clusterDir)
        : faults
          ? findTests(faultsDir)
          : findTests(join(root, 'test'), [clusterDir, faultsDir]);
  const cleanups: Array<() => void | Promise<void>> = [];
  const work = mkdtempSync(join(tmpdir(), 'andon-test-'));
  cleanups.push(() => rmSync(work, { recursive: true, force: true }));

  try {
    if (only.length === 0 && !cluster && !faults) {
      console.log('» type-check');
      if ((await run('npx', ['tsc', '--noEmit'])) !== 0) return fail('type-check failed');
      console.log('» lint');
      if ((await run('npx', ['eslint', '.'])) !== 0) return fail('lint failed');
      if ((await run('npx', ['prettier', '--check', '--log-level', 'warn', '.'])) !== 0)
        return fail('formatting check failed');
    }

    console.log('» Temporal dev server');
    const cli = await ensureTemporalCli((m) => console.log(m));
    const temporal = await startDevServer({
      cli,
      port: await freePort(),
      uiPort: null,
      dbFile: null,
      namespaces: files.map((f) => testNamespace(f)),
    });
    cleanups.push(() => temporal.stop());

    // Browser tests (those that ask for Chromium): install it and the CJK font before the run.
    if (files.some((f) => readFileSync(f, 'utf8').includes('ensureChromium('))) {
      console.log('» Chromium');
      ensureChromium((m) => console.log(m));
    }

    console.log('» PostgreSQL');
    let pgAdminUrl = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    if (!(await canConnect(pgAdminUrl))) {
      console.log(`  ${pgAdminUrl} is not reachable: starting an embedded PostgreSQL for this run`);
      const embedded = await startEmbeddedPostgres({
        dataDir: join(work, 'pg'),
        port: await freePort(),
        database: 'postgres',
      });
      cleanups.push(() => embedded.stop());
      pgAdminUrl = embedded.url;
    }

    console.log('» workflow bundle');
    const { code } = await bundleWorkflowCode({
      workflowsPath: workflowsPath(),
      logger: { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} },
    });
    const bundleFile = join(work, 'workflow-bundle.js');
    writeFileSync(bundleFile, code);

    console.log(`» ${files.length} test file(s)`);
    const summaryFile = join(work, 'summary.json');
    const exit = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        '--test',
        // The fault scenarios one at a time: each breaks its own servers, and timing matters to them.
        `--test-concurrency=${faults ? 1 : 2}`,
        '--test-reporter=spec',
        '--test-reporter-destination=stdout',
        `--test-reporter=${join(root, 'scripts', 'summary-reporter.mjs')}`,
        `--test-reporter-destination=${summaryFile}`,
        ...files.map((f) => relative(root, f)),
      ],
      {
        ...process.env,
        ANDON_TEST_TEMPORAL_ADDRESS: temporal.address,
        ANDON_TEST_PG_ADMIN_URL: pgAdminUrl,
        ANDON_TEST_WORKFLOW_BUNDLE: bundleFile,
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      },
    );
    let passed = 0;
    let failed = 0;
    try {
      ({ passed, failed } = JSON.parse(readFileSync(summaryFile, 'utf8')) as {
        passed: number;
        failed: number;
      });
    } catch {
      failed = Math.max(failed, 1);
    }
    if (exit !== 0 && failed === 0) failed = 1; // e.g. a file that crashed before reporting
    console.log(`\n(${Math.round((Date.now() - started) / 1000)} s)`);
    console.log(`${passed} passed, ${failed} failed`);
    return failed === 0 && exit === 0 ? 0 : 1;
  } finally {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch (err) {
        console.error('cleanup:', err);
      }
    }
  }
}

function fail(why: string): number {
  console.log(`\n${why}`);
  console.log('0 passed, 1 failed');
  return 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
