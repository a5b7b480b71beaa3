/**
 * A fake Anthropic Messages API on 127.0.0.1 for tests: real HTTP, so the real
 * SDK (headers, retries, timeouts, parsing) is what gets exercised. It records
 * every request byte for byte and answers from a queue of behaviours.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeBehaviour =
  /** Answer with a tool_use block carrying `input` (named after the request's forced tool). */
  | { kind: 'tool'; input: unknown; name?: string }
  /** Answer with one text block (valid JSON or not: that is the point). */
  | { kind: 'text'; text: string }
  /** The model declined: stop_reason 'refusal'. */
  | { kind: 'refusal' }
  /** An API error, e.g. 500 api_error, 529 overloaded_error, 400 invalid_request_error. */
  | { kind: 'error'; status: number; type?: string; headers?: Record<string, string> }
  /** A 200 whose body is whatever is given, e.g. truncated JSON. */
  | { kind: 'raw'; status?: number; body: string; contentType?: string }
  /** Wait, then behave as `then` (default: hang until the client gives up). */
  | { kind: 'delay'; ms: number; then?: FakeBehaviour };

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** The body exactly as received. */
  body: string;
  /** The body parsed, when it was JSON. */
  json: unknown;
  receivedAt: number;
}

export interface FakeAnthropic {
  /** Base URL for the SDK's `baseURL`, e.g. http://127.0.0.1:40123 */
  url: string;
  requests: RecordedRequest[];
  enqueue(behaviour: FakeBehaviour, times?: number): void;
  /** Behaviours still queued (a spec can assert they were all used). */
  pending(): number;
  close(): Promise<void>;
}

export interface FakeAnthropicOptions {
  /** Used when the queue is empty; default a 500 that says so, to fail loudly. */
  fallback?: FakeBehaviour;
}

interface MessageRequest {
  model?: unknown;
  max_tokens?: unknown;
  messages?: unknown;
  tool_choice?: { type?: string; name?: string };
  tools?: { name?: string }[];
}

function send(res: ServerResponse, status: number, body: unknown, headers = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'request-id': `req_${randomUUID()}`,
    ...headers,
  });
  res.end(text);
}

function apiError(
  res: ServerResponse,
  status: number,
  type: string,
  message: string,
  headers = {},
) {
  send(res, status, { type: 'error', error: { type, message } }, headers);
}

function message(req: MessageRequest, content: unknown[], stopReason: string) {
  return {
    id: `msg_${randomUUID().replaceAll('-', '')}`,
    type: 'message',
    role: 'assistant',
    model: typeof req.model === 'string' ? req.model : 'claude-fake',
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage: { input_tokens: 100, output_tokens: 50 },
  };
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  429: 'rate_limit_error',
  529: 'overloaded_error',
};

export async function startFakeAnthropic(
  options: FakeAnthropicOptions = {},
): Promise<FakeAnthropic> {
  const requests: RecordedRequest[] = [];
  const queue: FakeBehaviour[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const fallback: FakeBehaviour = options.fallback ?? {
    kind: 'error',
    status: 500,
    type: 'api_error',
  };

  const behave = (b: FakeBehaviour, req: MessageRequest, res: ServerResponse): void => {
    if (res.destroyed) return;
    switch (b.kind) {
      case 'tool': {
        const name = b.name ?? req.tool_choice?.name ?? req.tools?.[0]?.name ?? 'tool';
        const block = {
          type: 'tool_use',
          id: `toolu_${randomUUID().replaceAll('-', '').slice(0, 24)}`,
          name,
          input: b.input,
        };
        return send(res, 200, message(req, [block], 'tool_use'));
      }
      case 'text':
        return send(res, 200, message(req, [{ type: 'text', text: b.text }], 'end_turn'));
      case 'refusal':
        return send(res, 200, message(req, [], 'refusal'));
      case 'error':
        return apiError(
          res,
          b.status,
          b.type ?? ERROR_TYPES[b.status] ?? 'api_error',
          'fake error',
          b.headers,
        );
      case 'raw':
        res.writeHead(b.status ?? 200, { 'content-type': b.contentType ?? 'application/json' });
        return void res.end(b.body);
      case 'delay': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (b.then) behave(b.then, req, res);
        }, b.ms);
        timers.add(timer);
        return;
      }
    }
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: string): void => {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
    const { method = '', url = '' } = req;
    requests.push({ method, url, headers: { ...req.headers }, body, json, receivedAt: Date.now() });
    if (method !== 'POST' || url.split('?')[0] !== '/v1/messages')
      return apiError(res, 404, 'not_found_error', 'fake: only POST /v1/messages');
    if (!req.headers['x-api-key'] && !req.headers.authorization)
      return apiError(res, 401, 'authentication_error', 'fake: no credentials');
    if (!req.headers['anthropic-version'])
      return apiError(res, 400, 'invalid_request_error', 'fake: anthropic-version header missing');
    const m = json as MessageRequest | undefined;
    if (
      !m ||
      typeof m.model !== 'string' ||
      typeof m.max_tokens !== 'number' ||
      !Array.isArray(m.messages)
    )
      return apiError(
        res,
        400,
        'invalid_request_error',
        'fake: model, max_tokens and messages are required',
      );
    behave(queue.shift() ?? fallback, m, res);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    enqueue(behaviour, times = 1) {
      for (let i = 0; i < times; i++) queue.push(behaviour);
    },
    pending: () => queue.length,
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
