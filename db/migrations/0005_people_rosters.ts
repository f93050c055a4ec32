import type { Knex } from 'knex';
import { JOB_ROLES, LOCALES, OVERRIDE_KINDS } from '../../domain/model.js';

/** Postgres CHECK constraint listing the allowed values of a text column. */
const oneOf = (column: string, values: readonly string[]): string =>
  `${column} in (${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')})`;

/**
 * People, shifts and phones: lines (work centres), shift patterns, rosters (person × role × line ×
 * shift over a date range) with overrides (cover, on-call), the used one-time action links, the SMS
 * replies received, and delivery tracking on the outbox.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('lines', (t) => {
    t.text('code').primary();
    t.text('name').notNullable();
    t.text('kind').notNullable().defaultTo('line'); // line or work centre
    t.boolean('active').notNullable().defaultTo(true);
  });

  // Shifts of a pattern: [{name, startHour}]; time_zone null means the plant's (ANDON_TIMEZONE).
  await knex.schema.createTable('shift_patterns', (t) => {
    t.bigIncrements('id');
    t.text('name').notNullable().unique();
    t.text('time_zone');
    t.jsonb('shifts').notNullable();
  });
  await knex('shift_patterns').insert({
    name: 'default',
    time_zone: null,
    shifts: JSON.stringify([
      { name: 'A', startHour: 6 },
      { name: 'B', startHour: 14 },
      { name: 'C', startHour: 22 },
    ]),
  });

  // Who works which shift: person × role × line (null: plant-wide) × shift of a pattern, over dates.
  await knex.schema.createTable('roster_entries', (t) => {
    t.bigIncrements('id');
    t.bigInteger('person_id').notNullable().references('people.id').onDelete('CASCADE');
    t.text('role').notNullable();
    t.text('line').references('lines.code').onDelete('CASCADE');
    t.bigInteger('pattern_id').notNullable().references('shift_patterns.id').onDelete('CASCADE');
    t.text('shift').notNullable();
    t.date('valid_from').notNullable();
    t.date('valid_to'); // inclusive; null: open-ended
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['role', 'line']);
  });
  await knex.raw(
    `alter table roster_entries add constraint roster_entries_role_check check (${oneOf('role', JOB_ROLES)})`,
  );
  await knex.raw(
    `alter table roster_entries add constraint roster_entries_dates_check check (valid_to is null or valid_to >= valid_from)`,
  );

  await knex.schema.createTable('roster_overrides', (t) => {
    t.bigIncrements('id');
    t.bigInteger('person_id').notNullable().references('people.id').onDelete('CASCADE');
    t.text('role').notNullable();
    t.text('line').references('lines.code').onDelete('CASCADE');
    t.text('kind').notNullable();
    t.timestamp('starts_at', { useTz: true }).notNullable();
    t.timestamp('ends_at', { useTz: true }).notNullable();
    t.text('note');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['role', 'line', 'starts_at']);
  });
  await knex.raw(
    `alter table roster_overrides add constraint roster_overrides_role_check check (${oneOf('role', JOB_ROLES)})`,
  );
  await knex.raw(
    `alter table roster_overrides add constraint roster_overrides_kind_check check (${oneOf('kind', OVERRIDE_KINDS)})`,
  );
  await knex.raw(
    `alter table roster_overrides add constraint roster_overrides_period_check check (ends_at > starts_at)`,
  );

  await knex.raw(`alter table people add constraint people_locale_check check (${oneOf('locale', LOCALES)})`);
  // An SMS reply is matched to its sender by phone number: one active person per number.
  await knex.raw(
    `create unique index people_active_phone_unique on people (phone) where phone is not null and active`,
  );

  // One-time action links: a link's nonce is recorded when it is used, and then never works again.
  await knex.schema.createTable('action_link_uses', (t) => {
    t.text('nonce').primary();
    t.bigInteger('person_id').notNullable();
    t.bigInteger('case_id').notNullable().references('cases.id').onDelete('CASCADE');
    t.text('task_key').notNullable();
    t.text('action').notNullable();
    t.timestamp('used_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // SMS replies, once each (Twilio retries a webhook it got no answer to).
  await knex.schema.createTable('sms_inbound', (t) => {
    t.bigIncrements('id');
    t.text('message_sid').notNullable().unique();
    t.text('from_number').notNullable();
    t.text('body').notNullable();
    t.bigInteger('person_id').references('people.id').onDelete('SET NULL');
    t.bigInteger('case_id').references('cases.id').onDelete('SET NULL');
    t.text('outcome').notNullable();
    t.text('reply').notNullable();
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.alterTable('notifications', (t) => {
    t.timestamp('delivered_at', { useTz: true });
    t.timestamp('failed_at', { useTz: true });
    t.text('provider_status');
    t.bigInteger('failover_of').references('notifications.id').onDelete('SET NULL');
    t.index(['provider_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notifications', (t) => {
    t.dropIndex(['provider_id']);
    t.dropColumns('delivered_at', 'failed_at', 'provider_status', 'failover_of');
  });
  await knex.raw('drop index if exists people_active_phone_unique');
  await knex.raw('alter table people drop constraint if exists people_locale_check');
  for (const table of [
    'sms_inbound',
    'action_link_uses',
    'roster_overrides',
    'roster_entries',
    'shift_patterns',
    'lines',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
