/** Brings the database schema up to date: `DATABASE_URL=… npm run migrate [-- --seed-demo]`. */
import { createDb, migrate } from '../db/index.js';
import { seedDemoPlant } from '../db/seed.js';
import { REQUIRED_ENV } from '../lib/config.js';
import { boot } from './common.js';

const { config, logger } = boot('migrate', REQUIRED_ENV.migrate);
const db = createDb(config.DATABASE_URL!);
try {
  const applied = await migrate(db);
  logger.info({ applied }, applied.length > 0 ? 'migrations applied' : 'schema already up to date');
  if (process.argv.includes('--seed-demo') && (await seedDemoPlant(db))) logger.info('demo plant seeded');
} catch (err) {
  logger.fatal({ err }, 'migration failed');
  process.exitCode = 1;
} finally {
  await db.destroy();
}
