/** /api/v1/exception-types and /api/v1/policies: the catalog and escalation policies (admin). */
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/index.js';
import { getExceptionType, listExceptionTypes, saveExceptionType } from '../../db/catalog.js';
import { missingGroupChannels } from '../../db/group-channels.js';
import { deletePolicy, getPolicy, listPolicies, scopePolicyId, upsertPolicy } from '../../db/policies.js';
import { exceptionTypeBody, policyBody } from '../../domain/contracts/policy.js';
import { idParam } from '../../domain/contracts/rules.js';
import { EXCEPTION_TYPES } from '../../domain/model.js';
import { audit } from '../audit.js';
import { requireRole } from '../auth.js';
import { HttpProblem, invalid, notFound, parse } from '../problem.js';

const codeParams = z.object({
  code: z.enum(EXCEPTION_TYPES, { message: `must be one of ${EXCEPTION_TYPES.join(', ')}` }),
});
const idParams = z.object({ id: idParam('policy') });

export function catalogRoutes({ db }: { db: Db }): Router {
  const r = Router();

  r.get('/exception-types', requireRole('staff'), async (_req, res) => {
    res.json({ exceptionTypes: await listExceptionTypes(db) });
  });

  r.get('/exception-types/:code', requireRole('staff'), async (req, res) => {
    const { code } = parse(codeParams, req.params, 'path');
    const found = await getExceptionType(db, code);
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
    const before = await getExceptionType(db, code);
    await saveExceptionType(db, code, b);
    const after = await getExceptionType(db, code);
    await audit(db, req, {
      action: 'exception_type.update',
      entity: 'exception_type',
      entityId: code,
      before,
      after,
    });
    res.json(after);
  });

  r.get('/policies', requireRole('supervisor'), async (_req, res) => {
    res.json({ policies: await listPolicies(db) });
  });

  r.get('/policies/:id', requireRole('supervisor'), async (req, res) => {
    const { id } = parse(idParams, req.params, 'path');
    const policy = await getPolicy(db, id);
    if (!policy) throw notFound(`policy ${id}`);
    res.json(policy);
  });

  /** Creates the policy of a (type, severity, line) scope, or replaces the one that scope has. */
  r.post('/policies', requireRole('admin'), async (req, res) => {
    const b = parse(policyBody, req.body ?? {}, 'body');
    const unknown = await Promise.all(
      b.ladder.map(async (l, i) => ({ i, missing: await missingGroupChannels(db, l.groupChannelIds ?? []) })),
    );
    const errors = unknown
      .filter((u) => u.missing.length > 0)
      .map((u) => ({
        field: `ladder.${u.i}.groupChannelIds`,
        message: `no group channel ${u.missing.join(', ')}`,
      }));
    if (errors.length > 0) throw invalid(errors);
    const existing = await scopePolicyId(db, b);
    const before = existing === null ? null : await getPolicy(db, existing);
    const id = await upsertPolicy(db, b);
    const after = await getPolicy(db, id);
    await audit(db, req, {
      action: before ? 'policy.update' : 'policy.create',
      entity: 'policy',
      entityId: id,
      before,
      after,
    });
    res
      .status(before ? 200 : 201)
      .location(`/api/v1/policies/${id}`)
      .json(after);
  });

  r.delete('/policies/:id', requireRole('admin'), async (req, res) => {
    const { id } = parse(idParams, req.params, 'path');
    const before = await getPolicy(db, id);
    if (!(await deletePolicy(db, id))) throw notFound(`policy ${id}`);
    await audit(db, req, { action: 'policy.delete', entity: 'policy', entityId: id, before });
    res.status(204).end();
  });

  return r;
}
