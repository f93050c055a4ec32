import type { Knex } from 'knex';
import { DEFAULT_TEMPLATES } from '../../domain/template-defaults.js';
import { TEMPLATE_KEYS } from '../../domain/templates.js';

const oneOf = (column: string, values: readonly string[]): string =>
  `${column} in (${values.map((v) => `'${v}'`).join(', ')})`;

const PROVIDERS = ['dingtalk', 'wecom', 'feishu', 'slack', 'teams'];

/**
 * Group channels (chat robots a ladder level or a subscription posts to), stakeholder subscriptions,
 * message templates as data (seeded with the texts Andon used until now), the outbox's chat rows,
 * the marker of which timeline events their subscribers have heard of, and the message a task's
 * title comes from (rendered per reader).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('group_channels', (t) => {
    t.bigIncrements('id');
    t.text('name').notNullable().unique();
    t.text('provider').notNullable();
    // The webhook URL carries the robot's token: it is used to send, never shown in full or logged.
    t.text('webhook_url').notNullable();
    t.text('secret');
    t.text('locale').notNullable().defaultTo('zh-CN');
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(
    `alter table group_channels add constraint group_channels_provider_check check (${oneOf('provider', PROVIDERS)})`,
  );

  await knex.schema.createTable('subscriptions', (t) => {
    t.bigIncrements('id');
    t.text('name').notNullable();
    t.text('target').notNullable();
    t.bigInteger('person_id').references('people.id').onDelete('CASCADE');
    t.text('role');
    t.text('role_line');
    t.bigInteger('group_channel_id').references('group_channels.id').onDelete('CASCADE');
    t.jsonb('events').notNullable();
    t.jsonb('types').notNullable().defaultTo('[]');
    t.jsonb('lines').notNullable().defaultTo('[]');
    t.jsonb('severities').notNullable().defaultTo('[]');
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`alter table subscriptions add constraint subscriptions_target_check check (
    (target = 'person' and person_id is not null) or
    (target = 'role' and role is not null) or
    (target = 'group' and group_channel_id is not null))`);

  // One row per event whose subscribers were all served (sent, failed for good, or nobody matched).
  await knex.schema.createTable('subscription_dispatches', (t) => {
    t.bigInteger('event_id').primary().references('case_events.id').onDelete('CASCADE');
    t.timestamp('dispatched_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('message_templates', (t) => {
    t.text('key').notNullable();
    t.text('locale').notNullable();
    t.text('subject');
    t.text('body').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['key', 'locale']);
  });
  const rows = TEMPLATE_KEYS.flatMap((key) =>
    Object.entries(DEFAULT_TEMPLATES[key]).map(([locale, text]) => ({
      key,
      locale,
      subject: text.subject,
      body: text.body,
    })),
  );
  await knex('message_templates').insert(rows);

  await knex.raw('alter table notifications drop constraint notifications_channel_check');
  await knex.raw(
    `alter table notifications add constraint notifications_channel_check check (${oneOf('channel', ['email', 'sms', ...PROVIDERS])})`,
  );
  await knex.schema.alterTable('notifications', (t) => {
    t.bigInteger('group_channel_id').references('group_channels.id').onDelete('SET NULL');
  });
  await knex.schema.alterTable('tasks', (t) => {
    t.jsonb('title_ref');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.dropColumn('title_ref');
  });
  await knex.schema.alterTable('notifications', (t) => {
    t.dropColumn('group_channel_id');
  });
  await knex('notifications').whereNotIn('channel', ['email', 'sms']).delete();
  await knex.raw('alter table notifications drop constraint notifications_channel_check');
  await knex.raw(
    `alter table notifications add constraint notifications_channel_check check (${oneOf('channel', ['email', 'sms'])})`,
  );
  await knex.schema.dropTableIfExists('message_templates');
  await knex.schema.dropTableIfExists('subscription_dispatches');
  await knex.schema.dropTableIfExists('subscriptions');
  await knex.schema.dropTableIfExists('group_channels');
}
