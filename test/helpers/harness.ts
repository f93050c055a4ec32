/**
 * A whole Andon for one test file, on real parts: its own PostgreSQL database, the run's Temporal
 * dev server (own namespace and task queue), a real SMTP server in-process, and the real API on a
 * free port. Run under `npm test`; a file run on its own starts what it lacks.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import pg from 'pg';
import type { ChatSender } from '../../activities/notify/chat/client.js';
import { createSmtpMailer, type Mailer } from '../../activities/notify/mailer.js';
import { createTwilioSms } from '../../activities/notify/sms.js';
import type { WebDeps } from '../../api/web/router.js';
import { MailCatcher } from '../../lib/mail-catcher.js';
import { RecordingSms } from '../../lib/recording-sms.js';
import { createLinkSigner, type LinkSigner } from '../../lib/links.js';
import { TwilioFake } from './twilio-fake.js';
import { seedErpSimulator } from '../../activities/erp/demo-data.js';
import { createSimulatorErp } from '../../activities/erp/simulator.js';
import type { ErpAdapter, ErpDocument } from '../../activities/erp/types.js';
import { createApiKey } from '../../db/api-keys.js';
import type { SopParams } from '../../domain/contracts/policy.js';

import type { Db } from '../../db/index.js';
import { upsertPolicy } from '../../db/policies.js';
import type { ApiRole, Channel, ExceptionType, JobRole, Severity } from '../../domain/model.js';
import { createLogger } from '../../lib/logger.js';
import type { IntegrationOptions } from '../../lib/integrations.js';
import { startAndon, type Andon } from '../../lib/services.js';
import { freePort, startDevServer } from '../../lib/temporal-dev-server.js';
import { ensureTemporalCli } from '../../scripts/temporal-cli.js';
import { testNamespace } from './namespace.js';

let runtimeInstalled = false;

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export interface Harness {
  db: Db;
  url: string;
  mail: MailCatcher;
  /** SMS: the local Twilio fake (option `twilio`), else null. */
  twilio: TwilioFake | null;
  /** SMS recorded in-process when Twilio is not used. */
  sms: RecordingSms | null;
  /** Signs links with the harness's secret and clock (to forge, expire or build them in tests). */
  links: LinkSigner;
  /** Twilio account and token the harness is configured with (for genuine webhook signatures). */
  twilioAccount: { sid: string; token: string; from: string };
  /** Turns the SMTP server "off" (mail goes to a port nobody listens on) or back on. */
  smtpDown(down: boolean): void;
  keys: Record<ApiRole, string>;
  temporalAddress: string;
  /** A Temporal client on the harness's namespace (for describe, history, …). */
  temporal: Client;
  namespace: string;
  taskQueue: string;
  databaseUrl: string;
  api<T = Record<string, unknown>>(
    method: string,
    path: string,
    opts?: { key?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> },
  ): Promise<ApiResponse<T>>;
  addPerson(p: {
    name: string;
    email?: string | null;
    phone?: string | null;
    locale?: 'en' | 'zh-CN';
    roles: Array<{ role: JobRole; line?: string | null }>;
  }): Promise<number>;
  setPolicy(p: {
    type: ExceptionType;
    severity?: Severity | null;
    line?: string | null;
    ladder: Array<{ targetRole: JobRole; channels?: Channel[]; ackTimeoutSeconds: number }>;
    resolveSlaSeconds?: number;
    repeatCount?: number;
  }): Promise<void>;
  /** Sets the catalog's SOP parameters of a type (snapshotted by cases opened afterwards). */
  setSopParams(type: ExceptionType, params: Partial<SopParams>): Promise<void>;
  /** The documents the ERP (the simulator, or the adapter given) holds for a case. */
  erpDocuments(caseId: number): Promise<ErpDocument[]>;
  /** Starts a second Andon (e.g. an API pointed at an unreachable Temporal) on the same database. */
  startAnother(o: {
    temporalAddress?: string;
    runWorker: boolean;
    runApi: boolean;
    mailer?: Mailer;
    integrations?: IntegrationOptions;
    erp?: ErpAdapter;
  }): Promise<Andon>;
  /** The MQTT intake (option `integrations.mqtt`), else null. */
  mqtt: Andon['mqtt'];
  stop(): Promise<void>;
}

/** A unique id for test data, so repeated runs and parallel tests never collide. */
export const uid = (prefix = 'T'): string => `${prefix}-${randomBytes(6).toString('hex')}`;

export interface HarnessOptions {
  /** Run the worker in-process (default). Tests that run it as a separate process pass false. */
  worker?: boolean;
  /** Simulator ERP: delay after each write before answering. */
  erpLatencyMs?: number;
  /** A real ERP adapter (pointed at a local fake) instead of the simulator. */
  erp?: ErpAdapter;
  /** Send SMS with the real twilio SDK to a local fake of its Messages endpoint. */
  twilio?: boolean;
  /** The clock rosters and links are read with. */
  now?: () => Date;
  /** Lifetime of action links (default one day). */
  linkTtlSeconds?: number;
  /** Sign-in throttling, lockout and live-stream limits of the web UI. */
  webLimits?: Pick<WebDeps, 'loginLimit' | 'lockout' | 'maxStreamsPerSession'>;
  /** MQTT intake, storm keys, webhooks (default: webhook retries in fractions of a second). */
  integrations?: IntegrationOptions;
  /** Origins group-channel webhooks may use (the local chat fakes). */
  chatWebhookOrigins?: string[];
  /** How group channels are posted to (e.g. with short rate-limit waits). */
  chat?: ChatSender;
}

/** Webhook retries short enough for a test to wait out an outage. */
export const TEST_WEBHOOKS: NonNullable<IntegrationOptions['webhooks']> = {
  retry: { initialIntervalMs: 200, maximumIntervalMs: 1000, giveUpAfterMs: 120_000, attemptTimeoutMs: 5000 },
  sweepMs: 500,
  staleSeconds: 2,
};

export const TEST_LINK_SECRET = 'test-link-secret-0123456789abcdef';
export const TEST_TWILIO = {
  sid: `AC${'0123456789abcdef'.repeat(2)}`,
  token: 'test-twilio-auth-token-0123456789',
  from: '+15005550006',
};

export async function startHarness(testFile: string, options: HarnessOptions = {}): Promise<Harness> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
    runtimeInstalled = true;
  }
  const cleanups: Array<() => void | Promise<void>> = [];
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const namespace = testNamespace(testFile);

  let temporalAddress = process.env.ANDON_TEST_TEMPORAL_ADDRESS;
  if (!temporalAddress) {
    const dev = await startDevServer({
      cli: await ensureTemporalCli(),
      port: await freePort(),
      uiPort: null,
      dbFile: null,
      namespaces: [namespace],
    });
    cleanups.push(() => dev.stop());
    temporalAddress = dev.address;
  }

  const adminUrl = process.env.ANDON_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName =
    `andon_test_${namespace.replace(/[^a-z0-9]/gi, '_')}_${randomBytes(4).toString('hex')}`.toLowerCase();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database "${dbName}"`);
  await admin.end();
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${dbName}`;
  const databaseUrl = dbUrl.toString();
  cleanups.push(async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`drop database if exists "${dbName}" with (force)`);
    await c.end();
  });

  const mail = new MailCatcher();
  await mail.listen();
  cleanups.push(() => mail.close());
  const liveMailer = createSmtpMailer(mail.url, 'Andon <andon@test.local>', { timeoutMs: 5000 });
  cleanups.push(() => liveMailer.close());
  // Nothing listens on this port: nodemailer gets a real "connection refused".
  const deadMailer = createSmtpMailer(`smtp://127.0.0.1:${await freePort()}`, 'Andon <andon@test.local>', {
    timeoutMs: 2000,
  });
  cleanups.push(() => deadMailer.close());
  let smtpIsDown = false;
  const mailer: Mailer = {
    send: (m) => (smtpIsDown ? deadMailer : liveMailer).send(m),
    close: () => undefined,
  };

  let twilioFake: TwilioFake | null = null;
  let recordingSms: RecordingSms | null = null;
  if (options.twilio) {
    twilioFake = new TwilioFake();
    await twilioFake.listen();
    cleanups.push(() => twilioFake!.close());
  } else {
    recordingSms = new RecordingSms();
  }
  const sms = twilioFake
    ? createTwilioSms({
        accountSid: TEST_TWILIO.sid,
        authToken: TEST_TWILIO.token,
        from: TEST_TWILIO.from,
        apiBaseUrl: twilioFake.url,
      })
    : recordingSms!;
  const now = options.now ?? (() => new Date());

  const bundleFile = process.env.ANDON_TEST_WORKFLOW_BUNDLE;
  const workflowBundleCode = bundleFile ? readFileSync(bundleFile, 'utf8') : undefined;
  const taskQueue = `andon-${namespace}-${randomBytes(3).toString('hex')}`;

  const base = {
    databaseUrl,
    namespace,
    taskQueue,
    logger,
    reconcileIntervalMs: 500,
    sessionSecret: 'test-session-secret-0123456789abcdef',
    devMail: mail,

    linkSecret: TEST_LINK_SECRET,
    linkTtlSeconds: options.linkTtlSeconds ?? 24 * 3600,
    now,
    twilioAuthToken: TEST_TWILIO.token,
    ...(workflowBundleCode ? { workflowBundleCode } : {}),
    webhooks: TEST_WEBHOOKS,
    ...options.integrations,
  };
  const andon = await startAndon({
    ...base,
    temporalAddress,
    mailer,
    sms,
    ...(recordingSms ? { devSms: recordingSms } : {}),
    runWorker: options.worker ?? true,
    runApi: true,
    ...(options.erpLatencyMs ? { erpLatencyMs: options.erpLatencyMs } : {}),
    ...(options.erp ? { erp: options.erp } : {}),
    ...(options.webLimits ? { webLimits: options.webLimits } : {}),
    ...(options.chatWebhookOrigins ? { chatWebhookOrigins: options.chatWebhookOrigins } : {}),
    ...(options.chat ? { chat: options.chat } : {}),
  });
  cleanups.push(() => andon.stop());
  const url = andon.url!;
  const db = andon.db;

  const connection = await Connection.connect({ address: temporalAddress });
  cleanups.push(() => connection.close());
  const temporal = new Client({ connection, namespace });

  await seedErpSimulator(db);

  const keys = {} as Record<ApiRole, string>;
  for (const role of ['mes', 'staff', 'supervisor', 'admin'] as const) {
    keys[role] = (await createApiKey(db, { name: `test ${role}`, role })).key;
  }

  const harness: Harness = {
    db,
    url,
    mail,
    twilio: twilioFake,
    sms: recordingSms,
    links: createLinkSigner(TEST_LINK_SECRET, { ttlSeconds: options.linkTtlSeconds ?? 24 * 3600, now }),
    twilioAccount: TEST_TWILIO,
    smtpDown(down) {
      smtpIsDown = down;
    },
    keys,
    temporalAddress,
    temporal,
    namespace,
    taskQueue,
    databaseUrl,
    async api(method, path, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      const key = opts.key === undefined ? keys.admin : opts.key;
      if (key !== null) headers.authorization = `Bearer ${key}`;
      let body: string | undefined;
      if (opts.rawBody !== undefined) body = opts.rawBody;
      else if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(`${url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, headers: res.headers, body: parsed as never };
    },
    async addPerson(p) {
      const [row] = await db('people')
        .insert({
          name: p.name,
          email: p.email === undefined ? `${p.name.toLowerCase().replace(/\W+/g, '.')}@test.local` : p.email,
          locale: p.locale ?? 'en',
          phone: p.phone ?? null,
        })
        .returning<Array<{ id: number }>>('id');
      for (const r of p.roles)
        await db('person_roles').insert({ person_id: row!.id, role: r.role, line: r.line ?? null });
      return row!.id;
    },
    async setSopParams(type, params) {
      await db('exception_types')
        .where({ code: type })
        .update({ sop_params: JSON.stringify(params) });
    },
    async setPolicy(p) {
      await upsertPolicy(db, {
        type: p.type,
        severity: p.severity ?? null,
        line: p.line ?? null,
        ladder: p.ladder.map((l) => ({
          targetRole: l.targetRole,
          channels: l.channels ?? ['email'],
          ackTimeoutSeconds: l.ackTimeoutSeconds,
        })),
        resolveSlaSeconds: p.resolveSlaSeconds ?? 3600,
        repeatCount: p.repeatCount ?? 0,
      });
    },
    async startAnother(o) {
      // Its own MQTT client, if any: two intakes with one client id would take the session from each other.
      const { mqtt: _own, ...shared } = base;
      const other = await startAndon({
        ...shared,
        temporalAddress: o.temporalAddress ?? temporalAddress,
        mailer: o.mailer ?? mailer,
        runWorker: o.runWorker,
        runApi: o.runApi,
        ...o.integrations,
        ...(o.erp ? { erp: o.erp } : {}),
      });
      cleanups.push(() => other.stop());
      return other;
    },
    erpDocuments: (caseId) => (options.erp ?? createSimulatorErp(db)).documentsForCase(caseId),
    mqtt: andon.mqtt,
    async stop() {
      for (const c of cleanups.reverse()) {
        try {
          await c();
        } catch (err) {
          logger.warn({ err }, 'test cleanup failed');
        }
      }
    },
  };
  return harness;
}
