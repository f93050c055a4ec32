/**
 * The per-machine cache of tools Andon builds with Go (the Temporal CLI, the Temporal server and its
 * schema tool), outside any clone so that a fresh clone — a CI checkout, a second worktree — finds
 * them built:
 *   $ANDON_TOOLS_DIR, else /var/cache/andon as root, else $XDG_CACHE_HOME/andon (~/.cache/andon).
 * A build happens once per version: one process builds under a lock directory while the others
 * wait for its result, and the finished folder appears at once (renamed from a staging folder).
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';

export const isExecutable = (p: string): boolean => {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

export function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return null;
}

export function toolsDir(): string {
  if (process.env.ANDON_TOOLS_DIR) return resolve(process.env.ANDON_TOOLS_DIR);
  if (process.getuid?.() === 0) return '/var/cache/andon';
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'andon');
}

export function goAvailable(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface GoBuild {
  /** The cache folder the binaries end up in, e.g. <tools>/temporal-server-1.29.1. */
  dir: string;
  /** Package paths with their version, e.g. go.temporal.io/server/cmd/server@v1.29.1. */
  packages: string[];
  /** Binary names `go install` produces, and the names they are kept under in `dir`. */
  binaries: Record<string, string>;
  /** What is built, for the log ("the Temporal server v1.29.1"). */
  what: string;
  /** A lock not touched for this long belongs to a builder that died (default two minutes). */
  staleLockMs?: number;
}

/** Returns `dir` once every binary is in it, building them with `go install` the first time. */
export async function goInstallCached(b: GoBuild, log: (m: string) => void): Promise<string> {
  const kept = Object.values(b.binaries);
  const complete = (): boolean => kept.every((name) => isExecutable(join(b.dir, name)));
  if (complete()) return b.dir;
  if (!goAvailable())
    throw new Error(
      `${b.what} is not built yet and Go is not installed to build it: install Go 1.23+ (https://go.dev/doc/install) and run again.`,
    );

  mkdirSync(dirname(b.dir), { recursive: true });
  const lock = `${b.dir}.lock`;
  const staleMs = b.staleLockMs ?? 120_000;
  let waitingSaid = false;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (complete()) return b.dir;
      try {
        if (Date.now() - statSync(lock).mtimeMs > staleMs) rmSync(lock, { recursive: true, force: true });
      } catch {
        // the lock went away meanwhile: try again
      }
      if (!waitingSaid) log(`Waiting for another process that is building ${b.what}…`);
      waitingSaid = true;
      await sleep(1000);
    }
  }
  // The builder touches its lock while it works: waiters take over only from one that died.
  const heartbeat = setInterval(() => {
    const now = new Date();
    try {
      utimesSync(lock, now, now);
    } catch {
      // gone: the finally below is running
    }
  }, 20_000);
  heartbeat.unref();
  try {
    if (complete()) return b.dir;
    const staging = `${b.dir}.building-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    log(`Building ${b.what} with Go into ${b.dir} (first time only; this takes several minutes)…`);
    const started = Date.now();
    await new Promise<void>((ok, fail) => {
      const child = spawn('go', ['install', ...b.packages], {
        env: { ...process.env, GOBIN: staging, CGO_ENABLED: process.env.CGO_ENABLED ?? '0' },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      child.on('error', fail);
      child.on('exit', (code) =>
        code === 0 ? ok() : fail(new Error(`go install ${b.packages.join(' ')} exited with ${code}`)),
      );
    });
    for (const [built, name] of Object.entries(b.binaries)) {
      if (!existsSync(join(staging, built))) throw new Error(`go install did not produce ${built}`);
      if (built !== name) renameSync(join(staging, built), join(staging, name));
    }
    rmSync(b.dir, { recursive: true, force: true });
    renameSync(staging, b.dir);
    log(`${b.what} built in ${Math.round((Date.now() - started) / 1000)} s: ${b.dir}`);
    return b.dir;
  } finally {
    clearInterval(heartbeat);
    rmSync(lock, { recursive: true, force: true });
  }
}
