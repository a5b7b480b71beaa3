/** Errors of the AI module carry a stable code and a message without any claim data. */
export class AiError extends Error {
  constructor(
    readonly code: 'AI_CONFIG_INVALID',
    message: string,
  ) {
    super(message);
    this.name = 'AiError';
  }
}
