import type { Knex } from 'knex';
import {
  API_ROLES,
  CASE_STATUSES,
  CHANNELS,
  EXCEPTION_TYPES,
  NOTIFICATION_STATUSES,
  SEVERITIES,
  TASK_STATUSES,
} from '../../domain/model.js';

/** Postgres CHECK constraint listing the allowed values of a text column. */
const oneOf = (column: string, values: readonly string[]): string =>
  `${column} in (${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')})`;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('people', (t) => {
    t.bigIncrements('id');
    t.text('name').notNullable();
    t.text('email');
    t.text('phone');
    t.text('locale').notNullable().defaultTo('en');
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // A person holds a job role, on one line or (line null) plant-wide.
  await knex.schema.createTable('person_roles', (t) => {
    t.bigIncrements('id');
    t.bigInteger('person_id').notNullable().references('people.id').onDelete('CASCADE');
    t.text('role').notNullable();
    t.text('line');
    t.unique(['person_id', 'role', 'line'], { indexName: 'person_roles_unique', useConstraint: true });
    t.index(['role', 'line']);
  });

  await knex.schema.createTable('api_keys', (t) => {
    t.bigIncrements('id');
    t.text('name').notNullable();
    t.text('role').notNullable();
    t.text('key_hash').notNullable().unique();
    t.bigInteger('person_id').references('people.id').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('revoked_at', { useTz: true });
  });
  await knex.raw(
    `alter table api_keys add constraint api_keys_role_check check (${oneOf('role', API_ROLES)})`,
  );

  await knex.schema.createTable('escalation_policies', (t) => {
    t.bigIncrements('id');
    t.text('type').notNullable();
    t.text('severity'); // null: any severity
    t.text('line'); // null: any line
    t.jsonb('ladder').notNullable();
    t.integer('resolve_sla_seconds').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(
    `create unique index escalation_policies_scope on escalation_policies (type, coalesce(severity, ''), coalesce(line, ''))`,
  );

  await knex.schema.createTable('cases', (t) => {
    t.bigIncrements('id');
    t.text('source').notNullable();
    t.text('external_id').notNullable();
    t.text('type').notNullable();
    t.text('severity').notNullable();
    t.text('status').notNullable();
    t.text('line').notNullable();
    t.text('station');
    t.text('title').notNullable();
    t.text('description');
    t.text('reason_code');
    t.jsonb('details').notNullable();
    t.jsonb('policy').notNullable();
    t.integer('escalation_level').notNullable().defaultTo(0);
    t.timestamp('occurred_at', { useTz: true }).notNullable();
    t.timestamp('opened_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('acknowledged_at', { useTz: true });
    t.timestamp('resolved_at', { useTz: true });
    t.timestamp('closed_at', { useTz: true });
    t.text('resolution');
    t.text('root_cause');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['source', 'external_id'], {
      indexName: 'cases_source_external_id_unique',
      useConstraint: true,
    });
    t.index(['status', 'opened_at']);
  });
  await knex.raw(
    `alter table cases add constraint cases_type_check check (${oneOf('type', EXCEPTION_TYPES)})`,
  );
  await knex.raw(
    `alter table cases add constraint cases_severity_check check (${oneOf('severity', SEVERITIES)})`,
  );
  await knex.raw(
    `alter table cases add constraint cases_status_check check (${oneOf('status', CASE_STATUSES)})`,
  );

  // Append-only timeline; `id` orders the events of a case.
  await knex.schema.createTable('case_events', (t) => {
    t.bigIncrements('id');
    t.bigInteger('case_id').notNullable().references('cases.id').onDelete('CASCADE');
    t.text('type').notNullable();
    t.text('actor').notNullable();
    t.jsonb('data').notNullable().defaultTo('{}');
    t.text('idempotency_key').notNullable().unique();
    t.timestamp('occurred_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['case_id', 'id']);
  });

  await knex.schema.createTable('tasks', (t) => {
    t.bigIncrements('id');
    t.bigInteger('case_id').notNullable().references('cases.id').onDelete('CASCADE');
    t.integer('level').notNullable();
    t.text('role').notNullable();
    t.text('status').notNullable().defaultTo('open');
    t.jsonb('assignees').notNullable().defaultTo('[]');
    t.timestamp('ack_deadline', { useTz: true });
    t.text('idempotency_key').notNullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('acked_at', { useTz: true });
    t.timestamp('done_at', { useTz: true });
    t.index(['case_id']);
  });
  await knex.raw(
    `alter table tasks add constraint tasks_status_check check (${oneOf('status', TASK_STATUSES)})`,
  );

  // Outbox: one row per message to one recipient on one channel.
  await knex.schema.createTable('notifications', (t) => {
    t.bigIncrements('id');
    t.bigInteger('case_id').notNullable().references('cases.id').onDelete('CASCADE');
    t.bigInteger('task_id').references('tasks.id').onDelete('SET NULL');
    t.bigInteger('person_id').references('people.id').onDelete('SET NULL');
    t.text('channel').notNullable();
    t.text('recipient').notNullable();
    t.text('template').notNullable();
    t.text('subject');
    t.text('body').notNullable();
    t.text('status').notNullable().defaultTo('queued');
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error');
    t.text('provider_id');
    t.text('idempotency_key').notNullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('sent_at', { useTz: true });
    t.index(['case_id', 'id']);
  });
  await knex.raw(
    `alter table notifications add constraint notifications_channel_check check (${oneOf('channel', CHANNELS)})`,
  );
  await knex.raw(
    `alter table notifications add constraint notifications_status_check check (${oneOf('status', NOTIFICATION_STATUSES)})`,
  );
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'notifications',
    'tasks',
    'case_events',
    'cases',
    'escalation_policies',
    'api_keys',
    'person_roles',
    'people',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
