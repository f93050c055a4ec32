/**
 * The worker process's operations port (ANDON_WORKER_PORT): GET /healthz (alive), /readyz (polling
 * its task queue and the database answers; 503 while it drains at shutdown) and /metrics
 * (lib/worker-metrics.ts). Plain node:http: nothing else is served here.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OpsServer {
  url: string;
  close(): Promise<void>;
}

export async function startOpsServer(o: {
  host: string;
  port: number;
  /** Each check's state; the process is ready when all are 'ok'. */
  checks: () => Promise<Record<string, 'ok' | 'failing'>>;
  metrics: () => Promise<string>;
}): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(405, { status: 'method not allowed' });
    if (path === '/healthz') return json(200, { status: 'ok' });
    if (path === '/readyz') {
      o.checks().then(
        (checks) => {
          const ready = Object.values(checks).every((v) => v === 'ok');
          json(ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks });
        },
        () => json(503, { status: 'not ready', checks: {} }),
      );
      return;
    }
    if (path === '/metrics') {
      o.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
          res.end(text);
        },
        () => json(500, { status: 'metrics failed' }),
      );
      return;
    }
    json(404, { status: 'not found', try: ['/healthz', '/readyz', '/metrics'] });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
