/** Shared start-up for the separate production processes (api, worker). */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig, type Config } from '../lib/config.js';
import { createLogger, type Logger } from '../lib/logger.js';

export function boot(
  name: string,
  required: ReadonlyArray<keyof Config>,
): { config: Config; logger: Logger } {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  const missing = required.filter((k) => config[k] === undefined);
  if (missing.length > 0) {
    console.error(
      `andon ${name}: set ${missing.join(', ')} (npm start runs everything with embedded defaults instead)`,
    );
    process.exit(2);
  }
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  return { config, logger: createLogger(config.LOG_LEVEL) };
}

/** Runs `stop` once on SIGINT/SIGTERM, then exits. */
export function onShutdown(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'stopping');
      stop().then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'error while stopping');
          process.exit(1);
        },
      );
    });
  }
}
