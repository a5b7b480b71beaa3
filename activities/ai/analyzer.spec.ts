import { canonicalJson, sha256Hex } from './canonical-json';
import { createAnalyzer, type AiConfig } from './analyzer';
import { minimize } from './minimizer';
import { ANALYSIS_PROMPT_VERSION, ANALYSIS_TOOL } from './prompts';
import { phiFoundIn } from './testing/phi-scan';
import {
  PHI,
  PHI_STRINGS,
  patientResponsibilityClaim,
  rulesResult,
  syntheticClaim,
} from './testing/synthetic-claim';
import {
  startFakeAnthropic,
  type FakeAnthropic,
  type FakeBehaviour,
} from '../../test/fakes/anthropic-server';

const goodAnswer = {
  category: 'medical_necessity',
  recommendedAction: 'appeal',
  rationale: [
    'The LCD named by N115 covers therapy for {{PATIENT_NAME}} when progress is documented.',
  ],
  missingDocuments: ['Therapy progress notes for {{SERVICE_DATE_FROM}}'],
  appealArguments: ['Progress notes show measurable gains, meeting the LCD criteria.'],
  confidence: 0.82,
};

describe('createAnalyzer().analyze', () => {
  let fake: FakeAnthropic;
  const claim = syntheticClaim();
  const rules = rulesResult();
  const config = (extra: Partial<AiConfig> = {}): AiConfig => ({
    apiKey: 'test-key',
    baseUrl: fake.url,
    model: 'claude-test-model',
    timeoutMs: 2_000,
    maxRetries: 0,
    ...extra,
  });

  beforeEach(async () => {
    fake = await startFakeAnthropic();
  });
  afterEach(async () => {
    await fake.close();
  });

  it('uses the rules without a key, says so and sends nothing', async () => {
    const out = await createAnalyzer({ baseUrl: fake.url }).analyze(claim, rules);
    expect(out).toMatchObject({
      source: 'rules',
      model: null,
      sentSha256: null,
      fallbackReason: 'no_api_key',
      label: 'Rules analyzer (no AI key configured)',
      category: 'medical_necessity',
      recommendedAction: 'appeal',
      rationale: rules.rationale,
      missingDocuments: rules.missingDocuments,
      confidence: null,
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('refines the rules with the AI answer and fills its placeholders locally', async () => {
    fake.enqueue({ kind: 'tool', input: goodAnswer });
    const out = await createAnalyzer(config()).analyze(claim, rules);
    expect(out).toMatchObject({
      source: 'anthropic',
      model: 'claude-test-model',
      promptVersion: ANALYSIS_PROMPT_VERSION,
      fallbackReason: null,
      label: 'AI analysis (claude-test-model)',
      category: 'medical_necessity',
      recommendedAction: 'appeal',
      confidence: 0.82,
    });
    expect(out.rationale[0]).toBe(rules.rationale[0]);
    expect(out.rationale[1]).toContain('Quillonia Zephyrine Marrowgate');
    expect(out.missingDocuments).toEqual([
      ...rules.missingDocuments,
      `Therapy progress notes for ${PHI.serviceDateFrom}`,
    ]);
    expect(out.appealArguments).toEqual(goodAnswer.appealArguments);
  });

  it('sends only the minimized claim and the rules, and none of the PHI', async () => {
    fake.enqueue({ kind: 'tool', input: goodAnswer });
    const out = await createAnalyzer(config()).analyze(claim, rules);
    expect(fake.requests).toHaveLength(1);
    expect(phiFoundIn(fake.requests)).toEqual([]);
    const body = fake.requests[0].json as {
      tool_choice: unknown;
      messages: { role: string; content: { text: string }[] }[];
    };
    expect(body.tool_choice).toEqual({ type: 'tool', name: ANALYSIS_TOOL });
    expect(body.messages).toHaveLength(1);
    expect(body.messages[0].content[0].text).toBe(canonicalJson(minimize(claim).payload));
    // The audit hash is the hash of the bytes the API received.
    expect(sha256Hex(fake.requests[0].body)).toBe(out.sentSha256);
  });

  it('records the hash of the claim text the fake server received as the minimizer computed it', async () => {
    fake.enqueue({ kind: 'tool', input: goodAnswer });
    await createAnalyzer(config()).analyze(claim, rules);
    const body = fake.requests[0].json as { messages: { content: { text: string }[] }[] };
    expect(sha256Hex(body.messages[0].content[0].text)).toBe(minimize(claim).sha256);
  });

  const failures: [string, FakeBehaviour, string][] = [
    ['a timeout', { kind: 'delay', ms: 3_000 }, 'timeout'],
    ['a 500', { kind: 'error', status: 500 }, 'http_error'],
    ['a 401', { kind: 'error', status: 401 }, 'http_error'],
    [
      'text that is not JSON',
      { kind: 'text', text: 'The claim was denied because {' },
      'invalid_json',
    ],
    [
      'a response body that is not JSON',
      { kind: 'raw', body: '{"id":"msg_1","content":[' },
      'invalid_json',
    ],
    [
      'an out-of-schema answer',
      { kind: 'tool', input: { category: 'banana', confidence: 7 } },
      'out_of_schema',
    ],
    [
      'JSON text of the wrong shape',
      { kind: 'text', text: '{"verdict":"appeal"}' },
      'out_of_schema',
    ],
    ['a refusal', { kind: 'refusal' }, 'refused'],
  ];

  it.each(failures)(
    'falls back to the rules on %s and records why',
    async (_name, behaviour, reason) => {
      fake.enqueue(behaviour);
      const out = await createAnalyzer(config({ timeoutMs: 300 })).analyze(claim, rules);
      expect(out).toMatchObject({
        source: 'rules',
        fallbackReason: reason,
        label: `Rules analyzer (AI failed: ${reason})`,
        model: 'claude-test-model',
        category: rules.category,
        recommendedAction: rules.recommendedAction,
        rationale: rules.rationale,
        missingDocuments: rules.missingDocuments,
        appealArguments: [],
        confidence: null,
      });
      // Something was sent, so the audit still names it.
      expect(out.sentSha256).toBe(sha256Hex(fake.requests[0].body));
      expect(phiFoundIn(fake.requests)).toEqual([]);
    },
  );

  it('retries a 500 with backoff and uses the answer that follows', async () => {
    fake.enqueue({ kind: 'error', status: 500 });
    fake.enqueue({ kind: 'tool', input: goodAnswer });
    const out = await createAnalyzer(config({ maxRetries: 2 })).analyze(claim, rules);
    expect(out.source).toBe('anthropic');
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1].receivedAt - fake.requests[0].receivedAt).toBeGreaterThanOrEqual(300);
    expect(fake.requests[1].body).toBe(fake.requests[0].body);
  });

  it('gives up after its retries and says http_error', async () => {
    fake.enqueue({ kind: 'error', status: 529 }, 2);
    const out = await createAnalyzer(config({ maxRetries: 1 })).analyze(claim, rules);
    expect(out.fallbackReason).toBe('http_error');
    expect(fake.requests).toHaveLength(2);
  });

  it('retries a timed-out attempt and says timeout when every attempt times out', async () => {
    fake.enqueue({ kind: 'delay', ms: 3_000 }, 2);
    const out = await createAnalyzer(config({ timeoutMs: 200, maxRetries: 1 })).analyze(
      claim,
      rules,
    );
    expect(out.fallbackReason).toBe('timeout');
    expect(fake.requests).toHaveLength(2);
  });

  it('cannot turn a claim with only patient responsibility into an appeal', async () => {
    const prClaim = patientResponsibilityClaim();
    const prRules = rulesResult({
      category: 'patient_responsibility',
      recommendedAction: 'bill_patient',
      rationale: ['Only deductible (PR-1) and the contractual write-off (CO-45).'],
      missingDocuments: [],
      amountAtStakeCents: 0,
    });
    fake.enqueue({
      kind: 'tool',
      input: { ...goodAnswer, recommendedAction: 'appeal', category: 'medical_necessity' },
    });
    const out = await createAnalyzer(config()).analyze(prClaim, prRules);
    expect(out.source).toBe('anthropic');
    expect(out.category).toBe('patient_responsibility');
    expect(out.recommendedAction).toBe('bill_patient');
    expect(out.appealArguments).toEqual([]);
    expect(out.rationale).toContain(
      "AI suggested action 'appeal'; kept the rules' 'bill_patient'.",
    );
    // The model was told what it may answer.
    const context = JSON.parse(
      (fake.requests[0].json as { messages: { content: { text: string }[] }[] }).messages[0]
        .content[1].text,
    );
    expect(context.allowedActions).toEqual(['bill_patient']);
  });

  it('keeps an identifying value out of the request even where a code belongs', async () => {
    fake.enqueue({ kind: 'tool', input: goodAnswer });
    // A short, code-shaped account number that a misread 835 put among the codes.
    const leaky = syntheticClaim({
      patientControlNumber: 'PX7Q2',
      remarks: ['PX7Q2', 'N115'],
      adjustments: [{ group: 'CO', reason: 'PX7Q2', amountCents: 100, level: 'claim' }],
    });
    await createAnalyzer(config()).analyze(leaky, rules);
    expect(phiFoundIn(fake.requests, [...PHI_STRINGS, 'PX7Q2'])).toEqual([]);
  });

  it('never drops the rules\u2019 missing documents when the AI lists none', async () => {
    fake.enqueue({ kind: 'tool', input: { ...goodAnswer, missingDocuments: [] } });
    const out = await createAnalyzer(config()).analyze(claim, rules);
    expect(out.missingDocuments).toEqual(rules.missingDocuments);
  });

  it('sends the rules\u2019 text with identifying values and dates replaced', async () => {
    fake.enqueue({ kind: 'tool', input: goodAnswer });
    const leakyRules = rulesResult({
      rationale: [
        `Claim ${PHI.patientControlNumber} for ${PHI.lastName} denied on ${PHI.determinationDate}.`,
      ],
    });
    await createAnalyzer(config()).analyze(claim, leakyRules);
    expect(phiFoundIn(fake.requests)).toEqual([]);
    expect(fake.requests[0].body).toContain(
      'Claim {{PATIENT_CONTROL_NUMBER}} for {{PATIENT_LAST_NAME}} denied on {{DETERMINATION_DATE}}.',
    );
  });
});
