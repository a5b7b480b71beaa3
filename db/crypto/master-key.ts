import * as crypto from 'node:crypto';

/**
 * Wraps and unwraps tenant data keys. A cloud KMS implements the same
 * interface; the local one keeps an AES-256 key from config.
 */
export interface KeyWrapper {
  /** The id of the key that `wrap` uses now; stored beside every wrapped key. */
  readonly id: string;
  wrap(dataKey: Buffer, context: string): Promise<Buffer>;
  /** `masterKeyId` names the key that wrapped it, so a wrapper may hold old keys for rotation. */
  unwrap(wrapped: Buffer, context: string, masterKeyId?: string): Promise<Buffer>;
}

export class KeyWrapError extends Error {
  readonly code = 'MASTER_KEY_UNAVAILABLE';
}

export class LocalMasterKey implements KeyWrapper {
  readonly id: string;
  readonly #key: Buffer;

  constructor(base64Key: string) {
    const key = Buffer.from(base64Key, 'base64');
    if (key.length !== 32) throw new Error('master key must be 32 bytes');
    this.#key = key;
    this.id = `local:${crypto.createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
  }

  async wrap(dataKey: Buffer, context: string): Promise<Buffer> {
    const nonce = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.#key, nonce);
    cipher.setAAD(Buffer.from(`wrap:${context}`));
    const ct = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return Buffer.concat([nonce, cipher.getAuthTag(), ct]);
  }

  async unwrap(wrapped: Buffer, context: string, masterKeyId?: string): Promise<Buffer> {
    if (masterKeyId && masterKeyId !== this.id)
      throw new KeyWrapError(`data key is wrapped by master key ${masterKeyId}, not ${this.id}`);
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.#key, wrapped.subarray(0, 12));
    decipher.setAAD(Buffer.from(`wrap:${context}`));
    decipher.setAuthTag(wrapped.subarray(12, 28));
    return Buffer.concat([decipher.update(wrapped.subarray(28)), decipher.final()]);
  }
}

/**
 * The current master key plus retired ones, during a master rotation: wraps
 * with the current key, unwraps with whichever key wrapped the value.
 */
export class MasterKeySet implements KeyWrapper {
  readonly #byId = new Map<string, KeyWrapper>();

  constructor(
    private readonly current: KeyWrapper,
    previous: KeyWrapper[] = [],
  ) {
    for (const k of [current, ...previous]) this.#byId.set(k.id, k);
  }

  get id(): string {
    return this.current.id;
  }

  wrap(dataKey: Buffer, context: string): Promise<Buffer> {
    return this.current.wrap(dataKey, context);
  }

  unwrap(wrapped: Buffer, context: string, masterKeyId?: string): Promise<Buffer> {
    const key = this.#byId.get(masterKeyId ?? this.current.id);
    if (!key) throw new KeyWrapError(`master key ${masterKeyId} is not configured`);
    return key.unwrap(wrapped, context, masterKeyId);
  }
}
