/**
 * LISTEN on a PostgreSQL channel with its own connection, reconnecting when it drops. Notifications
 * are a nudge, never the only path: whoever listens also sweeps the tables (a notification sent
 * while the connection was down is gone).
 */
import pg from 'pg';

export interface Listener {
  close(): Promise<void>;
}

export async function listen(
  connectionString: string,
  channel: 'andon_webhooks' | 'andon_case_events',
  onPayload: (payload: string) => void,
  logger: { warn(obj: object, msg: string): void },
): Promise<Listener> {
  let client: pg.Client | null = null;
  let closed = false;
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString });
    c.on('notification', (msg) => {
      if (msg.channel === channel) onPayload(msg.payload ?? '');
    });
    c.on('error', (err) => logger.warn({ err, channel }, 'listener connection failed'));
    c.on('end', () => {
      if (closed) return;
      client = null;
      setTimeout(() => {
        void connect().catch((err: unknown) => logger.warn({ err, channel }, 'listener reconnect failed'));
      }, 1000).unref();
    });
    await c.connect();
    await c.query(`listen ${channel}`);
    client = c;
  };
  await connect();
  return {
    async close() {
      closed = true;
      await client?.end().catch(() => undefined);
    },
  };
}
