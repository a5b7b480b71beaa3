import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { codecKeyFromMaster, CodecError, EncryptionCodec, ENCODING } from './payload-codec';

const master = () => randomBytes(32).toString('base64');

describe('EncryptionCodec', () => {
  const key = codecKeyFromMaster(master());
  const codec = new EncryptionCodec([key]);
  const payload = defaultPayloadConverter.toPayload({ patient: 'DOE^JANE', memberId: 'XYZ123456' });

  it('seals a payload so its bytes hold nothing in clear, and opens it again', async () => {
    const [sealed] = await codec.encode([payload]);
    expect(Buffer.from(sealed!.metadata!.encoding!).toString()).toBe(ENCODING);
    expect(Buffer.from(sealed!.data!).toString('latin1')).not.toContain('DOE');
    expect(Buffer.from(sealed!.data!).toString('latin1')).not.toContain('json/plain');
    const [opened] = await codec.decode([sealed!]);
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual({
      patient: 'DOE^JANE',
      memberId: 'XYZ123456',
    });
  });

  it('leaves payloads it did not encode untouched', async () => {
    const [same] = await codec.decode([payload]);
    expect(same).toBe(payload);
  });

  it('decodes with an older key after rotation and encodes with the new one', async () => {
    const [old] = await codec.encode([payload]);
    const next = codecKeyFromMaster(master());
    const rotated = new EncryptionCodec([next, key]);
    const [opened] = await rotated.decode([old!]);
    expect(defaultPayloadConverter.fromPayload(opened!)).toMatchObject({ patient: 'DOE^JANE' });
    const [fresh] = await rotated.encode([payload]);
    expect(Buffer.from(fresh!.metadata!['encryption-key-id']!).toString()).toBe(next.id);
  });

  it('refuses a payload sealed with an unknown key or tampered with', async () => {
    const [sealed] = await new EncryptionCodec([codecKeyFromMaster(master())]).encode([payload]);
    await expect(codec.decode([sealed!])).rejects.toThrow(CodecError);
    const [mine] = await codec.encode([payload]);
    mine!.data![20]! ^= 1;
    await expect(codec.decode([mine!])).rejects.toThrow(/does not decrypt/);
  });
});
