/**
 * Where the CPU went during a phase of a benchmark, read from /proc (Linux): Andon's process, the
 * Temporal server, PostgreSQL, the bench itself, and the rest of the machine. On a 2-core machine
 * this is what says what limits a run — measured, not guessed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** USER_HZ: the unit of /proc's CPU times on Linux. */
const TICKS_PER_SECOND = 100;

const PARTS = ['andon', 'temporal', 'postgres', 'bench', 'other'] as const;
type Part = (typeof PARTS)[number];
export type CpuSplit = Record<Part, number> & { used: number };

interface Proc {
  pid: number;
  ppid: number;
  comm: string;
  /** Own user + system ticks; `reaped`: of its children that have exited. */
  own: number;
  reaped: number;
}

function readProcs(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // comm may hold spaces and parentheses: the fields follow the last ')'.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const f = stat.slice(close + 2).split(' ');
      out.push({
        pid: Number(name),
        ppid: Number(f[1]),
        comm,
        own: Number(f[11]) + Number(f[12]),
        reaped: Number(f[13]) + Number(f[14]),
      });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Busy ticks of the whole machine (all CPUs) since boot. */
function machineBusy(): number {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
  return cpu.reduce((a, b) => a + b, 0) - idle;
}

function descendants(procs: Proc[], root: number): Set<number> {
  const tree = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of procs)
      if (!tree.has(p.pid) && tree.has(p.ppid)) {
        tree.add(p.pid);
        grew = true;
      }
  }
  return tree;
}

/** Cumulative CPU seconds per part now; subtract two of them with `cpuBetween`. */
export function cpuNow(andonPid: number): CpuSplit {
  const procs = readProcs();
  const andon = descendants(procs, andonPid);
  const bench = descendants(procs, process.pid);
  const split: CpuSplit = { andon: 0, temporal: 0, postgres: 0, bench: 0, other: 0, used: machineBusy() };
  for (const p of procs) {
    // A process's exited children count with it (PostgreSQL's backends with the postmaster).
    const ticks = p.own + p.reaped;
    const part: Part = andon.has(p.pid)
      ? 'andon'
      : /^temporal/.test(p.comm)
        ? 'temporal'
        : p.comm.startsWith('postgres')
          ? 'postgres'
          : bench.has(p.pid)
            ? 'bench'
            : 'other';
    // Only the top of each tree counts reaped children, or they would count twice.
    split[part] += part === 'andon' && p.pid !== andonPid ? p.own : ticks;
  }
  for (const k of [...PARTS, 'used'] as const) split[k] /= TICKS_PER_SECOND;
  return split;
}

export function cpuBetween(before: CpuSplit, after: CpuSplit): CpuSplit {
  const d = {} as CpuSplit;
  for (const k of [...PARTS, 'used'] as const) d[k] = Math.max(0, after[k] - before[k]);
  // What the machine used beyond the parts named (processes that came and went, the kernel).
  d.other = Math.max(0, d.used - d.andon - d.temporal - d.postgres - d.bench);
  return d;
}

/** One line: CPU seconds per part, and how busy the machine's cores were over the wall time. */
export function formatCpu(d: CpuSplit, wallMs: number): string {
  const cores = availableParallelism();
  const available = (cores * wallMs) / 1000;
  const part = (k: Part): string => `${k} ${d[k].toFixed(1)} s (${((100 * d[k]) / available).toFixed(0)}%)`;
  return (
    `CPU over ${(wallMs / 1000).toFixed(1)} s on ${cores} cores (${available.toFixed(0)} core-s): ` +
    `${PARTS.map(part).join(', ')}; machine busy ${((100 * d.used) / available).toFixed(0)}%`
  );
}
