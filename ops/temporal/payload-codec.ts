import * as crypto from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { METADATA_ENCODING_KEY } from '@temporalio/common';

export const ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

export interface CodecKey {
  id: string;
  key: Buffer;
}

export class CodecError extends Error {
  readonly code = 'PAYLOAD_DECRYPTION_FAILED';
}

/**
 * Encrypts every Temporal payload (AES-256-GCM), so workflow histories, as the
 * server stores them, hold no PHI in clear. The whole original payload
 * (metadata included) is sealed; the key id travels in clear metadata so keys
 * can rotate: new payloads use the first key, old ones decrypt by id.
 */
export class EncryptionCodec implements PayloadCodec {
  readonly #byId: Map<string, Buffer>;
  readonly #active: CodecKey;

  constructor(keys: CodecKey[]) {
    if (keys.length === 0) throw new Error('the payload codec needs a key');
    this.#active = keys[0]!;
    this.#byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const nonce = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv('aes-256-gcm', this.#active.key, nonce);
      const plain = encodePayload(payload);
      const sealed = Buffer.concat([
        nonce,
        cipher.update(plain),
        cipher.final(),
        cipher.getAuthTag(),
      ]);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: Buffer.from(ENCODING),
          [KEY_ID_METADATA]: Buffer.from(this.#active.id),
        },
        data: sealed,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || Buffer.from(encoding).toString() !== ENCODING) return payload;
      const keyId = Buffer.from(payload.metadata?.[KEY_ID_METADATA] ?? []).toString();
      const key = this.#byId.get(keyId);
      if (!key) throw new CodecError(`no payload key with id ${keyId}`);
      const data = Buffer.from(payload.data ?? []);
      try {
        const decipher = crypto.createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
        decipher.setAuthTag(data.subarray(data.length - 16));
        const plain = Buffer.concat([
          decipher.update(data.subarray(12, data.length - 16)),
          decipher.final(),
        ]);
        return decodePayload(plain);
      } catch {
        throw new CodecError(`payload does not decrypt with key ${keyId}`);
      }
    });
  }
}

/** Payload → bytes without protobuf: a small length-prefixed map keeps this module dependency-free. */
function encodePayload(payload: Payload): Buffer {
  const parts: Buffer[] = [];
  const metadata = Object.entries(payload.metadata ?? {});
  parts.push(u32(metadata.length));
  for (const [k, v] of metadata) {
    const key = Buffer.from(k);
    parts.push(u32(key.length), key, u32(v?.length ?? 0), Buffer.from(v ?? []));
  }
  const data = Buffer.from(payload.data ?? []);
  parts.push(u32(data.length), data);
  return Buffer.concat(parts);
}

function decodePayload(buf: Buffer): Payload {
  let at = 0;
  const read = () => {
    const n = buf.readUInt32BE(at);
    at += 4;
    const out = buf.subarray(at, at + n);
    at += n;
    return out;
  };
  const count = buf.readUInt32BE(at);
  at += 4;
  const metadata: Record<string, Uint8Array> = {};
  for (let i = 0; i < count; i++) {
    const key = read().toString();
    metadata[key] = new Uint8Array(read());
  }
  return { metadata, data: new Uint8Array(read()) };
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** The payload key is derived from the master key, so no second secret is needed. */
export function codecKeyFromMaster(masterKeyBase64: string): CodecKey {
  const master = Buffer.from(masterKeyBase64, 'base64');
  const key = Buffer.from(
    crypto.hkdfSync('sha256', master, Buffer.alloc(0), 'claimflow:temporal-payloads:v1', 32),
  );
  const id = `tp-${crypto.createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
  return { id, key };
}
