import * as crypto from 'node:crypto';

/**
 * Wraps and unwraps tenant data keys. A cloud KMS implements the same
 * interface; the local one keeps an AES-256 key from config.
 */
export interface KeyWrapper {
  readonly id: string;
  wrap(dataKey: Buffer, context: string): Promise<Buffer>;
  unwrap(wrapped: Buffer, context: string): Promise<Buffer>;
  /** Key material for blind indexes (HMAC), derived so it never leaves the wrapper. */
  deriveIndexKey(context: string): Promise<Buffer>;
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

  async unwrap(wrapped: Buffer, context: string): Promise<Buffer> {
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.#key, wrapped.subarray(0, 12));
    decipher.setAAD(Buffer.from(`wrap:${context}`));
    decipher.setAuthTag(wrapped.subarray(12, 28));
    return Buffer.concat([decipher.update(wrapped.subarray(28)), decipher.final()]);
  }

  async deriveIndexKey(context: string): Promise<Buffer> {
    return Buffer.from(
      crypto.hkdfSync('sha256', this.#key, Buffer.alloc(0), `bidx:${context}`, 32),
    );
  }
}
