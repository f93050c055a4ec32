/**
 * The stamp every ERP document Andon makes carries: the case's step key (`case-12:e0:erp:hold`),
 * which names the case and the SOP step and is globally unique. An adapter searches the ERP for
 * the stamp before it creates, and creates only if nothing carries it: so a retry, a worker killed
 * between the ERP's commit and its answer, or a replayed activity never makes a second document.
 */
import type { DocRef } from './types.js';

/** `[andon case-12:e0:erp:hold]`: brackets end the stamp, so no step's stamp contains another's. */
export const stampOf = (ref: DocRef): string => `[andon ${ref.stepKey}]`;

/** The prefix every stamp of a case starts with (its step keys start with its workflow id). */
export const caseStampPrefix = (caseId: number): string => `[andon case-${caseId}:`;

/** `case-12` */
export const caseRefOf = (caseId: number): string => `case-${caseId}`;

/** Whether a text really carries the stamp (a LIKE search may match more: `_` is a wildcard). */
export const carriesStamp = (text: unknown, stamp: string): boolean =>
  typeof text === 'string' && text.includes(stamp);

/** The step key inside a stamp found in a text, or null. */
export function stepKeyIn(text: unknown): string | null {
  if (typeof text !== 'string') return null;
  return /\[andon ([^\]\s]+)\]/.exec(text)?.[1] ?? null;
}

/** The case id a step key belongs to (`case-12:…` → 12), or null. */
export function caseIdOfStepKey(stepKey: string): number | null {
  const m = /^case-(\d+):/.exec(stepKey);
  return m ? Number(m[1]) : null;
}
