/** Percentiles, a concurrency pool that times each call, and the one-line report formats of the benches. */
import { performance } from 'node:perf_hooks';

export interface Summary {
  n: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles (the same rule as bench/reports.bench.ts). */
export function summarise(values: readonly number[]): Summary {
  if (values.length === 0) return { n: 0, p50: NaN, p99: NaN, max: NaN, mean: NaN };
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number): number => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
  return {
    n: s.length,
    p50: at(0.5),
    p99: at(0.99),
    max: s[s.length - 1]!,
    mean: s.reduce((a, b) => a + b) / s.length,
  };
}

export interface PoolResult<T> {
  /** Wall time from the first call to the last answer. */
  wallMs: number;
  /** Calls answered per second over the wall time. */
  perSecond: number;
  latencies: Summary;
  results: T[];
  /** performance.timeOrigin-relative start of each call (Date-comparable: `Date.now()` at start). */
  startedAt: number[];
  errors: number;
  firstError: string | null;
}

/**
 * Runs `count` calls, at most `concurrency` at a time, timing each. A call that throws counts as an
 * error (its result is left out); the run goes on so one refusal does not hide the others' figures.
 */
export async function pool<T>(
  count: number,
  concurrency: number,
  call: (i: number) => Promise<T>,
): Promise<PoolResult<T>> {
  const latencies: number[] = [];
  const results: T[] = [];
  const startedAt: number[] = new Array<number>(count).fill(NaN);
  let next = 0;
  let errors = 0;
  let firstError: string | null = null;
  const t0 = performance.now();
  const lane = async (): Promise<void> => {
    for (let i = next++; i < count; i = next++) {
      startedAt[i] = Date.now();
      const t = performance.now();
      try {
        results[i] = await call(i);
        latencies.push(performance.now() - t);
      } catch (err) {
        errors++;
        firstError ??= (err as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  const wallMs = performance.now() - t0;
  return {
    wallMs,
    perSecond: (latencies.length * 1000) / wallMs,
    latencies: summarise(latencies),
    results,
    startedAt,
    errors,
    firstError,
  };
}

export const log = (s: string): void => console.log(s);
export const ms = (x: number): string =>
  Number.isFinite(x) ? `${x < 10_000 ? x.toFixed(1) : Math.round(x).toLocaleString('en')} ms` : '—';
export const fmt = (s: Summary): string => `n=${s.n} p50 ${ms(s.p50)}  p99 ${ms(s.p99)}  max ${ms(s.max)}`;
export const ratio = (x: number, base: number): string => `${(x / base).toFixed(2)}×`;

/** The verdicts of a run; printed at the end, and the exit code says whether every goal was met. */
export class Goals {
  private lines: string[] = [];
  private missed = 0;

  check(what: string, met: boolean, detail: string): void {
    if (!met) this.missed++;
    this.lines.push(`  ${met ? 'PASS' : 'MISS'}  ${what}: ${detail}`);
  }

  print(): void {
    log('\ngoals');
    for (const l of this.lines) log(l);
    // A missed goal is a finding, not a crash: exit 3 tells a script apart from a failure (1).
    if (this.missed > 0 && process.exitCode === undefined) process.exitCode = 3;
  }
}

/** Resolves when `check` gives a value, polling every `everyMs`; rejects after `timeoutMs`. */
export async function until<T>(
  what: string,
  check: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
  everyMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
