/** Unit tests: signed action links, the SMS reply grammar, local times of decision fields, Twilio settings. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { localToIso } from '../api/forms.js';
import { parseSms } from '../api/routes/twilio.js';
import { loadConfig } from '../lib/config.js';
import { createLinkSigner } from '../lib/links.js';

describe('action links', () => {
  let now = new Date('2026-03-10T10:00:00Z');
  const signer = createLinkSigner('a-secret-of-enough-length', { ttlSeconds: 3600, now: () => now });

  it('verify what they signed, bound to person, case and task, until they expire', () => {
    const token = signer.sign({ p: 7, c: 42, t: 'plan' }, { nonce: signer.nonce('k1') });
    const ok = signer.verify(token);
    assert.ok(ok.ok);
    assert.deepEqual(
      { p: ok.claims.p, c: ok.claims.c, t: ok.claims.t, n: ok.claims.n },
      { p: 7, c: 42, t: 'plan', n: signer.nonce('k1') },
    );
    assert.equal(ok.claims.e, Date.parse('2026-03-10T11:00:00Z') / 1000);
    now = new Date('2026-03-10T11:00:00Z');
    assert.deepEqual(signer.verify(token), { ok: false, reason: 'expired', claims: ok.claims });
    now = new Date('2026-03-10T10:00:00Z');
  });

  it('refuse another secret, a changed payload, a changed signature and garbage', () => {
    const token = signer.sign({ p: 1, c: 2, t: '' });
    const other = createLinkSigner('another-secret-of-length', { ttlSeconds: 3600, now: () => now });
    assert.equal(other.verify(token).ok, false);
    const [payload, sig] = token.split('.') as [string, string];
    const changed = Buffer.from(JSON.stringify({ p: 9, c: 2, t: '', e: 9999999999, n: 'x' })).toString(
      'base64url',
    );
    assert.deepEqual(signer.verify(`${changed}.${sig}`), { ok: false, reason: 'forged' });
    assert.deepEqual(signer.verify(`${payload}.${'A'.repeat(43)}`), { ok: false, reason: 'forged' });
    assert.deepEqual(signer.verify('garbage'), { ok: false, reason: 'malformed' });
    assert.throws(() => createLinkSigner('short', { ttlSeconds: 1 }), /at least 16/);
  });

  it('carry a fresh nonce each, unless one is given (a retried page builds the same link)', () => {
    const a = signer.verify(signer.sign({ p: 1, c: 2, t: '' }));
    const b = signer.verify(signer.sign({ p: 1, c: 2, t: '' }));
    assert.ok(a.ok && b.ok && a.claims.n !== b.claims.n);
    assert.equal(signer.nonce('same'), signer.nonce('same'));
    assert.notEqual(signer.nonce('same'), signer.nonce('other'));
  });
});

describe('SMS replies', () => {
  it('parse the documented commands', () => {
    assert.deepEqual(parseSms('A 1234'), { kind: 'ack', caseId: 1234 });
    assert.deepEqual(parseSms('  a   #1234 '), { kind: 'ack', caseId: 1234 });
    assert.deepEqual(parseSms('ＡＣＫ　１２３４'), { kind: 'ack', caseId: 1234 }); // full-width, as Chinese keyboards type
    assert.deepEqual(parseSms('确认 1234'), { kind: 'ack', caseId: 1234 });
    assert.deepEqual(parseSms('R 1234 replaced the valve'), {
      kind: 'resolve',
      caseId: 1234,
      text: 'replaced the valve',
    });
    assert.deepEqual(parseSms('R 1234'), { kind: 'unknown' });
    assert.deepEqual(parseSms('D 1234 2'), { kind: 'decide', caseId: 1234, option: 2 });
    assert.deepEqual(parseSms('1234 2'), { kind: 'decide', caseId: 1234, option: 2 });
    assert.deepEqual(parseSms('E 1234 45'), { kind: 'eta', caseId: 1234, minutes: 45 });
    assert.deepEqual(parseSms('help'), { kind: 'help' });
    assert.deepEqual(parseSms('on my way'), { kind: 'unknown' });
    assert.deepEqual(parseSms('1234'), { kind: 'unknown' });
  });
});

describe('local times', () => {
  it('read a datetime-local value on the plant clock', () => {
    assert.equal(localToIso('2026-03-10T08:30', 'Asia/Shanghai'), '2026-03-10T00:30:00.000Z');
    assert.equal(localToIso('2026-07-01T12:00', 'Europe/Berlin'), '2026-07-01T10:00:00.000Z');
    assert.equal(localToIso('2026-07-01T12:00', 'UTC'), '2026-07-01T12:00:00.000Z');
    assert.equal(localToIso('tomorrow', 'UTC'), null);
  });
});

describe('Twilio settings', () => {
  it('need all three of account, token and sender, or none', () => {
    assert.throws(
      () => loadConfig({ TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}` }),
      /TWILIO_AUTH_TOKEN, TWILIO_FROM: set all of/,
    );
    assert.throws(() => loadConfig({ TWILIO_FROM: '0138' }), /TWILIO_FROM: must be an E\.164 phone number/);
    const c = loadConfig({
      TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 'token',
      TWILIO_FROM: '+15005550006',
      ANDON_LINK_SECRET: 'x'.repeat(20),
    });
    assert.equal(c.TWILIO_FROM, '+15005550006');
    assert.equal(c.ANDON_LINK_TTL_SECONDS, 24 * 3600);
  });
});
