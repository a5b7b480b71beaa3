import { startFakeAnthropic, type FakeAnthropic } from './anthropic-server';

const post = (fake: FakeAnthropic, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${fake.url}/v1/messages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-api-key': 'k',
      'anthropic-version': '2023-06-01',
      ...headers,
    },
    body: JSON.stringify(body),
  });

const request = {
  model: 'claude-x',
  max_tokens: 10,
  tools: [{ name: 'record', input_schema: { type: 'object' } }],
  tool_choice: { type: 'tool', name: 'record' },
  messages: [{ role: 'user', content: 'hello' }],
};

describe('startFakeAnthropic', () => {
  let fake: FakeAnthropic;
  beforeEach(async () => {
    fake = await startFakeAnthropic();
  });
  afterEach(async () => {
    await fake.close();
  });

  it('listens on 127.0.0.1 and records every request byte for byte', async () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    fake.enqueue({ kind: 'text', text: 'hi' });
    await post(fake, request);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0].body).toBe(JSON.stringify(request));
    expect(fake.requests[0].headers['x-api-key']).toBe('k');
  });

  it('answers a queued tool input as a tool_use message named after the forced tool', async () => {
    fake.enqueue({ kind: 'tool', input: { a: 1 } });
    const res = await post(fake, request);
    const json = await res.json();
    expect(json).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-x',
      content: [{ type: 'tool_use', name: 'record', input: { a: 1 } }],
      stop_reason: 'tool_use',
      usage: { input_tokens: expect.any(Number), output_tokens: expect.any(Number) },
    });
  });

  it('answers with errors in the API\u2019s shape, and a 500 when nothing is queued', async () => {
    fake.enqueue({ kind: 'error', status: 529 });
    const overloaded = await post(fake, request);
    expect(overloaded.status).toBe(529);
    expect(await overloaded.json()).toMatchObject({
      type: 'error',
      error: { type: 'overloaded_error' },
    });
    expect((await post(fake, request)).status).toBe(500);
  });

  it('refuses requests the real API would refuse', async () => {
    expect((await post(fake, { ...request, max_tokens: undefined })).status).toBe(400);
    expect((await post(fake, request, { 'x-api-key': '' })).status).toBe(401);
    expect((await fetch(`${fake.url}/v1/complete`, { method: 'POST' })).status).toBe(404);
  });

  it('delays an answer and then gives it', async () => {
    fake.enqueue({ kind: 'delay', ms: 150, then: { kind: 'text', text: 'late' } });
    const started = Date.now();
    const res = await post(fake, request);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    const json = (await res.json()) as { content: { text: string }[] };
    expect(json.content[0].text).toBe('late');
    expect(fake.pending()).toBe(0);
  });
});
