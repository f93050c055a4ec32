/** Shared start-up for the separate production processes (api, worker). */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { ErpConfigError, loadErpSettings, type ErpSettings } from '../activities/erp/settings.js';
import { loadConfig, type Config } from '../lib/config.js';
import { createLogger, type Logger } from '../lib/logger.js';
import { explainStartupError } from '../lib/startup-errors.js';

export function boot(
  name: string,
  required: ReadonlyArray<keyof Config>,
  /** The Temporal SDK runtime's own Prometheus endpoint (the worker serves it with its metrics). */
  o: { runtimeMetricsPort?: number } = {},
): { config: Config; logger: Logger; erpSettings: ErpSettings } {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    console.error(`andon ${name} could not start: ${explainStartupError(err)}`);
    process.exit(2);
  }
  const missing = required.filter((k) => config[k] === undefined);
  if (missing.length > 0) {
    console.error(
      `andon ${name}: set ${missing.join(', ')} (npm start runs everything with embedded defaults instead)`,
    );
    process.exit(2);
  }
  const erpSettings = erpSettingsOrExit(config);
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    shutdownSignals: [],
    ...(o.runtimeMetricsPort
      ? {
          telemetryOptions: {
            metrics: {
              prometheus: {
                bindAddress: `127.0.0.1:${o.runtimeMetricsPort}`,
                useSecondsForDurations: true,
                unitSuffix: true,
                countersTotalSuffix: true,
              },
            },
          },
        }
      : {}),
  });
  return { config, logger: createLogger(config.LOG_LEVEL), erpSettings };
}

/** The ERP settings, or exit 2 with the message naming each missing setting or mapping. */
export function erpSettingsOrExit(config: Config): ErpSettings {
  try {
    return loadErpSettings(config);
  } catch (err) {
    if (!(err instanceof ErpConfigError)) throw err;
    console.error(err.message);
    process.exit(2);
  }
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

/** Ends a process that failed to start: the details at debug level, then one sentence saying what to do. */
export function failedToStart(name: string, logger: Logger, config: Config, err: unknown): never {
  logger.debug({ err }, 'start-up failure');
  const sentence = explainStartupError(err, config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : {});
  logger.flush();
  console.error(`andon ${name} could not start: ${sentence}`);
  process.exit(1);
}
