import type { Knex } from 'knex';

/**
 * Web sign-in that can be revoked and throttled: server-side sessions (the cookie carries a random
 * id, stored here only as its SHA-256, so a copy of the table signs nobody in), and a per-account
 * count of failed sign-ins with a lockout that expires.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('web_sessions', (t) => {
    t.text('id_hash').primary();
    t.bigInteger('person_id').notNullable().references('people.id').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('revoked_at', { useTz: true });
    t.index(['person_id']);
  });
  await knex.schema.alterTable('people', (t) => {
    t.integer('failed_logins').notNullable().defaultTo(0);
    t.timestamp('locked_until', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('people', (t) => {
    t.dropColumn('failed_logins');
    t.dropColumn('locked_until');
  });
  await knex.schema.dropTableIfExists('web_sessions');
}
