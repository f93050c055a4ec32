/**
 * MQTT intake against a real broker (the machine's Mosquitto when it answers, else aedes): reports
 * and events as the MES sends them over REST, plain machine alarms on mapped topics, invalid
 * messages dead-lettered with the field named and answered on `…/rejected`, and nothing lost when
 * the broker restarts mid-stream or Andon is away (persistent session, QoS 1).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import { routeOf, subscriptions } from '../api/mqtt/topics.js';
import type { MqttIntakeOptions } from '../api/mqtt/intake.js';
import { caseBody } from './helpers/bodies.js';
import { caseApi } from './helpers/cases.js';
import { startHarness, uid, type Harness } from './helpers/harness.js';
import { privateBroker, sharedBroker, type TestBroker } from './helpers/mqtt-broker.js';
import { eventually } from './helpers/wait.js';

interface CaseRecordJson {
  id: number;
  status: string;
  source: string;
  externalId: string;
  type: string;
  line: string;
  reportCount: number;
  downtimeMinutes: number | null;
}
interface DeadLetterJson {
  topic: string;
  source: string | null;
  payload: string;
  errors: Array<{ field: string; message: string }>;
}

let h: Harness;
let broker: TestBroker;
// The shared broker is everyone's: this run's topics are its own.
const prefix = uid('andon-test');
const alarmTopicRoot = uid('plant');
const clients: MqttClient[] = [];

const intakeOptions = (url: string, o: Partial<MqttIntakeOptions> = {}): MqttIntakeOptions => ({
  url,
  clientId: uid('andon-intake'),
  prefix,
  alarms: [{ topic: `${alarmTopicRoot}/+/alarm`, source: 'plc-l1', line: 'L1', severity: 'high' }],
  reconnectMinMs: 100,
  reconnectMaxMs: 1000,
  ...o,
});

/** A machine or MES: QoS 1, persistent session, reconnecting quickly. */
async function publisher(url: string): Promise<MqttClient> {
  const c = await mqtt.connectAsync(url, { clientId: uid('machine'), clean: false, reconnectPeriod: 100 });
  clients.push(c);
  return c;
}

before(async () => {
  broker = await sharedBroker();
  h = await startHarness(fileURLToPath(import.meta.url), {
    integrations: { mqtt: intakeOptions(broker.url) },
  });
  await h.addPerson({ name: 'Li Wei', roles: [{ role: 'maintenance', line: 'L1' }] });
  await h.mqtt!.ready;
});

after(async () => {
  for (const c of clients) await c.endAsync(true).catch(() => undefined);
  await h?.stop();
  await broker?.stop();
});

const findCase = async (source: string, externalId: string): Promise<CaseRecordJson | null> => {
  const res = await h.api<{ cases: CaseRecordJson[] }>(
    'GET',
    `/api/v1/cases?source=${encodeURIComponent(source)}&externalId=${encodeURIComponent(externalId)}`,
  );
  return res.body.cases[0] ?? null;
};

describe('MQTT topics', () => {
  it('are exactly andon/+/report and andon/+/event by default; the + is the source', () => {
    assert.deepEqual(subscriptions('andon', []), ['andon/+/report', 'andon/+/event']);
    assert.deepEqual(routeOf('andon/mes-1/report', 'andon', []), { kind: 'report', source: 'mes-1' });
    assert.deepEqual(routeOf('andon/mes-1/event', 'andon', []), { kind: 'event', source: 'mes-1' });
    assert.equal(routeOf('andon/mes-1/rejected', 'andon', []), null);
  });
});

describe('MQTT intake', () => {
  it('a report and its clearing event drive a case from open to cleared', async () => {
    const source = uid('mes');
    const pub = await publisher(broker.url);
    const body = caseBody('equipment_fault', {
      source,
      equipment: { equipmentId: 'PRESS-3', faultCode: uid('E'), downSince: new Date().toISOString() },
    });
    const externalId = String(body.externalId);
    await pub.publishAsync(`${prefix}/${source}/report`, JSON.stringify(body), { qos: 1 });
    const opened = await eventually(() => findCase(source, externalId), 'the case of the MQTT report');
    assert.equal(opened.type, 'equipment_fault');
    const c = caseApi(h);
    await c.task(opened.id, 'repair');
    assert.equal((await c.get(opened.id)).status, 'open');

    await pub.publishAsync(
      `${prefix}/${source}/event`,
      JSON.stringify({ source, externalId, kind: 'equipment_running', data: { downtimeMinutes: 17 } }),
      { qos: 1 },
    );
    const cleared = await c.waitFor(opened.id, 'cleared by the MQTT event', (x) => x.status === 'resolved');
    assert.equal(cleared.downtimeMinutes, 17);
    const events = await c.events(opened.id);
    const mes = events.find((e) => e.type === 'mes_event');
    assert.equal(mes?.actor, `mes:mqtt:${source}`);
    assert.equal(mes?.data.kind, 'equipment_running');
  });

  it('a plain machine alarm on a mapped topic opens an equipment fault, repeats count, CLEARED clears it', async () => {
    const pub = await publisher(broker.url);
    const equipmentId = uid('PRESS');
    const topic = `${alarmTopicRoot}/${equipmentId}/alarm`;
    const alarm = { equipmentId, faultCode: 'E42', state: 'ALARM' };
    for (let i = 0; i < 4; i++) await pub.publishAsync(topic, JSON.stringify(alarm), { qos: 1 });
    const opened = await eventually(async () => {
      const res = await h.api<{ cases: CaseRecordJson[] }>('GET', '/api/v1/cases?source=plc-l1&limit=200');
      const mine = res.body.cases.filter((x) => x.externalId.startsWith(`${equipmentId}:E42:`));
      return mine.length === 1 && mine[0]!.reportCount === 4 && mine[0];
    }, 'one case counting four alarms');
    assert.equal(opened.type, 'equipment_fault');
    assert.equal(opened.line, 'L1');
    const c = caseApi(h);
    await c.task(opened.id, 'repair');
    await pub.publishAsync(topic, JSON.stringify({ ...alarm, state: 'CLEARED' }), { qos: 1 });
    const cleared = await c.waitFor(opened.id, 'cleared by the machine', (x) => x.status === 'resolved');
    assert.equal(cleared.status, 'resolved');
  });

  it('an invalid message lands in the dead letters with the field named, and the sender hears why', async () => {
    const source = uid('mes');
    const pub = await publisher(broker.url);
    const problems: Array<{ topic: string; errors: Array<{ field: string }> }> = [];
    const listener = await publisher(broker.url);
    listener.on('message', (_t, payload) =>
      problems.push(JSON.parse(payload.toString()) as (typeof problems)[0]),
    );
    await listener.subscribeAsync(`${prefix}/${source}/rejected`, { qos: 1 });

    const noFault = caseBody('equipment_fault', { source, equipment: { equipmentId: 'PRESS-3' } });
    await pub.publishAsync(`${prefix}/${source}/report`, JSON.stringify(noFault), { qos: 1 });
    await pub.publishAsync(`${prefix}/${source}/report`, '{"type": "equipment_fault",', { qos: 1 });
    await pub.publishAsync(
      `${prefix}/${source}/report`,
      JSON.stringify(caseBody('order_delay', { source: 'someone-else' })),
      { qos: 1 },
    );
    await pub.publishAsync(
      `${prefix}/${source}/event`,
      JSON.stringify({ source, externalId: 'never-reported', kind: 'cleared' }),
      { qos: 1 },
    );
    const letters = await eventually(async () => {
      const res = await h.api<{ deadLetters: DeadLetterJson[] }>(
        'GET',
        `/api/v1/mqtt/dead-letters?source=${source}`,
        { key: h.keys.supervisor },
      );
      return res.body.deadLetters.length >= 4 && res.body.deadLetters;
    }, 'four dead letters');
    const fields = letters.map((l) => l.errors.map((e) => e.field).join(',')).reverse();
    assert.deepEqual(fields, ['equipment.faultCode', 'payload', 'source', 'externalId']);
    assert.equal(letters.at(-1)!.payload, JSON.stringify(noFault));
    assert.equal(letters.at(-1)!.topic, `${prefix}/${source}/report`);
    await eventually(() => Promise.resolve(problems.length >= 4), 'four problems on the rejected topic');
    assert.deepEqual(
      problems.map((p) => p.errors[0]?.field),
      ['equipment.faultCode', 'payload', 'source', 'externalId'],
    );
    assert.ok(!(await findCase(source, String(noFault.externalId))), 'nothing half-made');
  });
});

describe('nothing is lost', () => {
  it('when the broker restarts mid-stream, and while Andon itself is away (persistent session)', async () => {
    const own = await privateBroker();
    try {
      // The exact default topics: this broker is the test's own.
      const options = intakeOptions(own.url, { prefix: 'andon', alarms: [] });
      const first = await h.startAnother({ runApi: true, runWorker: false, integrations: { mqtt: options } });
      await first.mqtt!.ready;
      const source = uid('mes');
      const pub = await publisher(own.url);
      const bodies = Array.from({ length: 30 }, () => caseBody('order_delay', { source }));
      const send = (i: number) =>
        pub.publishAsync(`andon/${source}/report`, JSON.stringify(bodies[i]), { qos: 1 });
      const sent: Array<Promise<unknown>> = [];
      for (let i = 0; i < 10; i++) sent.push(send(i));
      await own.down();
      // Published while the broker is down: the machine's client keeps them and sends them later.
      for (let i = 10; i < 20; i++) sent.push(send(i));
      await own.up();
      await Promise.all(sent);
      // Andon away: the broker keeps the messages for its session until it is back.
      await first.stop();
      for (let i = 20; i < 30; i++) await send(i);
      const second = await h.startAnother({
        runApi: true,
        runWorker: false,
        integrations: { mqtt: options },
      });
      await second.mqtt!.ready;
      const all = await eventually(
        async () => {
          const res = await h.api<{ cases: CaseRecordJson[] }>(
            'GET',
            `/api/v1/cases?source=${source}&limit=200`,
          );
          return res.body.cases.length >= 30 && res.body.cases;
        },
        'all 30 reports as cases',
        60_000,
      );
      assert.deepEqual(
        new Set(all.map((x) => x.externalId)),
        new Set(bodies.map((b) => String(b.externalId))),
      );
      // A message the broker sent again (DUP) after the restart is not counted twice.
      assert.deepEqual(
        all.filter((x) => x.reportCount !== 1).map((x) => x.externalId),
        [],
      );
    } finally {
      await own.stop();
    }
  });
});
