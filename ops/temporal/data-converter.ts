import type { DataConverter } from '@temporalio/common';
import type { Config } from '../config';
import { loadMasterKey } from '../master-key';
import { codecKeyFromMaster, EncryptionCodec } from './payload-codec';

/** One data converter for client and worker alike: encrypted payloads and encoded failures. */
export function createDataConverter(config: Config): DataConverter {
  return {
    payloadCodecs: [new EncryptionCodec([codecKeyFromMaster(loadMasterKey(config))])],
    failureConverterPath: require.resolve('../../workflows/failure-converter'),
  };
}
