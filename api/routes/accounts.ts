/**
 * /api/v1/people/{id}/password and /unlock: a person's web sign-in. A new password ends every
 * session the person has; unlocking lifts the lockout that repeated wrong passwords set. Both are
 * in the audit log (the password itself never is). See also /api/v1/users (api/routes/users.ts).
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/index.js';
import { passwordBody } from '../../domain/contracts/accounts.js';
import { idParam } from '../../domain/contracts/rules.js';
import { setUserPassword, unlockUser } from '../../lib/accounts.js';
import { auditActor } from '../audit.js';
import { requireRole } from '../auth.js';
import { notFound, parse } from '../problem.js';

const personParams = z.object({ id: idParam('person') });

export function accountRoutes({ db }: { db: Db }): Router {
  const r = Router();

  r.put('/people/:id/password', requireRole('admin'), async (req, res) => {
    const { id } = parse(personParams, req.params, 'path');
    const { password } = parse(passwordBody, req.body ?? {}, 'body');
    if (!(await setUserPassword(db, auditActor(req), id, password))) throw notFound(`person ${id}`);
    res.status(204).end();
  });

  r.post('/people/:id/unlock', requireRole('supervisor'), async (req, res) => {
    const { id } = parse(personParams, req.params, 'path');
    if (!(await unlockUser(db, auditActor(req), id))) throw notFound(`person ${id}`);
    res.status(204).end();
  });

  return r;
}
