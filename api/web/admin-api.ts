/**
 * The admin editors change things through the very same REST routers the API serves (same zod
 * contracts, same checks, same problem+json refusals), mounted at /admin/api/v1 for a signed-in
 * admin: the session stands in for an admin API key. Cross-site requests cannot use it: every
 * change needs the `X-Andon-UI: 1` header (a cross-site form cannot send it, and fetch would need
 * a CORS preflight this server never grants) and an Origin, when sent, of this site.
 */
import { Router, type RequestHandler } from 'express';
import type { Db } from '../../db/index.js';
import type { Logger } from '../../lib/logger.js';
import { HttpProblem, problemHandler } from '../problem.js';
import { catalogRoutes } from '../routes/catalog.js';
import { displayTokenRoutes } from '../routes/display-tokens.js';
import { peopleRoutes } from '../routes/people.js';

export const ADMIN_API = '/admin/api/v1';

const sessionAsAdminKey: RequestHandler = (req, _res, next) => {
  const user = req.webUser;
  if (!user) throw new HttpProblem(401, 'Unauthorized', 'sign in as an admin first');
  if (user.role !== 'admin') throw new HttpProblem(403, 'Forbidden', 'this needs the admin role');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    if (req.get('x-andon-ui') !== '1')
      throw new HttpProblem(403, 'Forbidden', 'changes from the web UI carry the header X-Andon-UI: 1');
    const origin = req.get('origin');
    if (origin && origin !== `${req.protocol}://${req.get('host')}`)
      throw new HttpProblem(403, 'Forbidden', 'cross-site request refused');
  }
  req.apiKey = { id: 0, name: user.name, role: 'admin', personId: user.personId };
  next();
};

const notHere: RequestHandler = (req) => {
  throw new HttpProblem(404, 'Not Found', `no route for ${req.method} ${req.path}`);
};

/** The API's routers the editors use (the OpenAPI document lists their routes under ADMIN_API). */
export const ADMIN_API_ROUTERS = (deps: { db: Db; timeZone: string }): Router[] => [
  peopleRoutes(deps),
  catalogRoutes(deps),
  displayTokenRoutes(deps),
];

export function adminApi(deps: { db: Db; timeZone: string; logger: Logger }): Router {
  const r = Router();
  r.use(ADMIN_API, sessionAsAdminKey, ...ADMIN_API_ROUTERS(deps), notHere, problemHandler(deps.logger));
  return r;
}
