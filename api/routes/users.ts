/**
 * /api/v1/users (admin): the people who sign in to the web UI — create (with an invitation link),
 * list, change role, deactivate and reactivate, invite again, reset a password (a new one-time
 * link; the old password and every session end at once). Every change goes to the audit log.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/index.js';
import { getUser, listUsers } from '../../db/users.js';
import { userBody, userPatch, usersQuery } from '../../domain/contracts/accounts.js';
import { idParam } from '../../domain/contracts/rules.js';
import { createUser, issuePasswordLink, unlockUser, updateUser } from '../../lib/accounts.js';
import { accountProblem, auditActor } from '../audit.js';
import { requireRole } from '../auth.js';
import { notFound, parse } from '../problem.js';

const userParams = z.object({ id: idParam('user') });

export function userRoutes(deps: { db: Db; publicUrl?: () => string }): Router {
  const { db } = deps;
  const publicUrl = deps.publicUrl ?? (() => 'http://localhost:3000');
  const r = Router();
  const admin = requireRole('admin');

  r.get('/users', admin, async (req, res) => {
    const q = parse(usersQuery, req.query, 'query');
    res.json({ users: await listUsers(db, q.active ? { active: q.active === 'true' } : {}) });
  });

  r.post('/users', admin, async (req, res) => {
    const body = parse(userBody, req.body ?? {}, 'body');
    const made = await createUser(db, auditActor(req), publicUrl(), body).catch(accountProblem);
    res.status(201).location(`/api/v1/users/${made.user.id}`).json(made);
  });

  r.get('/users/:id', admin, async (req, res) => {
    const { id } = parse(userParams, req.params, 'path');
    const user = await getUser(db, id);
    if (!user) throw notFound(`user ${id}`);
    res.json(user);
  });

  r.patch('/users/:id', admin, async (req, res) => {
    const { id } = parse(userParams, req.params, 'path');
    const patch = parse(userPatch, req.body ?? {}, 'body');
    res.json(await updateUser(db, auditActor(req), id, patch).catch(accountProblem));
  });

  for (const purpose of ['invite', 'reset'] as const) {
    r.post(`/users/:id/${purpose}`, admin, async (req, res) => {
      const { id } = parse(userParams, req.params, 'path');
      res
        .status(201)
        .json(await issuePasswordLink(db, auditActor(req), publicUrl(), id, purpose).catch(accountProblem));
    });
  }

  r.post('/users/:id/unlock', requireRole('supervisor'), async (req, res) => {
    const { id } = parse(userParams, req.params, 'path');
    if (!(await unlockUser(db, auditActor(req), id))) throw notFound(`user ${id}`);
    res.status(204).end();
  });

  return r;
}
