/**
 * /api/v1/api-keys (admin): issue a key (its value is in the answer, once, and never again), list
 * keys (their first characters, who made them, when last used), rotate (a new value; the old one
 * stops now or after an overlap), revoke (refused at once: the next request with it gets 401).
 */
import { Router } from 'express';
import { z } from 'zod';
import { getApiKey, listApiKeys } from '../../db/api-keys.js';
import type { Db } from '../../db/index.js';
import { apiKeyBody, apiKeysQuery, rotateBody } from '../../domain/contracts/accounts.js';
import { idParam } from '../../domain/contracts/rules.js';
import { issueApiKey, revokeKey, rotateKey } from '../../lib/accounts.js';
import { accountProblem, auditActor } from '../audit.js';
import { requireRole } from '../auth.js';
import { notFound, parse } from '../problem.js';

const keyParams = z.object({ id: idParam('API key') });

export function apiKeyRoutes({ db }: { db: Db }): Router {
  const r = Router();
  const admin = requireRole('admin');

  r.get('/api-keys', admin, async (req, res) => {
    const q = parse(apiKeysQuery, req.query, 'query');
    res.json({ apiKeys: await listApiKeys(db, { active: q.active === 'true' }) });
  });

  r.post('/api-keys', admin, async (req, res) => {
    const body = parse(apiKeyBody, req.body ?? {}, 'body');
    const issued = await issueApiKey(db, auditActor(req), body).catch(accountProblem);
    res.status(201).location(`/api/v1/api-keys/${issued.apiKey.id}`).json(issued);
  });

  r.get('/api-keys/:id', admin, async (req, res) => {
    const { id } = parse(keyParams, req.params, 'path');
    const key = await getApiKey(db, id);
    if (!key) throw notFound(`API key ${id}`);
    res.json(key);
  });

  r.post('/api-keys/:id/rotate', admin, async (req, res) => {
    const { id } = parse(keyParams, req.params, 'path');
    const { overlapSeconds } = parse(rotateBody, req.body ?? {}, 'body');
    const issued = await rotateKey(db, auditActor(req), id, overlapSeconds).catch(accountProblem);
    res.status(201).location(`/api/v1/api-keys/${issued.apiKey.id}`).json(issued);
  });

  r.delete('/api-keys/:id', admin, async (req, res) => {
    const { id } = parse(keyParams, req.params, 'path');
    res.json(await revokeKey(db, auditActor(req), id).catch(accountProblem));
  });

  return r;
}
