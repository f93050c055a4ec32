/**
 * Finds or builds the Temporal CLI (dev server with embedded SQLite and web UI), in this order:
 *   1. $TEMPORAL_CLI                       — an explicit path
 *   2. `temporal` on $PATH
 *   3. the build in the per-machine tools cache (scripts/tools-cache.ts: $ANDON_TOOLS_DIR, else
 *      /var/cache/andon as root, else ~/.cache/andon), or in a clone's old `.tools/`
 *   4. `go install github.com/temporalio/cli/cmd/temporal@v1.5.1` into that cache
 * Idempotent and safe to run from several processes at once. Run directly: `npm run provision:temporal`.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goAvailable, goInstallCached, isExecutable, onPath, toolsDir } from './tools-cache.js';

/** Later tags carry `replace` directives and fail under `go install`. */
export const TEMPORAL_CLI_VERSION = '1.5.1';
const MODULE = `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`;
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function cacheDir(): string {
  return join(toolsDir(), `temporal-${TEMPORAL_CLI_VERSION}`);
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

  const binary = join(cacheDir(), 'temporal');
  if (isExecutable(binary)) return binary;
  // Clones from before the per-machine cache kept their build in .tools/.
  const legacy = join(repoRoot, '.tools', `temporal-${TEMPORAL_CLI_VERSION}`, 'temporal');
  if (!process.env.ANDON_TOOLS_DIR && isExecutable(legacy)) return legacy;

  if (!goAvailable()) {
    throw new Error(
      [
        'The Temporal CLI was not found and Go is not installed to build it.',
        '  Either install Go 1.23+ (https://go.dev/doc/install, or `apt-get install golang`) and run again,',
        '  or point TEMPORAL_CLI at a temporal binary,',
        '  or set TEMPORAL_ADDRESS to an existing Temporal server (then no local server is started).',
      ].join('\n'),
    );
  }
  const dir = await goInstallCached(
    {
      dir: cacheDir(),
      packages: [MODULE],
      binaries: { temporal: 'temporal' },
      what: `the Temporal CLI v${TEMPORAL_CLI_VERSION}`,
    },
    log,
  );
  return join(dir, 'temporal');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureTemporalCli()
    .then((p) => console.log(p))
    .catch((err: Error) => {
      console.error(err.message);
      process.exit(1);
    });
}
