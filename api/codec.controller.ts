import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import type { Payload } from '@temporalio/common';
import { z } from 'zod';
import { recordAudit } from '../db/audit/audit.repository';
import { inTenant } from '../db/unit-of-work';
import type { Config } from '../ops/config';
import type { Runtime } from '../ops/runtime';
import { loadMasterKey } from '../ops/master-key';
import { CodecError, codecKeyFromMaster, EncryptionCodec } from '../ops/temporal/payload-codec';
import { AppError } from './errors';
import { Requires } from './permissions';
import { type Actor, Who } from './principal';
import { CONFIG, RUNTIME } from './tokens';
import { body } from './validation';

const b64 = z
  .string()
  .max(4_000_000)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
const Payloads = z.strictObject({
  payloads: z
    .array(z.object({ metadata: z.record(z.string(), b64).optional(), data: b64.optional() }))
    .max(1000),
});
type Wire = z.infer<typeof Payloads>['payloads'][number];

const toPayload = (p: Wire): Payload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))]),
  ),
  data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
});
const toWire = (p: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

/**
 * The Temporal UI's remote codec: decoding shows workflow payloads in clear,
 * so it is for PHI roles only (ops see encrypted payloads) and every decode is
 * audited by count, never by content.
 */
@ApiTags('temporal codec')
@ApiBearerAuth()
@Controller('temporal/codec')
export class CodecController {
  private readonly codec: EncryptionCodec;

  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(CONFIG) config: Config,
  ) {
    this.codec = new EncryptionCodec([codecKeyFromMaster(loadMasterKey(config))]);
  }

  @Post('encode')
  @HttpCode(200)
  @Requires('codec.encode')
  @ApiBody({
    schema: {
      example: { payloads: [{ metadata: { encoding: 'anNvbi9wbGFpbg==' }, data: 'e30=' }] },
    },
  })
  async encode(@Body(body(Payloads)) input: z.infer<typeof Payloads>) {
    return { payloads: (await this.codec.encode(input.payloads.map(toPayload))).map(toWire) };
  }

  @Post('decode')
  @HttpCode(200)
  @Requires('codec.decode')
  async decode(@Who() who: Actor, @Body(body(Payloads)) input: z.infer<typeof Payloads>) {
    return inTenant(this.runtime.db, who, async (tx) => {
      let decoded: Payload[];
      try {
        decoded = await this.codec.decode(input.payloads.map(toPayload));
      } catch (err) {
        if (err instanceof CodecError)
          throw new AppError('PAYLOAD_UNDECODABLE', err.message, 400, 'payloads');
        throw err;
      }
      await recordAudit(tx, {
        action: 'temporal.payload_decode',
        resourceType: 'temporal_payload',
        purpose: 'operations',
        details: { payloads: decoded.length },
      });
      return { payloads: decoded.map(toWire) };
    });
  }
}
