/** The header every bench prints: what ran, on what machine, how loaded it was when it started. */
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { log } from './stats.js';

export function header(name: string, what: string, params: Record<string, unknown>): void {
  const gib = (totalmem() / 2 ** 30).toFixed(1);
  log(`bench ${name} — ${new Date().toISOString()}`);
  log(
    `  machine: ${availableParallelism()} CPUs (${cpus()[0]?.model ?? 'unknown CPU'}), ${gib} GiB, ` +
      `Node ${process.version}, load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  log(`  Temporal: ${what}; Andon: bin/start.ts in its own process (API + worker, as npm start)`);
  log(
    `  ${Object.entries(params)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join('  ')}`,
  );
}

/** Bytes as MiB. */
export const mib = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MiB`;
