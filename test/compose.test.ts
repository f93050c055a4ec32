/**
 * docker-compose.yml cannot be run on a machine without a Docker engine, so it is checked here for
 * consistency with the code: entry points exist, every variable is one Andon reads, each process gets
 * what it requires, and the addresses point at services that exist with matching credentials.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { CONFIG_KEYS, loadConfig, REQUIRED_ENV } from '../lib/config.js';

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
