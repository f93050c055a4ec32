/**
 * MQTT intake (ANDON_MQTT_URL): subscribes with QoS 1 on a persistent session (clean: false, a
 * stable client id), so the broker keeps what arrives while Andon is away, and reconnects with
 * backoff. A message is acknowledged (PUBACK) only once it is handled: taken, or dead-lettered with
 * its problem published on `<prefix>/<source>/rejected`. While the database or Temporal is away
 * it is tried again, unacknowledged, and messages after it wait, so nothing is lost or reordered.
 */
import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt';
import { insertDeadLetter } from '../../db/mqtt-dead-letters.js';
import type { AlarmMapping } from '../../domain/contracts/mqtt.js';
import { handleMqttMessage, type HandleDeps, type Rejection } from './handle.js';
import { DEFAULT_TOPIC_PREFIX, rejectedTopic, subscriptions } from './topics.js';

export interface MqttIntakeOptions {
  /** e.g. mqtt://127.0.0.1:1883 or mqtts://user:pass@broker:8883 */
  url: string;
  /** Stable across restarts: the broker keeps the session (and what arrived meanwhile) by it. */
  clientId: string;
  /** First level of the topics (default `andon`). */
  prefix?: string;
  alarms?: readonly AlarmMapping[];
  /** Reconnect backoff: from min, doubling to max (default 500 ms … 30 s). */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

export interface MqttIntake {
  /** Resolves once subscribed (the first time). */
  ready: Promise<void>;
  connected(): boolean;
  stop(): Promise<void>;
}

export type IntakeDeps = Omit<HandleDeps, 'prefix' | 'alarms'>;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

export function startMqttIntake(deps: IntakeDeps, o: MqttIntakeOptions): MqttIntake {
  const { logger } = deps;
  const prefix = o.prefix ?? DEFAULT_TOPIC_PREFIX;
  const alarms = o.alarms ?? [];
  const handleDeps: HandleDeps = { ...deps, prefix, alarms };
  const minMs = o.reconnectMinMs ?? 500;
  const maxMs = o.reconnectMaxMs ?? 30_000;
  let stopping = false;
  let backoff = minMs;
  let reconnectTimer: NodeJS.Timeout | null = null;
  let inFlight: Promise<void> = Promise.resolve();

  // Reconnecting is ours (reconnectPeriod 0), to back off; the session and stores survive it.
  const client: MqttClient = mqtt.connect(o.url, {
    clientId: o.clientId,
    clean: false,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    keepalive: 30,
    resubscribe: false,
    manualConnect: true,
  });

  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  client.on('connect', () => {
    backoff = minMs;
    logger.info({ url: redactUrl(o.url), clientId: o.clientId }, 'MQTT intake connected');
    client.subscribe(subscriptions(prefix, alarms), { qos: 1 }, (err) => {
      if (err) logger.error({ err }, 'MQTT intake could not subscribe');
      else markReady();
    });
  });
  client.on('close', () => {
    if (stopping || reconnectTimer) return;
    const wait = backoff;
    backoff = Math.min(maxMs, backoff * 2);
    logger.warn({ retryInMs: wait }, 'MQTT intake disconnected; reconnecting');
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      if (!stopping)
        client.reconnect({ incomingStore: client.incomingStore, outgoingStore: client.outgoingStore });
    }, wait);
  });
  client.on('error', (err) => logger.warn({ err: err.message }, 'MQTT intake connection error'));

  /** Records what could not be taken, and tells the sender on its `rejected` topic. */
  async function deadLetter(topic: string, payload: Buffer, r: Rejection): Promise<void> {
    const id = await insertDeadLetter(deps.db, {
      topic,
      source: r.source,
      payload,
      detail: r.detail,
      errors: r.errors,
    });
    logger.warn({ topic, deadLetterId: id, detail: r.detail }, 'MQTT message refused');
    if (r.source === null) return;
    const problem = {
      type: 'about:blank',
      title: 'Invalid message',
      status: 400,
      detail: r.detail,
      errors: r.errors,
      topic,
      deadLetterId: id,
      receivedAt: new Date().toISOString(),
    };
    // Not awaited: its PUBACK comes on the stream this handler holds; the client resends it if needed.
    client.publish(rejectedTopic(prefix, r.source), JSON.stringify(problem), { qos: 1 }, (err) => {
      if (err) logger.warn({ err: err.message }, 'MQTT intake could not publish a rejection');
    });
  }

  async function take(packet: IPublishPacket): Promise<void> {
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    for (let attempt = 0; ; attempt++) {
      try {
        const handled = await handleMqttMessage(handleDeps, packet.topic, payload);
        if (!handled.ok) await deadLetter(packet.topic, payload, handled.rejection);
        return;
      } catch (err) {
        // No PUBACK while stopping: the broker sends it again in the next session.
        if (stopping) throw err;
        const wait = Math.min(10_000, 250 * 2 ** Math.min(attempt, 6));
        logger.warn(
          { topic: packet.topic, err: err instanceof Error ? err.message : String(err), retryInMs: wait },
          'MQTT message not taken yet; trying again',
        );
        await sleep(wait);
      }
    }
  }

  // One message at a time (mqtt.js waits for the callback), acknowledged only after it is handled.
  client.handleMessage = (packet, callback) => {
    // Stopping: taken by the next session instead (no PUBACK now).
    if (stopping) return callback(new Error('the intake is stopping'));
    const done = take(packet);
    inFlight = done.catch(() => undefined);
    done.then(
      () => callback(),
      (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
    );
  };
  client.connect();

  return {
    ready,
    connected: () => client.connected,
    async stop() {
      stopping = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      await Promise.race([inFlight, sleep(15_000)]);
      await Promise.race([client.endAsync(false), sleep(2_000)]);
      if (!client.disconnected) await client.endAsync(true).catch(() => undefined);
    },
  };
}

/** The broker URL without its password, for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}
