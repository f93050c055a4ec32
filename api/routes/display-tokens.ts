/**
 * /api/v1/display-tokens (admin): the read-only tokens andon wall screens open /andon with. The
 * token itself is answered once, when created; only its hash is kept. Revoking is immediate: the
 * screen's next request gets 401.
 */
import { Router } from 'express';
import {
  createDisplayToken,
  getDisplayToken,
  listDisplayTokens,
  revokeDisplayToken,
} from '../../db/display-tokens.js';
import type { Db } from '../../db/index.js';
import { missingLines } from '../../db/rosters.js';
import { displayTokenBody, displayTokenParams } from '../../domain/contracts/displays.js';
import { audit } from '../audit.js';
import { requireRole } from '../auth.js';
import { HttpProblem, notFound, parse } from '../problem.js';

export function displayTokenRoutes({ db }: { db: Db }): Router {
  const r = Router();
  const admin = requireRole('admin');

  r.get('/display-tokens', admin, async (_req, res) => {
    res.json({ displayTokens: await listDisplayTokens(db) });
  });

  r.post('/display-tokens', admin, async (req, res) => {
    const b = parse(displayTokenBody, req.body ?? {}, 'body');
    const missing = b.lines ? await missingLines(db, b.lines) : [];
    if (missing.length > 0) {
      throw new HttpProblem(400, 'Invalid request', `lines: no line ${missing.join(', ')}`, [
        {
          field: 'lines',
          message: `no line ${missing.join(', ')}; create it with PUT /api/v1/rosters/lines/{code}`,
        },
      ]);
    }
    const created = await createDisplayToken(db, b, req.apiKey?.personId ?? null);
    await audit(db, req, {
      action: 'display_token.create',
      entity: 'display_token',
      entityId: created.id,
      after: await getDisplayToken(db, created.id),
    });
    res
      .status(201)
      .location(`/api/v1/display-tokens/${created.id}`)
      .json({ ...created, url: `/andon?token=${created.token}` });
  });

  r.get('/display-tokens/:id', admin, async (req, res) => {
    const { id } = parse(displayTokenParams, req.params, 'path');
    const found = await getDisplayToken(db, id);
    if (!found) throw notFound(`display token ${id}`);
    res.json(found);
  });

  r.delete('/display-tokens/:id', admin, async (req, res) => {
    const { id } = parse(displayTokenParams, req.params, 'path');
    const before = await getDisplayToken(db, id);
    if (!(await revokeDisplayToken(db, id))) throw notFound(`display token ${id}`);
    await audit(db, req, { action: 'display_token.revoke', entity: 'display_token', entityId: id, before });
    res.status(204).end();
  });

  return r;
}
