import type { Knex } from 'knex';

/**
 * The MES and the machines (issue 12) and outgoing webhooks:
 * - alarm storms: a case keeps the business key it was opened for (`fingerprint`), how many reports
 *   it stands for and when the last came; reports folded into it keep their own key in
 *   `case_reports`, so the MES can still find the case by the id it sent;
 * - outgoing webhooks (MES write-back is an endpoint scoped to a source): endpoints with their
 *   secret (encrypted: it must be readable to sign), and a transactional outbox of deliveries,
 *   filled by a deferred trigger on the timeline, so every recorded change is queued in the very
 *   transaction that records it, with the case as that transaction leaves it;
 * - MQTT intake: a dead-letter table for messages that could not be taken;
 * - inbound signatures: a signing secret per API key and the signatures already seen (replays).
 */

/** Timeline event → outgoing event type. Frozen here: a later mapping gets its own migration. */
const EVENT_MAP: ReadonlyArray<readonly [string, string]> = [
  ['opened', 'case.opened'],
  ['acked', 'case.acknowledged'],
  ['escalated', 'case.escalated'],
  ['sla_breached', 'case.sla_breached'],
  ['decision', 'case.decision'],
  ['erp_document', 'case.erp_document'],
  ['sop_failed', 'case.sop_failed'],
  ['resolved', 'case.resolved'],
  ['closed', 'case.closed'],
  ['cancelled', 'case.cancelled'],
  ['reopened', 'case.reopened'],
];

const OPEN_STATUSES = `('pending_start', 'open', 'acknowledged')`;

export async function up(knex: Knex): Promise<void> {
  // ── alarm storms ──────────────────────────────────────────────────────────────────────────
  await knex.schema.alterTable('cases', (t) => {
    t.text('fingerprint');
    t.integer('report_count').notNullable().defaultTo(1);
    t.timestamp('last_seen_at', { useTz: true });
  });
  await knex.raw(`update cases set last_seen_at = opened_at`);
  await knex.raw(
    `alter table cases alter column last_seen_at set not null, alter column last_seen_at set default now()`,
  );
  // One open case per business key: concurrent reports of a new problem race on this index, not on
  // a lock. A reopened case is left out, so reopening never collides with a newer open case.
  await knex.raw(
    `create unique index cases_open_fingerprint on cases (type, line, fingerprint) where fingerprint is not null and status in ${OPEN_STATUSES} and reopen_count = 0`,
  );
  await knex.schema.createTable('case_reports', (t) => {
    t.text('source').notNullable();
    t.text('external_id').notNullable();
    t.bigInteger('case_id').notNullable().references('cases.id').onDelete('CASCADE');
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['source', 'external_id']);
    t.index(['case_id']);
  });

  // ── outgoing webhooks ─────────────────────────────────────────────────────────────────────
  await knex.schema.createTable('webhook_endpoints', (t) => {
    t.bigIncrements('id');
    t.text('name').notNullable();
    t.text('url').notNullable();
    t.text('source'); // null: the events of every case
    t.specificType('events', 'text[]').notNullable();
    t.text('secret_enc').notNullable();
    t.boolean('enabled').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('secret_rotated_at', { useTz: true });
  });
  await knex.schema.createTable('webhook_deliveries', (t) => {
    t.bigIncrements('id');
    t.bigInteger('endpoint_id').notNullable().references('webhook_endpoints.id').onDelete('CASCADE');
    t.bigInteger('case_id').references('cases.id').onDelete('CASCADE');
    t.bigInteger('case_event_id').references('case_events.id').onDelete('CASCADE');
    t.text('event_id').notNullable();
    t.text('event_type').notNullable();
    t.jsonb('case_snapshot');
    t.jsonb('event_data').notNullable().defaultTo('{}');
    t.text('actor');
    t.timestamp('event_at', { useTz: true }).notNullable();
    t.text('status').notNullable().defaultTo('pending');
    t.integer('attempts').notNullable().defaultTo(0);
    t.integer('last_status');
    t.text('last_error');
    t.timestamp('last_attempt_at', { useTz: true });
    t.timestamp('delivered_at', { useTz: true });
    t.timestamp('kicked_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['endpoint_id', 'event_id'], {
      indexName: 'webhook_deliveries_event_unique',
      useConstraint: true,
    });
    t.index(['endpoint_id', 'id']);
  });
  await knex.raw(
    `alter table webhook_deliveries add constraint webhook_deliveries_status_check check (status in ('pending', 'delivered', 'failed', 'cancelled'))`,
  );
  await knex.raw(
    `create index webhook_deliveries_pending on webhook_deliveries (endpoint_id, case_id, id) where status = 'pending'`,
  );
  const mapping = EVENT_MAP.map(([from, to]) => `when '${from}' then '${to}'`).join(' ');
  // Deferred to the commit: the case row is then as the transaction leaves it (a change writes its
  // events before its case columns), and a transaction that rolls back queues nothing.
  await knex.raw(`
    create function andon_enqueue_webhooks() returns trigger language plpgsql as $$
    declare
      etype text := case new.type ${mapping} else null end;
      queued integer;
    begin
      if etype is null then return null; end if;
      insert into webhook_deliveries
        (endpoint_id, case_id, case_event_id, event_id, event_type, case_snapshot, event_data, actor, event_at)
      select e.id, c.id, new.id, 'evt_' || new.id, etype, to_jsonb(c) - 'policy', new.data, new.actor, new.occurred_at
        from webhook_endpoints e join cases c on c.id = new.case_id
       where e.enabled and etype = any (e.events) and (e.source is null or e.source = c.source)
      on conflict do nothing;
      get diagnostics queued = row_count;
      if queued > 0 then
        perform pg_notify('andon_webhooks', json_build_object('caseId', new.case_id)::text);
      end if;
      return null;
    end $$`);
  await knex.raw(`
    create constraint trigger case_events_webhooks after insert on case_events
      deferrable initially deferred for each row execute function andon_enqueue_webhooks()`);

  // ── MQTT intake ───────────────────────────────────────────────────────────────────────────
  await knex.schema.createTable('mqtt_dead_letters', (t) => {
    t.bigIncrements('id');
    t.text('topic').notNullable();
    t.text('source');
    t.binary('payload').notNullable();
    t.boolean('truncated').notNullable().defaultTo(false);
    t.text('detail').notNullable();
    t.jsonb('errors').notNullable().defaultTo('[]');
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['received_at']);
  });

  // ── inbound signatures ────────────────────────────────────────────────────────────────────
  await knex.schema.alterTable('api_keys', (t) => {
    t.text('signing_secret_enc');
    t.boolean('signature_required').notNullable().defaultTo(false);
  });
  await knex.schema.createTable('inbound_signatures', (t) => {
    t.bigInteger('api_key_id').notNullable().references('api_keys.id').onDelete('CASCADE');
    t.text('signature').notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.primary(['api_key_id', 'signature']);
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('inbound_signatures');
  await knex.schema.alterTable('api_keys', (t) => {
    t.dropColumn('signing_secret_enc');
    t.dropColumn('signature_required');
  });
  await knex.schema.dropTableIfExists('mqtt_dead_letters');
  await knex.raw('drop trigger if exists case_events_webhooks on case_events');
  await knex.raw('drop function if exists andon_enqueue_webhooks()');
  await knex.schema.dropTableIfExists('webhook_deliveries');
  await knex.schema.dropTableIfExists('webhook_endpoints');
  await knex.schema.dropTableIfExists('case_reports');
  await knex.raw('drop index if exists cases_open_fingerprint');
  await knex.schema.alterTable('cases', (t) => {
    t.dropColumn('fingerprint');
    t.dropColumn('report_count');
    t.dropColumn('last_seen_at');
  });
}
