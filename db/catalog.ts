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

type Row = Record<string, unknown>;

export async function getExceptionType(db: Db, code: string): Promise<ExceptionTypeRecord | null> {
  const row: Row | undefined = await db('exception_types').where({ code }).first();
  if (!row) return null;
  const reasons: Row[] = await db('reason_codes').where({ type: code }).orderBy('code');
  return {
    code: row.code as string,
    nameEn: row.name_en as string,
    nameZh: row.name_zh as string,
    description: (row.description as string | null) ?? null,
    sopParams: row.sop_params as Partial<SopParams>,
    reopenWindowSeconds: row.reopen_window_seconds as number,
    reasonCodes: reasons.map((r) => ({
      code: r.code as string,
      nameEn: r.name_en as string,
      nameZh: r.name_zh as string,
      active: r.active as boolean,
    })),
  };
}

/** Every type of the catalog, by code. */
export async function listExceptionTypes(db: Db): Promise<ExceptionTypeRecord[]> {
  const codes: Row[] = await db('exception_types').orderBy('code').select('code');
  const types = await Promise.all(codes.map((c) => getExceptionType(db, String(c.code))));
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
  const row = (await db('exception_types').where({ code }).first('sop_params', 'reopen_window_seconds')) as
    Row | undefined;
  if (!row) return null;
  return {
    sop: row.sop_params as Partial<SopParams>,
    reopenWindowSeconds: row.reopen_window_seconds as number,
  };
}
