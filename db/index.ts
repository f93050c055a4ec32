/** Database access: a knex instance for a connection string, and migrations compiled into the program. */
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import * as m0001 from './migrations/0001_init.js';
import * as m0002 from './migrations/0002_sop_engine.js';
import * as m0003 from './migrations/0003_erp_sim.js';
import * as m0004 from './migrations/0004_reports.js';
import * as m0005 from './migrations/0005_people_rosters.js';
import * as m0006 from './migrations/0006_web.js';
import * as m0007 from './migrations/0007_web_security.js';
import * as m0012 from './migrations/0012_mes_integration.js';
import * as m0013 from './migrations/0013_channels_subscriptions_templates.js';
import * as m0014 from './migrations/0014_accounts_audit.js';
import * as m0015 from './migrations/0015_andon_displays.js';

// Return bigint ids as JS numbers: ids stay far below 2^53 and the API serialises them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number.parseInt(v, 10));

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/** Every migration, in order. Statically imported so they run the same from sources and from a build. */
const MIGRATIONS: ReadonlyArray<readonly [string, Migration]> = [
  ['0001_init', m0001],
  ['0002_sop_engine', m0002],
  ['0003_erp_sim', m0003],
  ['0004_reports', m0004],
  ['0005_people_rosters', m0005],
  ['0006_web', m0006],
  ['0007_web_security', m0007],
  ['0012_mes_integration', m0012],
  ['0013_channels_subscriptions_templates', m0013],
  ['0014_accounts_audit', m0014],
  ['0015_andon_displays', m0015],
];

const migrationSource: Knex.MigrationSource<readonly [string, Migration]> = {
  getMigrations: () => Promise.resolve([...MIGRATIONS]),
  getMigrationName: ([name]) => name,
  getMigration: ([, migration]) => Promise.resolve(migration),
};

export type Db = Knex;

/**
 * `applicationName` names this process to PostgreSQL (pg_stat_activity) and is what timeline events
 * record as `recorded_by`: a worker passes its Temporal worker identity.
 */
export function createDb(
  connectionString: string,
  pool: { min?: number; max?: number; applicationName?: string } = {},
): Db {
  return knexFactory({
    client: 'pg',
    connection: pool.applicationName
      ? { connectionString, application_name: pool.applicationName.slice(0, 63) }
      : connectionString,
    pool: { min: pool.min ?? 0, max: pool.max ?? 10 },
    migrations: { migrationSource, tableName: 'knex_migrations' },
  });
}

/** Brings the schema up to date; safe to run concurrently from several processes (knex takes a lock). */
export async function migrate(db: Db): Promise<string[]> {
  const [, applied] = (await db.migrate.latest()) as [number, string[]];
  return applied;
}

/** Connects once and runs `select 1`, throwing the driver's error as it is (start-up explains it). */
export async function probeDatabase(connectionString: string): Promise<void> {
  // pg itself, not knex: knex's pool prints every failed attempt with its stack.
  const probe = new pg.Client({ connectionString, connectionTimeoutMillis: 10_000 });
  try {
    await probe.connect();
    await probe.query('select 1');
  } finally {
    await probe.end().catch(() => {});
  }
}
