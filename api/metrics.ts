/**
 * Prometheus metrics at GET /metrics: process defaults, HTTP request durations by route, and the
 * case figures a plant watches (open cases by type and status, read from the database on scrape).
 */
import type { IRoute, RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../db/index.js';
import { activeCaseCounts } from '../db/web-admin.js';

export interface Metrics {
  registry: Registry;
  /** Times each request by method, route pattern and status. */
  middleware: RequestHandler;
  casesOpened: Counter<'type'>;
}

export function createMetrics(db: Db): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'andon_' });
  const http = new Histogram({
    name: 'andon_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const casesOpened = new Counter({
    name: 'andon_cases_opened_total',
    help: 'Cases opened through this API process, by type',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'andon_cases_active',
    help: 'Cases not yet closed or cancelled, by type and status',
    labelNames: ['type', 'status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await activeCaseCounts(db)) this.set({ type: r.type, status: r.status }, r.count);
    },
  });
  const middleware: RequestHandler = (req, res, next) => {
    const end = http.startTimer({ method: req.method });
    res.on('finish', () => {
      // The route pattern, not the raw path, keeps the label set small (/api/v1/cases/:id).
      // Express types `req.route` as any; it is the matched route, or undefined when none matched.
      const matched = req.route as IRoute | undefined;
      const route = matched?.path ? `${req.baseUrl}${String(matched.path)}` : 'unmatched';
      end({ route, status: String(res.statusCode) });
    });
    next();
  };
  return { registry, middleware, casesOpened };
}
