import type { Knex } from 'knex';

const CATALOG: Array<{
  code: string;
  name_en: string;
  name_zh: string;
  description: string;
  reasons: Array<[string, string, string]>;
}> = [
  {
    code: 'material_shortage',
    name_en: 'Material shortage',
    name_zh: '缺料',
    description: 'Material missing or short at the line',
    reasons: [
      ['MS-SUPPLIER-LATE', 'Supplier delivery late', '供应商交货延迟'],
      ['MS-INVENTORY-ERROR', 'Inventory record wrong', '库存账实不符'],
      ['MS-PICKING-ERROR', 'Picking or kitting error', '拣料/配套错误'],
      ['MS-PLANNING', 'Planning or BOM error', '计划或BOM错误'],
    ],
  },
  {
    code: 'equipment_fault',
    name_en: 'Equipment fault',
    name_zh: '设备故障',
    description: 'Machine or tooling stopped or degraded',
    reasons: [
      ['EF-MECHANICAL', 'Mechanical failure', '机械故障'],
      ['EF-ELECTRICAL', 'Electrical failure', '电气故障'],
      ['EF-TOOLING', 'Tooling worn or broken', '工装模具损坏'],
      ['EF-PM-OVERDUE', 'Preventive maintenance overdue', '预防性维护逾期'],
    ],
  },
  {
    code: 'quality_failure',
    name_en: 'Quality failure',
    name_zh: '质量异常',
    description: 'Lot failed inspection or a defect was found',
    reasons: [
      ['QF-SUPPLIER-MATERIAL', 'Supplier material defect', '供应商来料缺陷'],
      ['QF-PROCESS', 'Process out of control', '制程失控'],
      ['QF-OPERATOR', 'Operator error', '操作失误'],
      ['QF-DESIGN', 'Design or specification issue', '设计或规格问题'],
    ],
  },
  {
    code: 'order_delay',
    name_en: 'Order delay',
    name_zh: '订单延误',
    description: 'Order projected later than promised',
    reasons: [
      ['OD-CAPACITY', 'Capacity shortfall', '产能不足'],
      ['OD-MATERIAL', 'Material late', '物料延迟'],
      ['OD-EQUIPMENT', 'Equipment downtime', '设备停机'],
      ['OD-QUALITY', 'Quality hold or rework', '质量冻结或返工'],
    ],
  },
];

/** Catalog, richer policies, case facts for closure gates and reports, and tasks per SOP step. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('exception_types', (t) => {
    t.text('code').primary();
    t.text('name_en').notNullable();
    t.text('name_zh').notNullable();
    t.text('description');
    t.jsonb('sop_params').notNullable().defaultTo('{}');
    t.integer('reopen_window_seconds')
      .notNullable()
      .defaultTo(7 * 24 * 3600);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('reason_codes', (t) => {
    t.bigIncrements('id');
    t.text('type').notNullable().references('exception_types.code').onDelete('CASCADE');
    t.text('code').notNullable();
    t.text('name_en').notNullable();
    t.text('name_zh').notNullable();
    t.boolean('active').notNullable().defaultTo(true);
    t.unique(['type', 'code'], { indexName: 'reason_codes_type_code_unique', useConstraint: true });
  });

  // The standard catalog; admins edit it through /api/v1/exception-types.
  await knex('exception_types').insert(CATALOG.map(({ reasons: _r, ...t }) => t));
  await knex('reason_codes').insert(
    CATALOG.flatMap((t) =>
      t.reasons.map(([code, en, zh]) => ({ type: t.code, code, name_en: en, name_zh: zh })),
    ),
  );

  await knex.schema.alterTable('escalation_policies', (t) => {
    t.integer('repeat_count').notNullable().defaultTo(0);
  });

  await knex.schema.alterTable('cases', (t) => {
    t.text('shift');
    t.text('current_step');
    t.timestamp('sla_deadline', { useTz: true });
    t.boolean('sla_breached').notNullable().defaultTo(false);
    t.text('acked_by');
    t.text('resolved_by');
    t.text('corrective_action');
    t.integer('downtime_minutes');
    t.text('cancel_reason');
    t.timestamp('cancelled_at', { useTz: true });
    t.integer('reopen_count').notNullable().defaultTo(0);
    t.bigInteger('parent_case_id').references('cases.id').onDelete('SET NULL');
    t.bigInteger('recurrence_of').references('cases.id').onDelete('SET NULL');
  });

  await knex.schema.alterTable('tasks', (t) => {
    t.text('task_key');
    t.text('title');
    t.jsonb('options').notNullable().defaultTo('[]');
    t.bigInteger('assignee_person_id').references('people.id').onDelete('SET NULL');
    t.timestamp('eta', { useTz: true });
    t.jsonb('result');
    t.text('acked_by');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.dropColumns('task_key', 'title', 'options', 'assignee_person_id', 'eta', 'result', 'acked_by');
  });
  await knex.schema.alterTable('cases', (t) => {
    t.dropColumns(
      'shift',
      'current_step',
      'sla_deadline',
      'sla_breached',
      'acked_by',
      'resolved_by',
      'corrective_action',
      'downtime_minutes',
      'cancel_reason',
      'cancelled_at',
      'reopen_count',
      'parent_case_id',
      'recurrence_of',
    );
  });
  await knex.schema.alterTable('escalation_policies', (t) => t.dropColumn('repeat_count'));
  await knex.schema.dropTableIfExists('reason_codes');
  await knex.schema.dropTableIfExists('exception_types');
}
