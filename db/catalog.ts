/** The exception catalog: each type's names, SOP parameters, reopen window and reason codes. */
import type { ExceptionTypeBody, SopParams } from '../domain/contracts/policy.js';
import type { Db } from './index.js';

export interface ReasonCodeRecord {
  code: string;
  nameEn: string;
  nameZh: string;
  active: boolean;
}

export interface ExceptionTypeRecord {
  code: string;
  nameEn: string;
  nameZh: string;
  description: string | null;
  sopParams: Partial<SopParams>;
  reopenWindowSeconds: number;
  reasonCodes: ReasonCodeRecord[];
}

interface ExceptionTypeRow {
  code: string;
  name_en: string;
  name_zh: string;
  description: string | null;
  sop_params: Partial<SopParams>;
  reopen_window_seconds: number;
  updated_at: Date;
}

interface ReasonCodeRow {
  id: number;
  type: string;
  code: string;
  name_en: string;
  name_zh: string;
  active: boolean;
}

export async function getExceptionType(db: Db, code: string): Promise<ExceptionTypeRecord | null> {
  const row = await db<ExceptionTypeRow>('exception_types').where({ code }).first();
  if (!row) return null;
  const reasons = await db<ReasonCodeRow>('reason_codes').where({ type: code }).orderBy('code');
  return {
    code: row.code,
    nameEn: row.name_en,
    nameZh: row.name_zh,
    description: row.description ?? null,
    sopParams: row.sop_params,
    reopenWindowSeconds: row.reopen_window_seconds,
    reasonCodes: reasons.map((r) => ({
      code: r.code,
      nameEn: r.name_en,
      nameZh: r.name_zh,
      active: r.active,
    })),
  };
}

/** Every type of the catalog, by code. */
export async function listExceptionTypes(db: Db): Promise<ExceptionTypeRecord[]> {
  const codes = await db<ExceptionTypeRow>('exception_types').orderBy('code').select('code');
  const types = await Promise.all(codes.map((c) => getExceptionType(db, c.code)));
  return types.filter((t): t is ExceptionTypeRecord => t !== null);
}

/**
 * Creates or replaces a type's names, SOP parameters, reopen window and (when given) its reason
 * codes, in one transaction. Codes dropped from the list are deactivated, not deleted: closed cases
 * still refer to them.
 */
export async function saveExceptionType(db: Db, code: string, b: ExceptionTypeBody): Promise<void> {
  await db.transaction(async (trx) => {
    const row = {
      name_en: b.nameEn,
      name_zh: b.nameZh,
      description: b.description ?? null,
      sop_params: JSON.stringify(b.sopParams ?? {}),
      ...(b.reopenWindowSeconds !== undefined ? { reopen_window_seconds: b.reopenWindowSeconds } : {}),
      updated_at: trx.fn.now(),
    };
    await trx('exception_types')
      .insert({ code, ...row })
      .onConflict('code')
      .merge(row);
    if (b.reasonCodes) {
      const codes = b.reasonCodes.map((c) => c.code);
      await trx('reason_codes').where({ type: code }).whereNotIn('code', codes).update({ active: false });
      for (const c of b.reasonCodes) {
        const values = { name_en: c.nameEn, name_zh: c.nameZh, active: c.active };
        await trx('reason_codes')
          .insert({ type: code, code: c.code, ...values })
          .onConflict(['type', 'code'])
          .merge(values);
      }
    }
  });
}

/** What a new case of the type snapshots from the catalog; null when the type is not in it. */
export async function catalogSnapshot(
  db: Db,
  code: string,
): Promise<{ sop: Partial<SopParams>; reopenWindowSeconds: number } | null> {
  const row = await db<ExceptionTypeRow>('exception_types')
    .where({ code })
    .first('sop_params', 'reopen_window_seconds');
  if (!row) return null;
  return { sop: row.sop_params, reopenWindowSeconds: row.reopen_window_seconds };
}
