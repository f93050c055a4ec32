/**
 * Secrets Andon must read back to use (the signing secrets of webhooks and of MES keys, the
 * webhook URLs and signing secrets of group chat robots): unlike API
 * keys and passwords they cannot be stored as hashes, so they are stored encrypted with AES-256-GCM
 * under a key derived from ANDON_SECRETS_KEY. They are shown once, when made; never logged or
 * returned again.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

export class SecretUnreadable extends Error {
  constructor() {
    super(
      'a stored secret cannot be decrypted: ANDON_SECRETS_KEY has changed since it was made; rotate the secret',
    );
  }
}

const VERSION = 'v1';

/** Whether a stored value was sealed here (rather than stored as plain text before sealing began). */
export const isSealed = (stored: string): boolean => stored.startsWith(`${VERSION}:`);

export function createSecretBox(masterKey: string): SecretBox {
  const key = Buffer.from(hkdfSync('sha256', masterKey, 'andon', 'stored-secrets-v1', 32));
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const parts = [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url'));
      return [VERSION, ...parts].join(':');
    },
    open(sealed) {
      const [version, iv, tag, data] = sealed.split(':');
      if (version !== VERSION || !iv || !tag || data === undefined) throw new SecretUnreadable();
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString(
          'utf8',
        );
      } catch {
        throw new SecretUnreadable();
      }
    },
  };
}
