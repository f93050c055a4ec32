import type { Knex } from 'knex';

/**
 * Accounts, keys and the audit log (issue 14):
 * - `audit_log`: who changed what, when, with the record before and after; append-only (a trigger
 *   refuses updates and deletes, so the log cannot be edited through the application's own user);
 * - `password_links`: one-time set-password links (invites and resets), stored as their SHA-256;
 * - API keys get a prefix to recognise them by, who made them, when last used, an expiry (a rotated
 *   key may keep working for an overlap) and the key that replaced them;
 * - people get the time of their last sign-in;
 * - every timeline event records the process that wrote it (the Postgres `application_name` of its
 *   connection, which each worker sets to its Temporal worker identity).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('actor_kind').notNullable();
    t.text('actor_id');
    t.text('actor_name').notNullable();
    t.text('action').notNullable();
    t.text('entity').notNullable();
    t.text('entity_id');
    t.jsonb('before');
    t.jsonb('after');
    t.text('address');
    t.index(['at']);
    t.index(['entity', 'entity_id', 'id']);
  });
  await knex.raw(
    `alter table audit_log add constraint audit_log_actor_kind_check check (actor_kind in ('api_key', 'web', 'cli', 'system'))`,
  );
  await knex.raw(`
    create function andon_audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'the audit log is append-only';
    end $$`);
  await knex.raw(`
    create trigger audit_log_append_only before update or delete on audit_log
    for each row execute function andon_audit_log_append_only()`);

  await knex.schema.createTable('password_links', (t) => {
    t.text('token_hash').primary();
    t.bigInteger('person_id').notNullable().references('people.id').onDelete('CASCADE');
    t.text('purpose').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.index(['person_id']);
  });
  await knex.raw(
    `alter table password_links add constraint password_links_purpose_check check (purpose in ('invite', 'reset'))`,
  );

  await knex.schema.alterTable('api_keys', (t) => {
    t.text('key_prefix');
    t.text('created_by');
    t.timestamp('last_used_at', { useTz: true });
    t.timestamp('expires_at', { useTz: true });
    t.bigInteger('replaced_by').references('api_keys.id').onDelete('SET NULL');
  });

  await knex.schema.alterTable('people', (t) => {
    t.timestamp('last_login_at', { useTz: true });
  });

  await knex.raw(
    `alter table case_events add column recorded_by text default nullif(current_setting('application_name', true), '')`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table case_events drop column if exists recorded_by');
  await knex.schema.alterTable('people', (t) => t.dropColumn('last_login_at'));
  await knex.schema.alterTable('api_keys', (t) => {
    t.dropColumn('key_prefix');
    t.dropColumn('created_by');
    t.dropColumn('last_used_at');
    t.dropColumn('expires_at');
    t.dropColumn('replaced_by');
  });
  await knex.schema.dropTableIfExists('password_links');
  await knex.schema.dropTableIfExists('audit_log');
  await knex.raw('drop function if exists andon_audit_log_append_only()');
}
