/** GET /api/v1/audit (admin): the audit log, newest first, filtered and paged. */
import { Router } from 'express';
import { listAudit } from '../../db/audit-log.js';
import type { Db } from '../../db/index.js';
import { auditQuery } from '../../domain/contracts/accounts.js';
import { requireRole } from '../auth.js';
import { parse } from '../problem.js';

export function auditRoutes({ db }: { db: Db }): Router {
  const r = Router();
  r.get('/audit', requireRole('admin'), async (req, res) => {
    res.json(await listAudit(db, parse(auditQuery, req.query, 'query')));
  });
  return r;
}
