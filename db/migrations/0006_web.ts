import type { Knex } from 'knex';

/**
 * Web sign-in for people (password hash and the role they have in the web UI), and a
 * notification on every timeline event so API processes can push live updates (SSE) to browsers.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('people', (t) => {
    t.text('password_hash');
    t.text('web_role').notNullable().defaultTo('staff');
  });
  await knex.raw(
    `alter table people add constraint people_web_role_check check (web_role in ('staff', 'supervisor', 'admin'))`,
  );
  await knex.raw(
    `create unique index people_email_lower_unique on people (lower(email)) where email is not null`,
  );
  await knex.raw(`
    create function andon_notify_case_event() returns trigger language plpgsql as $$
    begin
      perform pg_notify('andon_case_events', json_build_object('caseId', new.case_id, 'type', new.type)::text);
      return new;
    end $$`);
  await knex.raw(
    `create trigger case_events_notify after insert on case_events for each row execute function andon_notify_case_event()`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger if exists case_events_notify on case_events');
  await knex.raw('drop function if exists andon_notify_case_event()');
  await knex.raw('drop index if exists people_email_lower_unique');
  await knex.raw('alter table people drop constraint if exists people_web_role_check');
  await knex.schema.alterTable('people', (t) => {
    t.dropColumn('password_hash');
    t.dropColumn('web_role');
  });
}
