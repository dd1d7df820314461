import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** The format of a sealed value: its first byte, so that another one can follow. */
const FORMAT = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface SealingKey {
  id: string;
  /** 32 bytes: AES-256. */
  key: Buffer;
}

export interface Sealed {
  sealed: Buffer;
  keyId: string;
}

export class UnknownKeyError extends Error {
  constructor(keyId: string) {
    super(
      `personal data sealed with key ${keyId}, which PERSONAL_DATA_KEYS no longer holds: add it back until every row is re-sealed`,
    );
    this.name = 'UnknownKeyError';
  }
}

/**
 * Seals personal data (names, contact details, health details) with AES-256-GCM before it
 * reaches the database, and opens it for those who may read it. Each value is bound to the
 * row and column it was sealed for (`context`, as GCM's additional data): a sealed value
 * copied onto another person's row does not open. The first key seals; every key opens
 * what it sealed, so that keys can be rotated without a pause (see README, Keys).
 */
export class PersonalDataCipher {
  private readonly keys: ReadonlyMap<string, Buffer>;
  readonly currentKeyId: string;

  constructor(keys: readonly SealingKey[]) {
    const [current] = keys;
    if (!current) throw new Error('personal data needs at least one key');
    for (const { id, key } of keys)
      if (key.length !== 32) throw new Error(`key ${id} must be 32 bytes, not ${key.length}`);
    this.keys = new Map(keys.map((k) => [k.id, k.key]));
    this.currentKeyId = current.id;
  }

  seal(value: unknown, context: string): Sealed {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key(this.currentKeyId), iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return {
      sealed: Buffer.concat([Buffer.of(FORMAT), iv, cipher.getAuthTag(), body]),
      keyId: this.currentKeyId,
    };
  }

  open<T>(sealed: Buffer, keyId: string, context: string): T {
    if (sealed[0] !== FORMAT) throw new Error(`sealed value of unknown format ${sealed[0]}`);
    const iv = sealed.subarray(1, 1 + IV_BYTES);
    const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key(keyId), iv);
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(tag);
    const body = Buffer.concat([
      decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)),
      decipher.final(),
    ]);
    return JSON.parse(body.toString('utf8')) as T;
  }

  private key(id: string): Buffer {
    const key = this.keys.get(id);
    if (!key) throw new UnknownKeyError(id);
    return key;
  }
}
