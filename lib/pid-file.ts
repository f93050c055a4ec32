/**
 * Pid files for the servers `npm start` runs as child processes (PostgreSQL keeps its own): a run
 * killed with SIGKILL cannot stop its children, so the next run stops what the last one left.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { StartupError } from './startup-errors.js';

function alive(pid: number, program: string): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // The pid may have been reused since: only a process of that program is ours to stop.
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(program);
  } catch {
    return process.platform !== 'linux';
  }
}

/** Stops the process a pid file names, if it still runs `program`; then removes the file. */
export async function stopLeftover(
  pidFile: string,
  program: string,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
  if (Number.isInteger(pid) && pid > 0 && alive(pid, program)) {
    process.kill(pid, signal);
    for (let i = 0; i < 300 && alive(pid, program); i++) await new Promise((r) => setTimeout(r, 100));
    if (alive(pid, program))
      throw new StartupError(
        `${program} from an earlier run (pid ${pid}) is still running: stop it (kill ${pid}) and start again.`,
      );
  }
  rmSync(pidFile, { force: true });
}

/**
 * Stops the child if this process exits first (an error, Ctrl-C while still starting): node's
 * children outlive it otherwise. Only SIGKILL of this process can still leave one behind — for that
 * there are the pid files.
 */
export function stopWithParent(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): void {
  const onExit = (): void => {
    child.kill(signal);
  };
  process.once('exit', onExit);
  child.once('exit', () => process.off('exit', onExit));
}

export function writePidFile(pidFile: string, pid: number | undefined): void {
  if (pid) writeFileSync(pidFile, `${pid}\n`);
}
