/**
 * The API's port, taken before anything slow happens at start-up (dialling Temporal for eager
 * starts): a port in use is then the error reported. Until the app is attached, a request is
 * answered 503 "starting" (Retry-After 1) rather than left hanging, so health checks retry.
 */
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';

export interface ApiPort {
  server: Server;
  /** Hands every request from now on to `app`. */
  serve(app: RequestListener): void;
  /** Closes the port unless the app is being served (its drain closes it then). */
  closeUnlessServing(): Promise<void>;
}

function answerStarting(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '1' });
  res.end(
    JSON.stringify({
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail: 'Andon is starting',
    }),
  );
}

export async function takeApiPort(port: number, host: string): Promise<ApiPort> {
  const server = await new Promise<Server>((resolve, reject) => {
    const srv = createServer(answerStarting);
    srv.once('error', reject);
    srv.listen(port, host, () => resolve(srv));
  });
  let serving = false;
  return {
    server,
    serve(app) {
      server.off('request', answerStarting);
      server.on('request', app);
      serving = true;
    },
    closeUnlessServing: () =>
      serving ? Promise.resolve() : new Promise<void>((r) => server.close(() => r())),
  };
}
