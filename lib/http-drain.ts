/**
 * Stopping an HTTP server gracefully: no new connections; requests under way finish (up to
 * `graceMs`); live streams (Server-Sent Events never finish by themselves) are ended at once so
 * browsers reconnect to another API process.
 */
import type { Server, ServerResponse } from 'node:http';

export function drainable(server: Server): (graceMs: number) => Promise<void> {
  const open = new Set<ServerResponse>();
  server.on('request', (_req, res: ServerResponse) => {
    open.add(res);
    res.on('close', () => open.delete(res));
  });
  return async (graceMs) => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    for (const res of open)
      if (String(res.getHeader('content-type') ?? '').startsWith('text/event-stream')) res.end();
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    timer.unref();
    await closed;
    clearTimeout(timer);
  };
}
