import * as crypto from 'node:crypto';

/**
 * AES-256-GCM for PHI columns. Every value carries its key id, and its tenant,
 * column and row are bound in as associated data, so a ciphertext copied to
 * another row or tenant fails to decrypt.
 *
 * Layout: version(1) | keyIdLength(1) | keyId | nonce(12) | tag(16) | ciphertext
 */
const VERSION = 1;

export class DecryptionError extends Error {
  readonly code = 'DECRYPTION_FAILED';
}

export interface DataKeySource {
  activeKey(tenantId: string): Promise<{ keyId: string; key: Buffer }>;
  keyById(tenantId: string, keyId: string): Promise<Buffer>;
  indexKey(tenantId: string, field: string): Promise<Buffer>;
}

export interface CipherContext {
  tenantId: string;
  /** `table.column` */
  column: string;
  rowId: string;
}

function aad(ctx: CipherContext): Buffer {
  return Buffer.from(`claimflow:v${VERSION}:${ctx.tenantId}:${ctx.column}:${ctx.rowId}`);
}

export class PhiCipher {
  constructor(private readonly keys: DataKeySource) {}

  async encrypt(plaintext: string | Buffer, ctx: CipherContext): Promise<Buffer> {
    const { keyId, key } = await this.keys.activeKey(ctx.tenantId);
    const nonce = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(aad(ctx));
    const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const id = Buffer.from(keyId);
    return Buffer.concat([Buffer.from([VERSION, id.length]), id, nonce, cipher.getAuthTag(), ct]);
  }

  keyIdOf(blob: Buffer): string {
    if (blob.length < 2 || blob[0] !== VERSION)
      throw new DecryptionError('unknown ciphertext version');
    return blob.subarray(2, 2 + blob[1]!).toString();
  }

  async decryptBuffer(blob: Buffer, ctx: CipherContext): Promise<Buffer> {
    const keyId = this.keyIdOf(blob);
    const at = 2 + blob[1]!;
    const key = await this.keys.keyById(ctx.tenantId, keyId);
    try {
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, blob.subarray(at, at + 12));
      decipher.setAAD(aad(ctx));
      decipher.setAuthTag(blob.subarray(at + 12, at + 28));
      return Buffer.concat([decipher.update(blob.subarray(at + 28)), decipher.final()]);
    } catch {
      // Never say more: the reason could help an attacker and the value is PHI.
      throw new DecryptionError(`cannot decrypt ${ctx.column}`);
    }
  }

  async decrypt(blob: Buffer, ctx: CipherContext): Promise<string> {
    return (await this.decryptBuffer(blob, ctx)).toString('utf8');
  }

  /** HMAC blind index: equality lookups without storing the value in clear. */
  async blindIndex(value: string, tenantId: string, field: string): Promise<string> {
    const key = await this.keys.indexKey(tenantId, field);
    return crypto
      .createHmac('sha256', key)
      .update(value.normalize('NFKC').trim().toUpperCase())
      .digest('hex');
  }
}
