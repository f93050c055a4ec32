/** Keeps the report rollup's time zone equal to the plant's (a change rebuilds the rollup once). */
import type { Db } from './index.js';
import { reportTimeZone, setReportTimeZone } from './reports.js';

/** What this needs of a logger (pino's fits), so db/ imports nothing from lib/. */
interface InfoLog {
  info(fields: object, message: string): void;
}

export async function applyPlantTimeZone(db: Db, timeZone: string, logger: InfoLog): Promise<void> {
  if ((await reportTimeZone(db)) === timeZone) return;
  logger.info({ timeZone }, 'report days now count in the plant time zone: rebuilding the report rollup');
  await setReportTimeZone(db, timeZone);
}
