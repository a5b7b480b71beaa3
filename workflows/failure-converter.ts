import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Loaded by worker and client by path: failure messages and stack traces go
 * into an encoded attribute, so the codec encrypts them like any payload.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
