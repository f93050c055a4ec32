/**
 * The OpenAPI document lists every route the application serves — walked from Express's own router
 * with every optional part switched on — with a response schema for each JSON answer, and real
 * answers fit those schemas.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Express } from 'express';
import type { z } from 'zod';
import { createApp } from '../api/app.js';
import { createCaseClient } from '../api/case-client.js';
import { OPERATIONS, openApiDocument, openApiPath } from '../api/openapi.js';
import {
  caseListResponse,
  caseResponse,
  devMailResponse,
  devSmsResponse,
  exceptionTypesResponse,
  healthResponse,
  notificationsResponse,
  peopleResponse,
  policiesResponse,
  readyResponse,
  summaryResponse,
  timelineResponse,
} from '../domain/contracts/responses.js';
import { createLogger } from '../lib/logger.js';
import { RecordingSms } from '../lib/recording-sms.js';
import { caseApi } from './helpers/cases.js';
import { startHarness, type Harness } from './helpers/harness.js';

let h: Harness;

before(async () => {
  h = await startHarness(fileURLToPath(import.meta.url));
  await h.addPerson({ name: 'Li Wei', roles: [{ role: 'maintenance', line: 'L1' }] });
});

after(async () => {
  await h?.stop();
});

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: string | string[];
}

/** Every (method, path) an Express app routes, mounted routers included. */
function routesOf(app: Express): string[] {
  const out: string[] = [];
  const walk = (stack: Layer[], prefix: string): void => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const p of paths)
          for (const m of Object.keys(layer.route.methods))
            if (m !== '_all') out.push(`${m.toUpperCase()} ${prefix}${p}`);
      } else if (layer.handle?.stack) {
        const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
        walk(layer.handle.stack, `${prefix}${mount}`);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return [...new Set(out)].sort();
}

describe('the OpenAPI document', () => {
  it('lists every route the application serves, and nothing it does not', () => {
    const app = createApp({
      db: h.db,
      cases: createCaseClient(h.temporal, { taskQueue: h.taskQueue }),
      logger: createLogger('warn'),
      devMail: h.mail,
      devSms: new RecordingSms(),
      links: h.links,
      twilioAuthToken: 'token',
      web: { sessionSecret: 'a-session-secret-of-enough-length-0123' },
    });
    const routed = routesOf(app);
    assert.ok(routed.length > 50, `the walk finds the routes (${routed.length})`);
    const documented = OPERATIONS.map((o) => `${o.method.toUpperCase()} ${o.path}`).sort();
    assert.deepEqual(
      routed.filter((r) => !documented.includes(r)),
      [],
      'routes missing from the document',
    );
    assert.deepEqual(
      documented.filter((d) => !routed.includes(d)),
      [],
      'documented operations that are not routed',
    );

    const doc = openApiDocument() as {
      paths: Record<
        string,
        Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>
      >;
    };
    for (const o of OPERATIONS) {
      const op = doc.paths[openApiPath(o.path)]?.[o.method];
      assert.ok(op, `${o.method} ${o.path} in paths`);
      const statuses = Object.keys(op.responses);
      assert.ok(
        statuses.some((s) => Number(s) < 400),
        `${o.method} ${o.path} documents its success answer`,
      );
      for (const [status, answer] of Object.entries(o.responses))
        if (answer.json)
          assert.ok(
            op.responses[status]?.content?.['application/json'],
            `${o.method} ${o.path} ${status} has a JSON schema`,
          );
    }
    // Every JSON answer of the REST API has a schema.
    for (const o of OPERATIONS.filter((x) => x.auth === 'bearer' && x.method === 'get'))
      assert.ok(o.responses['200']?.json, `GET ${o.path} describes its JSON`);
  });

  it('describes what the API really answers', async () => {
    const c = caseApi(h);
    const id = await c.open('equipment_fault', { equipment: { equipmentId: 'PRESS-3', faultCode: 'E42' } });
    await c.waitForEvent(id, 'notified');
    const fits = async (path: string, schema: z.ZodType, key: string | null = h.keys.admin) => {
      const res = await h.api('GET', path, { key });
      assert.equal(res.status, 200, `${path}: ${JSON.stringify(res.body)}`);
      const parsed = schema.safeParse(res.body);
      assert.ok(
        parsed.success,
        `${path} fits its schema: ${JSON.stringify(parsed.error?.issues.slice(0, 3))}`,
      );
    };
    await fits(`/api/v1/cases/${id}`, caseResponse);
    await fits('/api/v1/cases', caseListResponse);
    await fits(`/api/v1/cases/${id}/timeline`, timelineResponse);
    await fits(`/api/v1/notifications?caseId=${id}`, notificationsResponse);
    await fits('/api/v1/exception-types', exceptionTypesResponse);
    await fits('/api/v1/policies', policiesResponse);
    await fits('/api/v1/people', peopleResponse);
    await fits('/api/v1/reports/summary?groupBy=type', summaryResponse);
    await fits('/api/v1/dev/mail', devMailResponse);
    await fits('/api/v1/dev/sms', devSmsResponse);
    await fits('/healthz', healthResponse, null);
    await fits('/readyz', readyResponse, null);
    const acked = await c.post(id, 'ack', {}, h.keys.staff);
    assert.ok(caseResponse.safeParse(acked.body).success, 'an action answers the case with its live state');
  });
});
