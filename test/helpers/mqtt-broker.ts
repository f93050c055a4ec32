/**
 * Real MQTT brokers for tests: the machine's Mosquitto at 127.0.0.1:1883 when it answers, else an
 * in-process aedes broker; and a broker the test may restart mid-stream — a private Mosquitto with
 * on-disk persistence when the binary is installed, else aedes, whose sessions outlive a restart of
 * its listener the way a persistent broker's do. ANDON_TEST_MQTT=aedes uses aedes for both.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import { freePort } from '../../lib/temporal-dev-server.js';

export interface TestBroker {
  url: string;
  kind: 'mosquitto' | 'aedes';
  /** Stops the broker and starts it again on the same port (what it persisted survives). */
  restart(): Promise<void>;
  /** The broker is down between these two. */
  down(): Promise<void>;
  up(): Promise<void>;
  stop(): Promise<void>;
}

function reachable(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ port, host });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1000, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** The machine's Mosquitto when it answers (shared: use unique topics), else aedes in-process. */
const aedesOnly = (): boolean => process.env.ANDON_TEST_MQTT === 'aedes';

export async function sharedBroker(): Promise<TestBroker> {
  if (!aedesOnly() && (await reachable(1883))) {
    const noop = () => Promise.resolve();
    return {
      url: 'mqtt://127.0.0.1:1883',
      kind: 'mosquitto',
      restart: () => Promise.reject(new Error('the shared broker is not ours to restart')),
      down: noop,
      up: noop,
      stop: noop,
    };
  }
  return aedesBroker();
}

/** A broker of this test alone, which it may restart. */
export async function privateBroker(): Promise<TestBroker> {
  const probe = spawnSync('mosquitto', ['-h'], { encoding: 'utf8' });
  return probe.error || aedesOnly() ? aedesBroker() : mosquittoBroker();
}

async function mosquittoBroker(): Promise<TestBroker> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'andon-mosquitto-'));
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      // Run as root, Mosquitto would drop to its own user, which cannot write the persistence file here.
      `user ${userInfo().username}`,
      'persistence true',
      `persistence_location ${dir}/`,
      'max_queued_messages 10000',
      '',
    ].join('\n'),
  );
  let child: ChildProcess | null = null;
  const up = async (): Promise<void> => {
    child = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !(await reachable(port)); i++) await new Promise((r) => setTimeout(r, 50));
  };
  const down = async (): Promise<void> => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    // SIGTERM: Mosquitto writes its persistence file (sessions, queued messages) before it exits.
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
    });
  };
  await up();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    kind: 'mosquitto',
    up,
    down,
    restart: async () => {
      await down();
      await up();
    },
    stop: async () => {
      await down();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function aedesBroker(): Promise<TestBroker> {
  const broker = await Aedes.createBroker();
  const port = await freePort();
  let server: Server | null = null;
  const sockets = new Set<Socket>();
  const up = async (): Promise<void> => {
    const s = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      broker.handle(socket);
    });
    await new Promise<void>((resolve) => s.listen(port, '127.0.0.1', resolve));
    server = s;
  };
  const down = async (): Promise<void> => {
    const s = server;
    server = null;
    if (!s) return;
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await up();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    kind: 'aedes',
    up,
    down,
    restart: async () => {
      await down();
      await up();
    },
    stop: async () => {
      await down();
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}
