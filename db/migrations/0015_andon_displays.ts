import type { Knex } from 'knex';

/**
 * Display tokens for andon screens (a TV on the wall opens the board without anyone signing in):
 * a long random read-only token, stored only as its SHA-256, revocable, with the screen's settings
 * (lines to show, language, rotation, sound and flash when a tile turns red). Also indexes for a
 * case's recurrences and linked cases (case page, search).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('display_tokens', (t) => {
    t.bigIncrements('id').primary();
    t.text('name').notNullable();
    t.text('token_hash').notNullable().unique();
    t.specificType('lines', 'text[]'); // null: every line
    t.text('locale').notNullable().defaultTo('zh-CN');
    t.integer('rotate_seconds').notNullable().defaultTo(20);
    t.boolean('sound').notNullable().defaultTo(false);
    t.boolean('flash').notNullable().defaultTo(true);
    t.bigInteger('created_by').references('people.id').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('revoked_at', { useTz: true });
    t.timestamp('last_seen_at', { useTz: true });
  });
  // A case's recurrences and linked cases, listed on its page and in search results.
  await knex.raw(
    'create index cases_recurrence_of_idx on cases (recurrence_of) where recurrence_of is not null',
  );
  await knex.raw(
    'create index cases_parent_case_idx on cases (parent_case_id) where parent_case_id is not null',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists cases_parent_case_idx');
  await knex.raw('drop index if exists cases_recurrence_of_idx');
  await knex.schema.dropTableIfExists('display_tokens');
}
