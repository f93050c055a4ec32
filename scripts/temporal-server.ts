/**
 * Finds or builds a real Temporal server and its SQL schema tool (for `npm run start:cluster` and the
 * scale-out test), in the per-machine tools cache (scripts/tools-cache.ts):
 *   `go install go.temporal.io/server/cmd/server@v1.29.1 go.temporal.io/server/cmd/tools/sql@v1.29.1`
 * kept as `temporal-server` and `temporal-sql-tool` in <tools>/temporal-server-1.29.1/, next to the
 * files of the same module that provisioning reads: its `config/development-postgres12.yaml`, its
 * dynamic config and its PostgreSQL schemas (`schema/postgresql/v12/`), copied from the Go module
 * cache (`go env GOMODCACHE`) so a machine without Go can use the cache later.
 * Run directly: `npm run provision:temporal-server` (prints the cache folder).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goAvailable, goInstallCached, isExecutable, toolsDir } from './tools-cache.js';

export const TEMPORAL_SERVER_VERSION = '1.29.1';
const MODULE = `go.temporal.io/server@v${TEMPORAL_SERVER_VERSION}`;

/** The files of Temporal's module that provisioning reads (relative to the module's root). */
export const MODULE_FILES = {
  config: 'config/development-postgres12.yaml',
  dynamicConfig: 'config/dynamicconfig/development-sql.yaml',
  schema: 'schema/postgresql/v12',
  /** The config template of the temporalio/server image (test/compose.test.ts checks our env names). */
  dockerConfig: 'config/docker.yaml',
} as const;

export interface TemporalServerTools {
  server: string;
  sqlTool: string;
  /** A folder laid out like the module's root, holding MODULE_FILES. */
  moduleDir: string;
}

export function serverCacheDir(): string {
  return join(toolsDir(), `temporal-server-${TEMPORAL_SERVER_VERSION}`);
}

/** Where Go keeps the module's sources: downloaded through the module proxy when missing. */
function goModuleDir(): string {
  const out = execFileSync('go', ['mod', 'download', '-json', MODULE], {
    encoding: 'utf8',
    cwd: toolsDir(),
  });
  const dir = (JSON.parse(out) as { Dir?: string }).Dir;
  if (!dir || !existsSync(join(dir, MODULE_FILES.config)))
    throw new Error(`go mod download ${MODULE} did not give a module folder with ${MODULE_FILES.config}`);
  return dir;
}

/** Copies the module files next to the binaries (the module cache keeps them read-only). */
function copyModuleFiles(dir: string): void {
  const target = join(dir, 'module');
  if (Object.values(MODULE_FILES).every((f) => existsSync(join(target, f)))) return;
  const source = goModuleDir();
  for (const f of Object.values(MODULE_FILES))
    cpSync(join(source, f), join(target, f), { recursive: true, force: true });
  const writable = (p: string): void => {
    chmodSync(p, statSync(p).isDirectory() ? 0o755 : 0o644);
    if (statSync(p).isDirectory()) for (const e of readdirSync(p)) writable(join(p, e));
  };
  writable(target);
}

/** The server, its schema tool and the module's files, building them the first time. */
export async function ensureTemporalServer(
  log: (m: string) => void = (m) => console.error(m),
): Promise<TemporalServerTools> {
  const dir = serverCacheDir();
  const tools = (): TemporalServerTools => ({
    server: join(dir, 'temporal-server'),
    sqlTool: join(dir, 'temporal-sql-tool'),
    moduleDir: join(dir, 'module'),
  });
  const built = isExecutable(tools().server) && isExecutable(tools().sqlTool);
  if (!built && !goAvailable())
    throw new Error(
      `The Temporal server v${TEMPORAL_SERVER_VERSION} is not built in ${dir} and Go is not installed to build it: install Go 1.23+ (https://go.dev/doc/install) and run again, or set TEMPORAL_ADDRESS to a Temporal server you run yourself.`,
    );
  await goInstallCached(
    {
      dir,
      packages: [
        `go.temporal.io/server/cmd/server@v${TEMPORAL_SERVER_VERSION}`,
        `go.temporal.io/server/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`,
      ],
      binaries: { server: 'temporal-server', sql: 'temporal-sql-tool' },
      what: `the Temporal server v${TEMPORAL_SERVER_VERSION} and its schema tool`,
    },
    log,
  );
  if (!Object.values(MODULE_FILES).every((f) => existsSync(join(tools().moduleDir, f)))) {
    if (!goAvailable())
      throw new Error(
        `${join(dir, 'module')} lacks Temporal's config and schema files and Go is not installed to fetch them: install Go and run again.`,
      );
    copyModuleFiles(dir);
  }
  return tools();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureTemporalServer()
    .then((t) => console.log(t.server))
    .catch((err: Error) => {
      console.error(err.message);
      process.exit(1);
    });
}
