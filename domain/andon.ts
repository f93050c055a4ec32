/**
 * The andon light of a case and of a station: what colour the wall screen shows. Pure rules, shared
 * by the board query (db/andon-board.ts) and the TV page.
 *   red   — escalated (a level above the first was paged) or its SLA is breached / past;
 *   amber — open or acknowledged: people are on it;
 *   blue  — waiting on material or on the ERP (the SOP is at such a step, no person is being paged);
 *   green — nothing active (a resolved case awaiting its close is green too: the line runs).
 */
import type { CaseStatus } from './model.js';

export const ANDON_COLOURS = ['red', 'amber', 'blue', 'green'] as const;
export type AndonColour = (typeof ANDON_COLOURS)[number];

/** SOP steps (see workflows/sop/*.ts STEPS) at which a case waits on material or on the ERP. */
export const WAITING_STEPS: Readonly<Record<string, 'material' | 'erp'>> = {
  await_material: 'material',
  material_request: 'material',
  transfer: 'material',
  check_stock: 'erp',
  maintenance_request: 'erp',
  hold: 'erp',
  update_work_order: 'erp',
  execute_disposition: 'erp',
  customer_notification: 'erp',
  reschedule: 'erp',
};

export interface AndonCaseFacts {
  status: CaseStatus;
  escalationLevel: number;
  slaBreached: boolean;
  slaDeadline: string | null;
  currentStep: string | null;
  /** Whether a person has an open or acknowledged task on the case. */
  peopleTasks: boolean;
}

export function caseColour(c: AndonCaseFacts, now: Date): AndonColour {
  if (c.status === 'resolved' || c.status === 'closed' || c.status === 'cancelled') return 'green';
  const past = c.slaDeadline !== null && Date.parse(c.slaDeadline) <= now.getTime();
  if (c.escalationLevel > 0 || c.slaBreached || past) return 'red';
  if (!c.peopleTasks && c.currentStep !== null && WAITING_STEPS[c.currentStep]) return 'blue';
  return 'amber';
}

/** The colour of a tile: the most urgent of its cases' colours (green when it has none). */
export function worstColour(colours: readonly AndonColour[]): AndonColour {
  for (const c of ANDON_COLOURS) if (colours.includes(c)) return c;
  return 'green';
}
