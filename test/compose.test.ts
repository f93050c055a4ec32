/**
 * docker-compose.yml cannot be run on a machine without a Docker engine, so it is checked here for
 * consistency with the code: entry points exist, every variable is one Andon reads, each process gets
 * what it requires, and the addresses point at services that exist with matching credentials; Temporal
 * runs as temporalio/server at the version Andon builds, on schemas made by temporal-sql-tool, with
 * settings its config template reads, and Andon's namespace registered before Andon starts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { CONFIG_KEYS, loadConfig, REQUIRED_ENV } from '../lib/config.js';
import { MODULE_FILES, serverCacheDir, TEMPORAL_SERVER_VERSION } from '../scripts/temporal-server.js';

const root = fileURLToPath(new URL('..', import.meta.url));

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string | number>;
  depends_on?: Record<string, unknown> | string[];
  ports?: string[];
}
const compose = parse(readFileSync(`${root}docker-compose.yml`, 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const services = compose.services;

/** `${VAR:-default}` → default; `${VAR:?msg}` → a stand-in value, as compose would require it set. */
const substitute = (v: string | number): string =>
  String(v)
    .replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1')
    .replace(/\$\{[A-Z_]+:\?[^}]*\}/g, 'x'.repeat(40));

const andonServices = Object.entries(services).filter(([name]) => name.startsWith('andon-'));

describe('docker-compose.yml', () => {
  it('runs each Andon process from a built entry point that exists', () => {
    assert.ok(andonServices.length >= 3);
    const dockerfile = readFileSync(`${root}Dockerfile`, 'utf8');
    assert.match(dockerfile, /npm run build/);
    for (const [name, svc] of andonServices) {
      assert.equal(svc.build, '.', `${name} builds the repository's Dockerfile`);
      const [node, script] = svc.command ?? [];
      assert.equal(node, 'node');
      const m = /^dist\/bin\/(\w+)\.js$/.exec(script ?? '');
      assert.ok(m, `${name} runs dist/bin/<entry>.js`);
      assert.ok(existsSync(`${root}bin/${m[1]}.ts`), `${name}: bin/${m[1]}.ts exists`);
    }
  });

  it('sets only variables Andon reads, valid and complete for each process', () => {
    for (const [name, svc] of andonServices) {
      const env = Object.fromEntries(
        Object.entries(svc.environment ?? {}).map(([k, v]) => [k, substitute(v)]),
      );
      for (const key of Object.keys(env))
        assert.ok((CONFIG_KEYS as string[]).includes(key), `${name}: ${key} is not a setting Andon reads`);
      const config = loadConfig(env);
      const entry = /dist\/bin\/(\w+)\.js/.exec(svc.command!.join(' '))![1] as keyof typeof REQUIRED_ENV;
      for (const key of REQUIRED_ENV[entry])
        assert.ok(config[key] !== undefined, `${name}: ${key} is required by ${entry}`);
    }
  });

  it('points Andon at services that exist, with matching credentials', () => {
    const pgEnv = services.postgres?.environment ?? {};
    for (const [name, svc] of andonServices) {
      const env = svc.environment ?? {};
      const db = new URL(substitute(env.DATABASE_URL!));
      assert.ok(services[db.hostname], `${name}: database host ${db.hostname} is a service`);
      assert.equal(db.username, pgEnv.POSTGRES_USER);
      assert.equal(db.password, substitute(pgEnv.POSTGRES_PASSWORD!));
      assert.equal(db.pathname, `/${pgEnv.POSTGRES_DB}`);
      const [temporalHost, temporalPort] = String(env.TEMPORAL_ADDRESS).split(':');
      assert.ok(services[temporalHost!], `${name}: Temporal host ${temporalHost} is a service`);
      assert.equal(temporalPort, '7233');
      if (env.SMTP_URL)
        assert.ok(services[new URL(String(env.SMTP_URL)).hostname], `${name}: SMTP host is a service`);
      const deps = Array.isArray(svc.depends_on) ? svc.depends_on : Object.keys(svc.depends_on ?? {});
      for (const d of deps) assert.ok(services[d], `${name} depends on ${d}, which exists`);
    }
    assert.equal(services['temporal-ui']?.environment?.TEMPORAL_ADDRESS, 'temporal:7233');
  });

  it('publishes the API on the port it listens on', () => {
    const api = services['andon-api']!;
    assert.equal(String(api.environment?.PORT), '3000');
    assert.equal(api.environment?.HOST, '0.0.0.0');
    assert.ok(api.ports?.includes('3000:3000'));
  });
});

/** The config template the temporalio/server image renders (from the tools cache or the Go module cache). */
function serverConfigTemplate(): string | null {
  const candidates = [join(serverCacheDir(), 'module', MODULE_FILES.dockerConfig)];
  try {
    const modcache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
    candidates.push(
      join(modcache, `go.temporal.io/server@v${TEMPORAL_SERVER_VERSION}`, MODULE_FILES.dockerConfig),
    );
  } catch {
    // no Go: only the tools cache
  }
  const found = candidates.find((p) => existsSync(p));
  return found ? readFileSync(found, 'utf8') : null;
}

const envOf = (svc: Service | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(svc?.environment ?? {}).map(([k, v]) => [k, substitute(v)]));
const commandOf = (svc: Service | undefined): string => (svc?.command ?? []).join('\n');
const dependsOn = (svc: Service | undefined, name: string): unknown =>
  Array.isArray(svc?.depends_on) ? undefined : svc?.depends_on?.[name];

describe('Temporal in docker-compose.yml', () => {
  const temporal = services.temporal;
  const schemaJob = services['temporal-schema'];
  const namespaceJob = services['temporal-namespace'];
  const pgEnv = envOf(services.postgres);

  it('runs temporalio/server (no auto-setup) at the version npm run start:cluster builds', () => {
    for (const [name, svc] of Object.entries(services))
      assert.doesNotMatch(svc.image ?? '', /auto-setup/, `${name} does not use temporalio/auto-setup`);
    assert.equal(temporal?.image, `temporalio/server:${TEMPORAL_SERVER_VERSION}`);
    for (const job of [schemaJob, namespaceJob])
      assert.match(
        job?.image ?? '',
        new RegExp(`^temporalio/admin-tools:${TEMPORAL_SERVER_VERSION.replace(/\./g, '\\.')}(-|$)`),
      );
  });

  it('makes the databases and schemas with temporal-sql-tool before the server starts', () => {
    const env = envOf(schemaJob);
    assert.equal(env.SQL_PLUGIN, 'postgres12');
    assert.ok(services[env.SQL_HOST!], 'SQL_HOST is the postgres service');
    assert.equal(env.SQL_USER, pgEnv.POSTGRES_USER);
    assert.equal(env.SQL_PASSWORD, pgEnv.POSTGRES_PASSWORD);
    const script = commandOf(schemaJob);
    const serverEnv = envOf(temporal);
    for (const [db, schema] of [
      [serverEnv.DBNAME ?? 'temporal', 'temporal'],
      [serverEnv.VISIBILITY_DBNAME ?? 'temporal_visibility', 'visibility'],
    ] as const) {
      assert.match(script, /for db in ([\w ]+); do\s+temporal-sql-tool --db "\$\$db" create-database/);
      assert.ok(/for db in ([\w ]+);/.exec(script)![1]!.split(' ').includes(db), `${db} is created`);
      assert.ok(script.includes(`temporal-sql-tool --db ${db} setup-schema -v 0.0`), `${db}: setup-schema`);
      assert.ok(
        script.includes(
          `temporal-sql-tool --db ${db} update-schema -d /etc/temporal/${MODULE_FILES.schema}/${schema}/versioned`,
        ),
        `${db}: update-schema to the ${schema} schema`,
      );
    }
    assert.deepEqual(dependsOn(temporal, 'temporal-schema'), { condition: 'service_completed_successfully' });
    assert.deepEqual(dependsOn(schemaJob, 'postgres'), { condition: 'service_healthy' });
  });

  it('points the server at the same PostgreSQL, with settings its config template reads', () => {
    const env = envOf(temporal);
    assert.equal(env.DB, envOf(schemaJob).SQL_PLUGIN);
    assert.ok(services[env.POSTGRES_SEEDS!], 'POSTGRES_SEEDS is a service');
    assert.equal(env.DB_PORT, '5432');
    assert.equal(env.POSTGRES_USER, pgEnv.POSTGRES_USER);
    assert.equal(env.POSTGRES_PWD, pgEnv.POSTGRES_PASSWORD);
    assert.ok(temporal?.ports?.includes('7233:7233'));
    const template = serverConfigTemplate();
    if (template === null) return; // neither the tools cache nor Go's module cache holds Temporal's module here
    const known = new Set([...template.matchAll(/env "([A-Z_]+)"/g)].map((m) => m[1]));
    for (const key of Object.keys(env)) assert.ok(known.has(key), `the server reads ${key}`);
    assert.match(
      template,
      new RegExp(`eq \\$db "[^"]*${env.DB}`),
      `DB=${env.DB} is a database the template knows`,
    );
  });

  it('registers the namespace Andon runs in before Andon starts', () => {
    const env = envOf(namespaceJob);
    for (const [name, svc] of andonServices.filter(([n]) => n !== 'andon-migrate')) {
      assert.equal(env.TEMPORAL_ADDRESS, envOf(svc).TEMPORAL_ADDRESS, `${name} and the job use one server`);
      assert.equal(env.NAMESPACE, envOf(svc).TEMPORAL_NAMESPACE, `${name}'s namespace is the one registered`);
      assert.deepEqual(dependsOn(svc, 'temporal-namespace'), { condition: 'service_completed_successfully' });
    }
    assert.match(commandOf(namespaceJob), /temporal operator namespace create -n "\$\$NAMESPACE"/);
    assert.deepEqual(dependsOn(namespaceJob, 'temporal'), { condition: 'service_healthy' });
  });

  it('checks each worker on its operations port', () => {
    const worker = services['andon-worker'];
    const env = envOf(worker);
    const config = loadConfig(env);
    assert.equal(config.HOST, '0.0.0.0', 'reachable by Prometheus');
    const check = JSON.stringify(
      (worker as Service & { healthcheck?: { test?: string[] } }).healthcheck?.test,
    );
    assert.ok(check.includes(`127.0.0.1:${config.ANDON_WORKER_PORT}/readyz`), check);
  });
});
