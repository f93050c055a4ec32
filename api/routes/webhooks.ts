/**
 * /api/v1/webhooks — outgoing webhooks, MES write-back included (an endpoint with a `source` gets
 * only that source's cases, and its deliveries go on their timelines). The signing secret is shown
 * once, at creation and at each rotation; "send test event" posts a signed `webhook.test` at once
 * and answers with what the receiver said.
 */
import { Router } from 'express';
import {
  getDelivery,
  insertTestDelivery,
  listDeliveries,
  markDeliveryFailed,
  recordAttempt,
  toDelivery,
  toWebhookEvent,
} from '../../db/webhook-deliveries.js';
import {
  createEndpoint,
  deleteEndpoint,
  endpointForSigning,
  getEndpoint,
  listEndpoints,
  rotateEndpointSecret,
  updateEndpoint,
} from '../../db/webhooks.js';
import type { Db } from '../../db/index.js';
import {
  createWebhookBody,
  deliveriesQuery,
  updateWebhookBody,
  WEBHOOK_EVENT_TYPES,
  webhookIdParams,
} from '../../domain/contracts/webhooks.js';
import { SecretUnreadable, type SecretBox } from '../../lib/secret-box.js';
import { generateSigningSecret } from '../../lib/signature.js';
import { postSignedEvent } from '../../lib/webhook-http.js';
import { requireRole } from '../auth.js';
import { conflict, invalid, notFound, parse } from '../problem.js';

export interface WebhookRouteDeps {
  db: Db;
  secrets: SecretBox;
  /** Base of case links in events. */
  publicUrl: () => string;
  /** Plain http:// beyond loopback (ANDON_WEBHOOK_ALLOW_HTTP). */
  allowHttp?: boolean;
  /** How long one POST may take. */
  timeoutMs?: number;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

export function webhookRoutes(deps: WebhookRouteDeps): Router {
  const { db, secrets } = deps;
  const r = Router();
  const admin = requireRole('admin');

  /** https everywhere; plain http only to this machine, unless the plant allows it on its network. */
  const checkUrl = (url: string | undefined): void => {
    if (url === undefined) return;
    const u = new URL(url);
    if (u.protocol === 'http:' && !deps.allowHttp && !LOOPBACK.test(u.hostname))
      throw invalid([
        {
          field: 'url',
          message:
            'must be https:// (plain http:// only to this machine, or with ANDON_WEBHOOK_ALLOW_HTTP=true)',
        },
      ]);
  };
  const idOf = (params: unknown): number => parse(webhookIdParams, params, 'path').id;

  r.get('/webhooks', admin, async (_req, res) => {
    res.json({ webhooks: await listEndpoints(db) });
  });

  r.post('/webhooks', admin, async (req, res) => {
    const body = parse(createWebhookBody, req.body ?? {}, 'body');
    checkUrl(body.url);
    const secret = generateSigningSecret();
    const endpoint = await createEndpoint(db, {
      name: body.name,
      url: body.url,
      source: body.source ?? null,
      events: body.events ?? WEBHOOK_EVENT_TYPES,
      enabled: body.enabled,
      secretSealed: secrets.seal(secret),
    });
    res
      .status(201)
      .location(`/api/v1/webhooks/${endpoint.id}`)
      .json({ ...endpoint, secret });
  });

  r.get('/webhooks/:id', admin, async (req, res) => {
    const id = idOf(req.params);
    const endpoint = await getEndpoint(db, id);
    if (!endpoint) throw notFound(`webhook ${id}`);
    res.json(endpoint);
  });

  r.put('/webhooks/:id', admin, async (req, res) => {
    const id = idOf(req.params);
    const body = parse(updateWebhookBody, req.body ?? {}, 'body');
    checkUrl(body.url);
    if (!(await updateEndpoint(db, id, body))) throw notFound(`webhook ${id}`);
    res.json(await getEndpoint(db, id));
  });

  r.delete('/webhooks/:id', admin, async (req, res) => {
    const id = idOf(req.params);
    if (!(await deleteEndpoint(db, id))) throw notFound(`webhook ${id}`);
    res.status(204).end();
  });

  r.post('/webhooks/:id/rotate-secret', admin, async (req, res) => {
    const id = idOf(req.params);
    const secret = generateSigningSecret();
    if (!(await rotateEndpointSecret(db, id, secrets.seal(secret)))) throw notFound(`webhook ${id}`);
    res.json({ ...(await getEndpoint(db, id))!, secret });
  });

  r.post('/webhooks/:id/test', admin, async (req, res) => {
    const id = idOf(req.params);
    const endpoint = await endpointForSigning(db, id);
    if (!endpoint) throw notFound(`webhook ${id}`);
    let secret: string;
    try {
      secret = secrets.open(endpoint.secretSealed);
    } catch (err) {
      if (err instanceof SecretUnreadable) throw conflict(err.message);
      throw err;
    }
    const row = await insertTestDelivery(db, id);
    const sent = await postSignedEvent({
      url: endpoint.url,
      secret,
      body: JSON.stringify(toWebhookEvent(row, deps.publicUrl())),
      eventType: row.event_type,
      eventId: row.event_id,
      deliveryId: row.id,
      timeoutMs: deps.timeoutMs ?? 10_000,
    });
    await recordAttempt(db, row.id, sent);
    // A test is not retried: failed is its last word (the log keeps what the receiver said).
    if (!sent.ok) await markDeliveryFailed(db, row.id, 'failed', sent.error ?? 'failed');
    res.json(toDelivery((await getDelivery(db, row.id))!));
  });

  r.get('/webhooks/:id/deliveries', admin, async (req, res) => {
    const id = idOf(req.params);
    const q = parse(deliveriesQuery, req.query, 'query');
    if (!(await getEndpoint(db, id))) throw notFound(`webhook ${id}`);
    res.json(await listDeliveries(db, id, q));
  });

  return r;
}
