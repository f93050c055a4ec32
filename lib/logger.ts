import { pino, type Logger as PinoLogger } from 'pino';
import { logContext } from './log-context.js';

export type Logger = PinoLogger;

/** JSON lines; each carries the case id (and activity) of the work it was written for, if any. */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { service: 'andon' }, mixin: () => ({ ...logContext.getStore() }) });
}
