/**
 * The message catalog: what SOPs say to people (task titles, decision options and their fields,
 * default case titles, step names, resolutions), in English and Simplified Chinese. Workflows keep a
 * `MessageRef` (key + parameters) in their data and the edges render it in the reader's locale, so a
 * text can be translated or corrected without touching running cases. Pure: imported everywhere.
 */
import type { Locale } from './model.js';

export type MessageParams = Record<string, string | number>;

/** A text as a workflow keeps it: which message, with which values. */
export interface MessageRef {
  key: MessageKey;
  params: MessageParams;
}

type Texts = Record<Locale, string>;

const CATALOG = {
  // Default case titles (when the report gives none).
  'title.material_shortage': {
    en: 'Material shortage: {itemCode} ({requiredQty} {uom}) on {line}',
    'zh-CN': '缺料：{itemCode}（{requiredQty} {uom}），产线 {line}',
  },
  'title.equipment_fault': {
    en: 'Equipment fault: {equipmentId} fault {faultCode} on {line}',
    'zh-CN': '设备故障：{equipmentId} 故障码 {faultCode}，产线 {line}',
  },
  'title.quality_failure': {
    en: 'Quality failure: lot {lot} ({defectCode}) on {line}',
    'zh-CN': '质量异常：批次 {lot}（{defectCode}），产线 {line}',
  },
  'title.order_delay': {
    en: 'Order delay: order {orderId} now {projectedDate} (promised {promisedDate})',
    'zh-CN': '订单延误：订单 {orderId} 预计 {projectedDate}（承诺 {promisedDate}）',
  },
  'title.linked_order_delay': {
    en: 'Order delay: {itemCode} arrives {eta}, after the need-by {neededBy}',
    'zh-CN': '订单延误：{itemCode} 预计 {eta} 到货，晚于需求时间 {neededBy}',
  },

  // Task titles.
  'task.material_shortage.dispatch': {
    en: 'Move {qty} {uom} of {itemCode} from {from} to {to} (transfer {docId})',
    'zh-CN': '将 {qty} {uom} 的 {itemCode} 从 {from} 送到 {to}（调拨单 {docId}）',
  },
  'task.material_shortage.supplier': {
    en: "No stock of {itemCode} to cover {qty} {uom} (request {docId}): confirm the supplier's ETA, or name an alternate material",
    'zh-CN': '{itemCode} 库存不足 {qty} {uom}（请购单 {docId}）：请确认供应商到货时间，或指定替代物料',
  },
  'task.material_shortage.alternate': {
    en: 'Bring alternate material {alternate} (instead of {itemCode}) to {to}',
    'zh-CN': '将替代物料 {alternate}（替代 {itemCode}）送到 {to}',
  },
  'task.material_shortage.planner': {
    en: '{itemCode} arrives {eta}, after it is needed ({neededBy}): adjust the schedule of line {line}',
    'zh-CN': '{itemCode} 将于 {eta} 到货，晚于需求时间（{neededBy}）：请调整产线 {line} 的排程',
  },
  'task.equipment_fault.repair': {
    en: 'Repair {equipmentId} (fault {faultCode}, maintenance request {docId}) and give a repair ETA',
    'zh-CN': '维修 {equipmentId}（故障码 {faultCode}，维修单 {docId}）并给出预计修复时间',
  },
  'task.equipment_fault.planner': {
    en: '{equipmentId} is down beyond {thresholdMinutes} min: work orders of line {line} moved by {delayMinutes} min ({docId}); adjust the plan',
    'zh-CN':
      '{equipmentId} 停机已超过 {thresholdMinutes} 分钟：产线 {line} 的工单已顺延 {delayMinutes} 分钟（{docId}），请调整计划',
  },
  'task.quality_failure.disposition': {
    en: 'Lot {lot} ({itemCode}, {qty} affected, defect {defectCode}) is on hold ({docId}): decide its disposition',
    'zh-CN': '批次 {lot}（{itemCode}，受影响 {qty}，缺陷 {defectCode}）已冻结（{docId}）：请决定处置方式',
  },
  'task.quality_failure.supplier': {
    en: 'Supplier lot {lot} from {supplier} failed QC (defect {defectCode}): notify the supplier and claim',
    'zh-CN': '供应商 {supplier} 的批次 {lot} 检验不合格（缺陷 {defectCode}）：请通知供应商并索赔',
  },
  'task.quality_failure.recall': {
    en: 'Lot {lot} has shipped: recall it from customers ({docId})',
    'zh-CN': '批次 {lot} 已发货：请向客户召回（{docId}）',
  },
  'task.order_delay.plan': {
    en: 'Order {orderId} is projected for {projectedDate}, promised {promisedDate}: set a new plan date, or keep the plan',
    'zh-CN':
      '订单 {orderId} 预计 {projectedDate} 完成，承诺 {promisedDate}：请设定新的计划日期，或维持原计划',
  },
  'task.order_delay.plan_customer': {
    en: 'Order {orderId} for {customer} is projected for {projectedDate}, promised {promisedDate}: set a new plan date, or keep the plan',
    'zh-CN':
      '客户 {customer} 的订单 {orderId} 预计 {projectedDate} 完成，承诺 {promisedDate}：请设定新的计划日期，或维持原计划',
  },
  'task.order_delay.customer_notice': {
    en: 'Approve telling {customer} that order {orderId} now ships {newDate} (promised {promisedDate})',
    'zh-CN': '请批准通知客户 {customer}：订单 {orderId} 改为 {newDate} 发货（承诺 {promisedDate}）',
  },
  'task.order_delay.customer_notice_unnamed': {
    en: 'Approve telling the customer that order {orderId} now ships {newDate} (promised {promisedDate})',
    'zh-CN': '请批准通知客户：订单 {orderId} 改为 {newDate} 发货（承诺 {promisedDate}）',
  },
  'task.takeover': {
    en: 'The SOP could not finish step "{step}" ({reason}). Do it by hand, then resolve the case.',
    'zh-CN': '标准作业流程未能完成步骤“{step}”（{reason}）。请手工处理，然后解决此异常。',
  },
  'task.follow_up': {
    en: 'Case reopened{why}. Find out why, fix it, and resolve the case again.',
    'zh-CN': '异常已重新打开{why}。请查明原因、处理，并再次解决此异常。',
  },

  // Decision options, by option id.
  'option.delivered': { en: 'Delivered to the line', 'zh-CN': '已送到产线' },
  'option.supplier_eta': { en: 'Supplier confirmed an ETA', 'zh-CN': '供应商已确认到货时间' },
  'option.alternate': { en: 'Use an alternate material', 'zh-CN': '使用替代物料' },
  'option.schedule_adjusted': { en: 'Schedule adjusted', 'zh-CN': '已调整排程' },
  'option.repaired': { en: 'Repaired', 'zh-CN': '已修复' },
  'option.plan_adjusted': { en: 'Plan adjusted', 'zh-CN': '已调整计划' },
  'option.return_to_supplier': { en: 'Return to supplier', 'zh-CN': '退回供应商' },
  'option.rework': { en: 'Rework', 'zh-CN': '返工' },
  'option.scrap': { en: 'Scrap', 'zh-CN': '报废' },
  'option.concession': { en: 'Use under concession', 'zh-CN': '让步接收' },
  'option.recall': { en: 'Recall', 'zh-CN': '召回' },
  'option.supplier_notified': { en: 'Supplier notified', 'zh-CN': '已通知供应商' },
  'option.recall_done': { en: 'Customers informed, recall under way', 'zh-CN': '已通知客户，召回进行中' },
  'option.new_date': { en: 'Set a new date', 'zh-CN': '设定新日期' },
  'option.keep_plan': { en: 'Keep the plan: the order can catch up', 'zh-CN': '维持原计划：订单可以赶上' },
  'option.approve': { en: 'Approve and send', 'zh-CN': '批准并发送' },
  'option.handled_personally': { en: 'I will tell the customer myself', 'zh-CN': '我将亲自通知客户' },
  'option.done_by_hand': { en: 'Done by hand', 'zh-CN': '已手工完成' },
  'option.fixed': { en: 'Fixed again', 'zh-CN': '已再次修复' },

  // Fields a decision asks for, by field name.
  'field.eta': { en: 'Supplier ETA', 'zh-CN': '供应商到货时间' },
  'field.itemCode': { en: 'Alternate item code', 'zh-CN': '替代物料编码' },
  'field.newDate': { en: 'New plan date', 'zh-CN': '新计划日期' },

  // SOP steps (live state, timeline).
  'step.check_stock': { en: 'Check stock', 'zh-CN': '查询库存' },
  'step.transfer': { en: 'Transfer to the line', 'zh-CN': '调拨到产线' },
  'step.dispatch': { en: 'Dispatch', 'zh-CN': '配送' },
  'step.material_request': { en: 'Material request', 'zh-CN': '物料请购' },
  'step.supplier': { en: 'Supplier', 'zh-CN': '供应商' },
  'step.reschedule': { en: 'Reschedule', 'zh-CN': '重排计划' },
  'step.await_material': { en: 'Waiting for the material', 'zh-CN': '等待物料到货' },
  'step.maintenance_request': { en: 'Maintenance request', 'zh-CN': '维修申请' },
  'step.repair': { en: 'Repair', 'zh-CN': '维修' },
  'step.await_running': { en: 'Waiting for the equipment to run', 'zh-CN': '等待设备恢复运行' },
  'step.hold': { en: 'Quality hold', 'zh-CN': '质量冻结' },
  'step.disposition_decision': { en: 'Disposition decision', 'zh-CN': '处置决定' },
  'step.execute_disposition': { en: 'Execute the disposition', 'zh-CN': '执行处置' },
  'step.recall': { en: 'Recall', 'zh-CN': '召回' },
  'step.plan_decision': { en: 'Plan decision', 'zh-CN': '计划决定' },
  'step.await_back_on_track': { en: 'Waiting to be back on track', 'zh-CN': '等待恢复正常' },
  'step.update_work_order': { en: 'Update the work order', 'zh-CN': '更新工单' },
  'step.customer_notification': { en: 'Customer notification', 'zh-CN': '通知客户' },
  'step.reopened_follow_up': { en: 'Follow-up after reopening', 'zh-CN': '重新打开后的跟进' },

  // Resolutions the SOP records when it closes the loop itself.
  'resolution.material_transferred': {
    en: '{itemCode} transferred from {warehouse} ({docId}) and delivered',
    'zh-CN': '{itemCode} 已从 {warehouse} 调拨（{docId}）并送达',
  },
  'resolution.alternate_delivered': {
    en: 'alternate {alternate} delivered instead of {itemCode}',
    'zh-CN': '已送达替代物料 {alternate}（替代 {itemCode}）',
  },
  'resolution.disposition_executed': {
    en: '{disposition} executed for lot {lot} ({docId})',
    'zh-CN': '批次 {lot} 已执行处置：{disposition}（{docId}）',
  },
  'resolution.new_date_confirmed': {
    en: 'new date {newDate} confirmed for order {orderId}',
    'zh-CN': '订单 {orderId} 的新日期 {newDate} 已确认',
  },
  'resolution.fixed_after_reopening': { en: 'fixed after reopening', 'zh-CN': '重新打开后已修复' },
} as const satisfies Record<string, Texts>;

export type MessageKey = keyof typeof CATALOG;

/** A reference to a catalog message (what SOPs put in workflow data). */
export const msg = (key: MessageKey, params: MessageParams = {}): MessageRef => ({ key, params });

export const hasMessage = (key: string): key is MessageKey => Object.hasOwn(CATALOG, key);

/** Values that are themselves message keys (e.g. a disposition's name) render in the same locale. */
const value = (v: string | number, locale: Locale): string => {
  if (typeof v === 'string' && v.startsWith('@') && hasMessage(v.slice(1)))
    return CATALOG[v.slice(1) as MessageKey][locale];
  return String(v);
};

/** Fills `{name}` placeholders; a missing value leaves the placeholder visible rather than lying. */
export function interpolate(text: string, params: MessageParams, locale: Locale = 'en'): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? value(params[name]!, locale) : whole,
  );
}

/** Renders a catalog message in a locale. */
export function render(key: MessageKey, params: MessageParams, locale: Locale): string {
  return interpolate(CATALOG[key][locale], params, locale);
}

/** Renders a reference; one from a newer catalog this code does not know renders its key. */
export function renderRef(ref: MessageRef, locale: Locale): string {
  return hasMessage(ref.key) ? render(ref.key, ref.params, locale) : ref.key;
}

/** Whether a value looks like a message reference (workflow data is untyped JSON at the edges). */
export function isMessageRef(v: unknown): v is MessageRef {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as { key?: unknown; params?: unknown };
  return typeof r.key === 'string' && typeof r.params === 'object' && r.params !== null;
}

/**
 * A text for a reader: the reference rendered in their locale when there is one, else the string as
 * it was recorded (cases from before message keys carry English strings: shown as they are).
 */
export function textFor(ref: unknown, fallback: string, locale: Locale): string {
  return isMessageRef(ref) && hasMessage(ref.key) ? renderRef(ref, locale) : fallback;
}

/** A decision option's label in a locale (by its id), or the label it was recorded with. */
export function optionLabel(option: { id: string; label: string }, locale: Locale): string {
  const key = `option.${option.id}`;
  return hasMessage(key) ? CATALOG[key][locale] : option.label;
}

/** A decision field's label in a locale (by its name), or the label it was recorded with. */
export function fieldLabel(field: { name: string; label: string }, locale: Locale): string {
  const key = `field.${field.name}`;
  return hasMessage(key) ? CATALOG[key][locale] : field.label;
}

/** An SOP step's name in a locale; unknown steps show as recorded. */
export function stepName(step: string, locale: Locale): string {
  const key = `step.${step}`;
  return hasMessage(key) ? CATALOG[key][locale] : step;
}

/** Every key, for tests that check both languages are complete. */
export const MESSAGE_KEYS = Object.keys(CATALOG) as MessageKey[];
