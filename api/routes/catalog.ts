/** /api/v1/exception-types and /api/v1/policies: the catalog and escalation policies (admin). */
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/index.js';
import { upsertPolicy } from '../../db/policies.js';
import { exceptionTypeBody, policyBody, type LadderLevel } from '../../domain/contracts/policy.js';
import { idParam } from '../../domain/contracts/rules.js';
import { EXCEPTION_TYPES } from '../../domain/model.js';
import { requireRole } from '../auth.js';
import { HttpProblem, notFound, parse } from '../problem.js';

const codeParams = z.object({
  code: z.enum(EXCEPTION_TYPES, { message: `must be one of ${EXCEPTION_TYPES.join(', ')}` }),
});
const idParams = z.object({ id: idParam('policy') });

type Row = Record<string, unknown>;

async function exceptionType(db: Db, code: string): Promise<Row | null> {
  const row: Row | undefined = await db('exception_types').where({ code }).first();
  if (!row) return null;
  const reasons: Row[] = await db('reason_codes').where({ type: code }).orderBy('code');
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

const policyView = (r: Row) => ({
  id: r.id,
  type: r.type,
  severity: r.severity ?? null,
  line: r.line ?? null,
  ladder: r.ladder as LadderLevel[],
  resolveSlaSeconds: r.resolve_sla_seconds,
  repeatCount: r.repeat_count,
  updatedAt: new Date(r.updated_at as string).toISOString(),
});

export function catalogRoutes({ db }: { db: Db }): Router {
  const r = Router();

  r.get('/exception-types', requireRole('staff'), async (_req, res) => {
    const codes: Row[] = await db('exception_types').orderBy('code').select('code');
    res.json({ exceptionTypes: await Promise.all(codes.map((c) => exceptionType(db, String(c.code)))) });
  });

  r.get('/exception-types/:code', requireRole('staff'), async (req, res) => {
    const { code } = parse(codeParams, req.params, 'path');
    const found = await exceptionType(db, code);
    if (!found) throw notFound(`exception type ${code}`);
    res.json(found);
  });

  /** Replaces a type's names, SOP parameters, reopen window and (when given) its reason codes. */
  r.put('/exception-types/:code', requireRole('admin'), async (req, res) => {
    const { code } = parse(codeParams, req.params, 'path');
    const b = parse(exceptionTypeBody, req.body ?? {}, 'body');
    const codes = b.reasonCodes?.map((c) => c.code) ?? [];
    if (new Set(codes).size !== codes.length) {
      throw new HttpProblem(400, 'Invalid request', 'reasonCodes: codes must be unique', [
        { field: 'reasonCodes', message: 'codes must be unique' },
      ]);
    }
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
        // Codes dropped from the list are deactivated, not deleted: closed cases still refer to them.
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
    res.json(await exceptionType(db, code));
  });

  r.get('/policies', requireRole('supervisor'), async (_req, res) => {
    const rows: Row[] = await db('escalation_policies').orderBy(['type', 'id']);
    res.json({ policies: rows.map(policyView) });
  });

  r.get('/policies/:id', requireRole('supervisor'), async (req, res) => {
    const { id } = parse(idParams, req.params, 'path');
    const row: Row | undefined = await db('escalation_policies').where({ id }).first();
    if (!row) throw notFound(`policy ${id}`);
    res.json(policyView(row));
  });

  /** Creates the policy of a (type, severity, line) scope, or replaces the one that scope has. */
  r.post('/policies', requireRole('admin'), async (req, res) => {
    const b = parse(policyBody, req.body ?? {}, 'body');
    const existed = await db('escalation_policies')
      .where({ type: b.type })
      .andWhereRaw(`coalesce(severity, '') = ? and coalesce(line, '') = ?`, [b.severity ?? '', b.line ?? ''])
      .first('id');
    const id = await upsertPolicy(db, b);
    const row: Row = await db('escalation_policies').where({ id }).first();
    res
      .status(existed ? 200 : 201)
      .location(`/api/v1/policies/${id}`)
      .json(policyView(row));
  });

  r.delete('/policies/:id', requireRole('admin'), async (req, res) => {
    const { id } = parse(idParams, req.params, 'path');
    const deleted = await db('escalation_policies').where({ id }).delete();
    if (deleted === 0) throw notFound(`policy ${id}`);
    res.status(204).end();
  });

  return r;
}
