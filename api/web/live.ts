/**
 * Live updates: every timeline event fires `pg_notify('andon_case_events')` (migration 0006). Each API
 * process listens on one connection and fans the events out to its browsers over Server-Sent Events,
 * so any number of API replicas stay live without a message broker of our own.
 */
import { EventEmitter } from 'node:events';
import type { Request, Response } from 'express';
import pg from 'pg';
import type { Logger } from '../../lib/logger.js';

export interface CaseEvent {
  caseId: number;
  type: string;
}

export class CaseEventBus extends EventEmitter {
  private client: pg.Client | null = null;
  private closed = false;

  private constructor(
    private readonly connectionString: string,
    private readonly logger: Logger,
  ) {
    super();
    this.setMaxListeners(0);
  }

  static async start(connectionString: string, logger: Logger): Promise<CaseEventBus> {
    const bus = new CaseEventBus(connectionString, logger);
    await bus.connect();
    return bus;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString });
    client.on('notification', (msg) => {
      try {
        const event = JSON.parse(msg.payload ?? '{}') as CaseEvent;
        if (typeof event.caseId === 'number') this.emit('case', event);
      } catch {
        // not ours
      }
    });
    client.on('error', (err) => this.logger.warn({ err }, 'live updates: listener connection failed'));
    client.on('end', () => {
      if (this.closed) return;
      this.client = null;
      // Reconnect; browsers also poll on their own while it is down.
      setTimeout(
        () =>
          void this.connect().catch((err: unknown) =>
            this.logger.warn({ err }, 'live updates: reconnect failed'),
          ),
        1000,
      ).unref();
    });
    await client.connect();
    await client.query('listen andon_case_events');
    this.client = client;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client?.end().catch(() => undefined);
  }
}

/**
 * GET /live: the case events as Server-Sent Events, for the board and case pages. One session may
 * hold `max` streams at once (a tab each); more are refused (429) instead of piling up.
 */
export function liveStream(events: CaseEventBus | undefined, max: number, refusal: (req: Request) => string) {
  const open = new Map<string, number>();
  return (req: Request, res: Response): void => {
    const session = req.webSession ?? '';
    const count = open.get(session) ?? 0;
    if (count >= max) {
      res.status(429).type('text/plain').send(refusal(req));
      return;
    }
    open.set(session, count + 1);
    res.set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.flushHeaders();
    res.write('retry: 3000\n\n');
    const onCase = (e: CaseEvent): void => {
      res.write(`event: case\ndata: ${JSON.stringify(e)}\n\n`);
    };
    events?.on('case', onCase);
    const beat = setInterval(() => res.write(': keep-alive\n\n'), 25_000);
    req.on('close', () => {
      clearInterval(beat);
      events?.off('case', onCase);
      const left = (open.get(session) ?? 1) - 1;
      if (left > 0) open.set(session, left);
      else open.delete(session);
    });
  };
}
