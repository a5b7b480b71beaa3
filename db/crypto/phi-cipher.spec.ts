import { randomBytes } from 'node:crypto';
import { LocalMasterKey } from './master-key';
import { DecryptionError, PhiCipher, type DataKeySource } from './phi-cipher';

/** In-memory key source: the real one reads wrapped keys from PostgreSQL (medium specs). */
class MemoryKeys implements DataKeySource {
  readonly keys = new Map<string, Buffer>();
  active = new Map<string, string>();
  async activeKey(tenantId: string) {
    let keyId = this.active.get(tenantId);
    if (!keyId) {
      keyId = `dk-${this.keys.size}`;
      this.keys.set(`${tenantId}:${keyId}`, randomBytes(32));
      this.active.set(tenantId, keyId);
    }
    return { keyId, key: this.keys.get(`${tenantId}:${keyId}`)! };
  }
  async keyById(tenantId: string, keyId: string) {
    const key = this.keys.get(`${tenantId}:${keyId}`);
    if (!key) throw new Error('no such key');
    return key;
  }
  async indexKey(tenantId: string, field: string) {
    return Buffer.from(`${tenantId}:${field}`.padEnd(32, '.'));
  }
}

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const ctx = (tenantId: string, rowId = 'row-1', column = 'claims.patient_name_enc') => ({
  tenantId,
  column,
  rowId,
});

describe('PhiCipher', () => {
  const keys = new MemoryKeys();
  const cipher = new PhiCipher(keys);

  it('round-trips a value and stores the key id beside it', async () => {
    const blob = await cipher.encrypt('DOE^JANE', ctx(A));
    expect(blob.toString('latin1')).not.toContain('DOE');
    expect(cipher.keyIdOf(blob)).toBe(keys.active.get(A));
    await expect(cipher.decrypt(blob, ctx(A))).resolves.toBe('DOE^JANE');
  });

  it('uses a fresh nonce for every value', async () => {
    const one = await cipher.encrypt('same', ctx(A));
    const two = await cipher.encrypt('same', ctx(A));
    expect(one.equals(two)).toBe(false);
  });

  it('refuses a ciphertext moved to another row', async () => {
    const blob = await cipher.encrypt('DOE^JANE', ctx(A, 'row-1'));
    await expect(cipher.decrypt(blob, ctx(A, 'row-2'))).rejects.toThrow(DecryptionError);
  });

  it('refuses a ciphertext moved to another column', async () => {
    const blob = await cipher.encrypt('DOE^JANE', ctx(A));
    await expect(cipher.decrypt(blob, ctx(A, 'row-1', 'claims.member_id_enc'))).rejects.toThrow(
      DecryptionError,
    );
  });

  it('refuses a ciphertext moved to another tenant', async () => {
    await cipher.encrypt('x', ctx(B)); // B gets a key of its own
    const blob = await cipher.encrypt('DOE^JANE', ctx(A));
    await expect(cipher.decrypt(blob, ctx(B))).rejects.toThrow();
  });

  it('refuses a tampered ciphertext without saying what it held', async () => {
    const blob = await cipher.encrypt('DOE^JANE', ctx(A));
    blob[blob.length - 1]! ^= 1;
    await expect(cipher.decrypt(blob, ctx(A))).rejects.toThrow(
      'cannot decrypt claims.patient_name_enc',
    );
  });

  it('gives equal blind indexes for equal values regardless of case and spacing, and different per tenant', async () => {
    const one = await cipher.blindIndex(' abc123 ', A, 'member_id');
    expect(one).toBe(await cipher.blindIndex('ABC123', A, 'member_id'));
    expect(one).not.toBe(await cipher.blindIndex('ABC123', B, 'member_id'));
    expect(one).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('LocalMasterKey', () => {
  it('wraps and unwraps a data key bound to its context', async () => {
    const master = new LocalMasterKey(randomBytes(32).toString('base64'));
    const dataKey = randomBytes(32);
    const wrapped = await master.wrap(dataKey, 'tenant:key');
    expect((await master.unwrap(wrapped, 'tenant:key')).equals(dataKey)).toBe(true);
    await expect(master.unwrap(wrapped, 'other:key')).rejects.toThrow();
  });

  it('fails to unwrap with a different master key', async () => {
    const wrapped = await new LocalMasterKey(randomBytes(32).toString('base64')).wrap(
      randomBytes(32),
      'c',
    );
    await expect(
      new LocalMasterKey(randomBytes(32).toString('base64')).unwrap(wrapped, 'c'),
    ).rejects.toThrow();
  });
});
