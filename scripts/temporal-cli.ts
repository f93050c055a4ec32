/**
 * Finds or builds the Temporal CLI (dev server with embedded SQLite and web UI), in this order:
 *   1. $TEMPORAL_CLI                       — an explicit path
 *   2. `temporal` on $PATH
 *   3. the cached build in .tools/         — git-ignored (override with $ANDON_TOOLS_DIR)
 *   4. `go install github.com/temporalio/cli/cmd/temporal@v1.5.1` into that cache
 * Idempotent and safe to run from several processes at once. Run directly: `npm run provision:temporal`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Later tags carry `replace` directives and fail under `go install`. */
export const TEMPORAL_CLI_VERSION = '1.5.1';
const MODULE = `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`;
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const isExecutable = (p: string): boolean => {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return null;
}

export function cacheDir(): string {
  return resolve(process.env.ANDON_TOOLS_DIR ?? join(repoRoot, '.tools'), `temporal-${TEMPORAL_CLI_VERSION}`);
}

function goAvailable(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** Returns the path of a working Temporal CLI, building it with Go the first time. */
export async function ensureTemporalCli(
  log: (msg: string) => void = (m) => console.error(m),
): Promise<string> {
  const explicit = process.env.TEMPORAL_CLI;
  if (explicit) {
    if (!isExecutable(explicit)) throw new Error(`TEMPORAL_CLI=${explicit} is not an executable file`);
    return explicit;
  }
  const fromPath = onPath('temporal');
  if (fromPath) return fromPath;

  const dir = cacheDir();
  const binary = join(dir, 'temporal');
  if (isExecutable(binary)) return binary;

  if (!goAvailable()) {
    throw new Error(
      [
        'The Temporal CLI was not found and Go is not installed to build it.',
        '  Either install Go 1.22+ (https://go.dev/doc/install, or `apt-get install golang`) and run again,',
        '  or point TEMPORAL_CLI at a temporal binary,',
        '  or set TEMPORAL_ADDRESS to an existing Temporal server (then no local server is started).',
      ].join('\n'),
    );
  }

  // One builder at a time: the others wait for its result.
  mkdirSync(dirname(dir), { recursive: true });
  const lock = `${dir}.lock`;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (isExecutable(binary)) return binary;
      // A lock older than 20 minutes belongs to a builder that died.
      if (Date.now() - statSync(lock).mtimeMs > 20 * 60_000) rmSync(lock, { recursive: true, force: true });
      await sleep(1000);
    }
  }
  try {
    if (isExecutable(binary)) return binary;
    const staging = `${dir}.building`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    log(
      `Building the Temporal CLI v${TEMPORAL_CLI_VERSION} with Go into ${dir} (first time only; a few minutes)…`,
    );
    const started = Date.now();
    await new Promise<void>((ok, fail) => {
      const child = spawn('go', ['install', MODULE], {
        env: { ...process.env, GOBIN: staging, CGO_ENABLED: process.env.CGO_ENABLED ?? '0' },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      child.on('error', fail);
      child.on('exit', (code) =>
        code === 0 ? ok() : fail(new Error(`go install ${MODULE} exited with ${code}`)),
      );
    });
    if (!existsSync(join(staging, 'temporal')))
      throw new Error(`go install did not produce ${join(staging, 'temporal')}`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
    log(`Temporal CLI ready in ${Math.round((Date.now() - started) / 1000)} s: ${binary}`);
    return binary;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureTemporalCli()
    .then((p) => console.log(p))
    .catch((err: Error) => {
      console.error(err.message);
      process.exit(1);
    });
}
