import type { Knex } from 'knex';

/**
 * Tables of the ERP/WMS simulator (activities/erp/simulator.ts), the default ERP adapter. They
 * stand in for a real ERP's stock, lots, work orders and documents, and let tests in another
 * process inject failures. Nothing outside the simulator reads them.
 */

const LOT_STATUSES = [
  'available',
  'on_hold',
  'returned',
  'rework',
  'scrapped',
  'released_concession',
  'recalled',
] as const;
const WORK_ORDER_STATUSES = ['planned', 'released', 'in_progress', 'done'] as const;

/** Postgres CHECK constraint listing the allowed values of a text column (values are constants). */
const oneOf = (column: string, values: readonly string[]): string =>
  `${column} in (${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')})`;

export async function up(knex: Knex): Promise<void> {
  // Stock per storage location; line-side locations (`LINE-L1`) are rows like any other.
  await knex.schema.createTable('erp_sim_stock', (t) => {
    t.bigIncrements('id');
    t.text('warehouse').notNullable();
    t.text('location').notNullable();
    t.text('item_code').notNullable();
    t.decimal('qty', 18, 3).notNullable().defaultTo(0);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['warehouse', 'location', 'item_code'], {
      indexName: 'erp_sim_stock_unique',
      useConstraint: true,
    });
    t.index(['item_code']);
  });
  await knex.raw('alter table erp_sim_stock add constraint erp_sim_stock_qty_check check (qty >= 0)');

  await knex.schema.createTable('erp_sim_lots', (t) => {
    t.bigIncrements('id');
    t.text('lot').notNullable();
    t.text('item_code').notNullable();
    t.decimal('qty', 18, 3).notNullable();
    t.text('warehouse').notNullable();
    t.text('status').notNullable().defaultTo('available');
    t.text('supplier');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['lot', 'item_code'], { indexName: 'erp_sim_lots_unique', useConstraint: true });
  });
  await knex.raw(
    `alter table erp_sim_lots add constraint erp_sim_lots_status_check check (${oneOf('status', LOT_STATUSES)})`,
  );
  await knex.raw('alter table erp_sim_lots add constraint erp_sim_lots_qty_check check (qty >= 0)');

  await knex.schema.createTable('erp_sim_work_orders', (t) => {
    t.bigIncrements('id');
    t.text('order_id').notNullable().unique();
    t.text('line').notNullable();
    t.text('equipment_id');
    t.text('item_code').notNullable();
    t.decimal('qty', 18, 3).notNullable();
    t.timestamp('planned_start', { useTz: true }).notNullable();
    t.timestamp('planned_end', { useTz: true }).notNullable();
    t.date('due_date').notNullable();
    t.text('status').notNullable().defaultTo('planned');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['line', 'status']);
  });
  await knex.raw(
    `alter table erp_sim_work_orders add constraint erp_sim_work_orders_status_check check (${oneOf('status', WORK_ORDER_STATUSES)})`,
  );

  // Every document carries the case stamp and the SOP step key; the key is searched before creating.
  await knex.schema.createTable('erp_sim_documents', (t) => {
    t.bigIncrements('id');
    t.text('doc_type').notNullable();
    t.text('doc_id').notNullable().unique();
    t.text('case_ref').notNullable();
    t.text('step_key').notNullable().unique();
    t.text('status').notNullable();
    t.jsonb('data').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['case_ref', 'id']);
  });

  // Fault injection: while `remaining` > 0, calls of `operation` fail (see injectErpFault).
  await knex.schema.createTable('erp_sim_faults', (t) => {
    t.bigIncrements('id');
    t.text('operation').notNullable();
    t.integer('remaining').notNullable();
    t.text('message').notNullable().defaultTo('ERP simulator: injected failure');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['operation']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'erp_sim_faults',
    'erp_sim_documents',
    'erp_sim_work_orders',
    'erp_sim_lots',
    'erp_sim_stock',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
