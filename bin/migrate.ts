/** Brings the database schema up to date: `DATABASE_URL=… npm run migrate [-- --seed-demo]`. */
import { seedErpSimulator } from '../activities/erp/demo-data.js';
import { createDb, migrate, probeDatabase } from '../db/index.js';
import { applyPlantTimeZone } from '../db/plant-zone.js';

import { seedDemoPlant } from '../db/seed.js';
import { REQUIRED_ENV } from '../lib/config.js';
import { explainStartupError } from '../lib/startup-errors.js';
import { boot } from './common.js';

const { config, logger } = boot('migrate', REQUIRED_ENV.migrate);
const db = createDb(config.DATABASE_URL!);
try {
  await probeDatabase(config.DATABASE_URL!);
  const applied = await migrate(db);
  logger.info({ applied }, applied.length > 0 ? 'migrations applied' : 'schema already up to date');
  await applyPlantTimeZone(db, config.ANDON_TIMEZONE, logger);
  if (process.argv.includes('--seed-demo')) {
    if (await seedDemoPlant(db)) logger.info('demo plant seeded');
    await seedErpSimulator(db);
  }
} catch (err) {
  logger.debug({ err }, 'migration failure');
  const why = explainStartupError(err, { databaseUrl: config.DATABASE_URL! });
  console.error(`andon migrate failed: ${why}`);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
