import Anthropic, { APIConnectionTimeoutError, APIError } from '@anthropic-ai/sdk';
import type { Logger } from '@anthropic-ai/sdk/client';
import type { z } from 'zod';
import { sha256Hex } from './canonical-json';
import { inputSchemaOf } from './schemas';

export type FallbackReason =
  'no_api_key' | 'timeout' | 'http_error' | 'invalid_json' | 'out_of_schema' | 'refused';

export interface CallSettings {
  apiKey: string;
  baseUrl?: string;
  model: string;
  timeoutMs: number;
  maxRetries: number;
}

export interface StructuredRequest<T> {
  system: string;
  /** Each block is already minimized text; nothing else goes into the user turn. */
  blocks: string[];
  tool: { name: string; description: string; schema: z.ZodType<T> };
  maxTokens: number;
}

export type CallResult<T> =
  | { ok: true; value: T; model: string; sentSha256: string }
  | { ok: false; reason: FallbackReason; model: string; sentSha256: string | null };

const noop = () => undefined;
/** The SDK logs to console by default; nothing of a call may reach a log. */
const SILENT: Logger = { error: noop, warn: noop, info: noop, debug: noop };

/**
 * One client per call: its fetch wrapper hashes the exact bytes of the request
 * body, so the audit hash is of what went over the wire (the same on retries),
 * and concurrent calls cannot mix their hashes up.
 */
function clientFor(settings: CallSettings, sent: { sha256: string | null }): Anthropic {
  const hashingFetch: typeof fetch = (input, init) => {
    const body = init?.body;
    if (typeof body === 'string' || body instanceof Uint8Array) sent.sha256 = sha256Hex(body);
    return fetch(input, init);
  };
  return new Anthropic({
    apiKey: settings.apiKey,
    baseURL: settings.baseUrl,
    timeout: settings.timeoutMs,
    maxRetries: settings.maxRetries,
    fetch: hashingFetch,
    logger: SILENT,
    logLevel: 'off',
    // Spans stay (operators need latency), but never with content, and no trace ids leave.
    openTelemetry: { propagation: false, traces: { contentMode: 'metadata_only' } },
  });
}

/** Everything thrown inside the SDK call is the API's or the network's doing, never ours. */
function reasonOf(error: unknown): FallbackReason {
  if (error instanceof APIConnectionTimeoutError) return 'timeout';
  // A gateway or the API itself may give up on time too (408, 504).
  if (error instanceof APIError && (error.status === 408 || error.status === 504)) return 'timeout';
  // The SDK parses a 200 body itself; a broken one surfaces as a SyntaxError (by name: it
  // may come from another realm than ours, as under Jest).
  if ((error as { name?: unknown } | null)?.name === 'SyntaxError') return 'invalid_json';
  return 'http_error';
}

/** The tool's input if the model called it, else JSON found in its text. */
function answerOf(message: Anthropic.Message, tool: string): { json: unknown } | null {
  const call = message.content.find(
    (b): b is Anthropic.ToolUseBlock => b.type === 'tool_use' && b.name === tool,
  );
  if (call) return { json: call.input };
  const text = message.content
    .filter((b): b is Anthropic.TextBlock => b.type === 'text')
    .map((b) => b.text)
    .join('')
    .trim()
    .replace(/^```(?:json)?\s*|\s*```$/g, '');
  try {
    return { json: JSON.parse(text) };
  } catch {
    return null;
  }
}

/**
 * Asks for one structured answer by forcing a tool call, then validates it
 * with zod. Never throws for anything the API or the model does: each failure
 * becomes the reason the caller falls back to the rules.
 */
export async function callForStructured<T>(
  settings: CallSettings,
  request: StructuredRequest<T>,
): Promise<CallResult<T>> {
  const sent: { sha256: string | null } = { sha256: null };
  const client = clientFor(settings, sent);
  const fail = (reason: FallbackReason): CallResult<T> => ({
    ok: false,
    reason,
    model: settings.model,
    sentSha256: sent.sha256,
  });
  // Built outside the try: a schema this module cannot express is a bug, not an API failure.
  const inputSchema = inputSchemaOf(request.tool.schema);
  let message: Anthropic.Message;
  try {
    message = await client.messages.create({
      model: settings.model,
      max_tokens: request.maxTokens,
      system: request.system,
      tools: [
        {
          name: request.tool.name,
          description: request.tool.description,
          input_schema: inputSchema,
        },
      ],
      tool_choice: { type: 'tool', name: request.tool.name },
      messages: [{ role: 'user', content: request.blocks.map((text) => ({ type: 'text', text })) }],
    });
  } catch (error) {
    return fail(reasonOf(error));
  }
  if (message.stop_reason === 'refusal') return fail('refused');
  const answer = answerOf(message, request.tool.name);
  if (!answer) return fail('invalid_json');
  const parsed = request.tool.schema.safeParse(answer.json);
  if (!parsed.success) return fail('out_of_schema');
  return {
    ok: true,
    value: parsed.data,
    model: message.model || settings.model,
    sentSha256: sent.sha256 ?? '',
  };
}
