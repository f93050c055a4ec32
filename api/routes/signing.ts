/**
 * /api/v1/api-keys/{id}/signing-secret — makes an API key sign its writes (api/inbound-signature.ts).
 * The secret is shown once; setting a new one replaces it at once (the MES then signs with the new).
 */
import { Router } from 'express';
import { clearSigningSecret, setSigningSecret } from '../../db/inbound-signatures.js';
import type { Db } from '../../db/index.js';
import { apiKeyIdParams } from '../../domain/contracts/webhooks.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { generateSigningSecret } from '../../lib/signature.js';
import { requireRole } from '../auth.js';
import { notFound, parse } from '../problem.js';

export function signingRoutes({ db, secrets }: { db: Db; secrets: SecretBox }): Router {
  const r = Router();

  r.post('/api-keys/:id/signing-secret', requireRole('admin'), async (req, res) => {
    const { id } = parse(apiKeyIdParams, req.params, 'path');
    const secret = generateSigningSecret();
    if (!(await setSigningSecret(db, id, secrets.seal(secret)))) throw notFound(`API key ${id}`);
    res.status(201).json({ apiKeyId: id, signatureRequired: true, secret });
  });

  r.delete('/api-keys/:id/signing-secret', requireRole('admin'), async (req, res) => {
    const { id } = parse(apiKeyIdParams, req.params, 'path');
    if (!(await clearSigningSecret(db, id))) throw notFound(`API key ${id}`);
    res.status(204).end();
  });

  return r;
}
