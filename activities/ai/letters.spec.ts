import { createAnalyzer, type AiConfig, type AnalysisOutcome } from './analyzer';
import { sha256Hex } from './canonical-json';
import { LETTER_PROMPT_VERSION, LETTER_TOOL, REVIEWER_SIGNATURE } from './prompts';
import { phiFoundIn } from './testing/phi-scan';
import { PHI, patientResponsibilityClaim, syntheticClaim } from './testing/synthetic-claim';
import { triageOf } from './testing/triage-of';
import { startFakeAnthropic, type FakeAnthropic } from '../../test/fakes/anthropic-server';

const aiLetter = {
  subject: 'Appeal of claim {{PAYER_CLAIM_NUMBER}} for {{PATIENT_NAME}}',
  body: [
    'ACME HEALTH PLAN, Appeals',
    'Re: {{PATIENT_NAME}}, member {{MEMBER_ID}}, born {{PATIENT_DOB}}',
    'Claim {{PAYER_CLAIM_NUMBER}} (account {{PATIENT_CONTROL_NUMBER}}), service {{SERVICE_DATE_FROM}}.',
    'We appeal the CO-50 denial of procedure 97110 ($405.00): the LCD cited by N115 is met, as the enclosed progress notes show.',
    'Sincerely,',
    REVIEWER_SIGNATURE,
  ].join('\n'),
};

describe('createAnalyzer().draftLetter', () => {
  let fake: FakeAnthropic;
  const claim = syntheticClaim();
  const rules = triageOf(claim);
  const config = (extra: Partial<AiConfig> = {}): AiConfig => ({
    apiKey: 'test-key',
    baseUrl: fake.url,
    model: 'claude-test-model',
    timeoutMs: 2_000,
    maxRetries: 0,
    ...extra,
  });
  let analysis: AnalysisOutcome;

  beforeEach(async () => {
    fake = await startFakeAnthropic();
    analysis = await createAnalyzer({}).analyze(claim, rules);
  });
  afterEach(async () => {
    await fake.close();
  });

  it('writes a template letter without a key and says so', async () => {
    const out = await createAnalyzer({}).draftLetter(claim, rules, analysis);
    expect(out).toMatchObject({
      source: 'template',
      model: null,
      sentSha256: null,
      fallbackReason: 'no_api_key',
      label: 'Template letter (no AI key configured)',
    });
    expect(rules.category).toBe('medical_necessity');
    expect(out.body).toContain('Appeal of a medical necessity denial');
    expect(out.body).toContain('Quillonia Zephyrine Marrowgate');
    expect(out.body).toContain(REVIEWER_SIGNATURE);
    expect(fake.requests).toHaveLength(0);
  });

  it('fills the AI draft\u2019s placeholders locally and sends none of the PHI', async () => {
    fake.enqueue({ kind: 'tool', input: aiLetter });
    const out = await createAnalyzer(config()).draftLetter(claim, rules, analysis);
    expect(out).toMatchObject({
      source: 'anthropic',
      model: 'claude-test-model',
      promptVersion: LETTER_PROMPT_VERSION,
      fallbackReason: null,
      label: 'AI draft (claude-test-model)',
      subject: `Appeal of claim ${PHI.payerClaimControlNumber} for Quillonia Zephyrine Marrowgate`,
    });
    expect(out.body).toContain(`member ${PHI.memberId}, born ${PHI.dateOfBirth}`);
    expect(out.body).toContain(
      `account ${PHI.patientControlNumber}), service ${PHI.serviceDateFrom}`,
    );
    expect(out.body).not.toMatch(/\{\{/);
    expect(phiFoundIn(fake.requests)).toEqual([]);
    expect(sha256Hex(fake.requests[0].body)).toBe(out.sentSha256);
    const body = fake.requests[0].json as { tool_choice: unknown };
    expect(body.tool_choice).toEqual({ type: 'tool', name: LETTER_TOOL });
  });

  it('sends the analysis without the PHI that filling put into it', async () => {
    fake.enqueue({ kind: 'tool', input: aiLetter });
    const filled: AnalysisOutcome = {
      ...analysis,
      appealArguments: [
        `${PHI.firstName} ${PHI.lastName} improved after the visit of ${PHI.serviceDateFrom}.`,
      ],
    };
    await createAnalyzer(config()).draftLetter(claim, rules, filled);
    expect(phiFoundIn(fake.requests)).toEqual([]);
    expect(fake.requests[0].body).toContain(
      '{{PATIENT_FIRST_NAME}} {{PATIENT_LAST_NAME}} improved after the visit of {{SERVICE_DATE_FROM}}.',
    );
  });

  it('adds the reviewer\u2019s signature line when the draft forgot it', async () => {
    fake.enqueue({
      kind: 'tool',
      input: { ...aiLetter, body: aiLetter.body.replace(REVIEWER_SIGNATURE, '') },
    });
    const out = await createAnalyzer(config()).draftLetter(claim, rules, analysis);
    expect(out.body.trimEnd().endsWith(REVIEWER_SIGNATURE)).toBe(true);
  });

  it('falls back to the template when the draft uses a placeholder it was not given', async () => {
    fake.enqueue({
      kind: 'tool',
      input: { ...aiLetter, body: `${aiLetter.body}\nPhone: {{PATIENT_PHONE}}` },
    });
    const out = await createAnalyzer(config()).draftLetter(claim, rules, analysis);
    expect(out).toMatchObject({
      source: 'template',
      fallbackReason: 'out_of_schema',
      label: 'Template letter (AI failed: out_of_schema)',
    });
    expect(out.body).not.toContain('{{');
  });

  it.each([
    ['timeout', { kind: 'delay', ms: 3_000 }],
    ['http_error', { kind: 'error', status: 503 }],
    ['invalid_json', { kind: 'text', text: 'Dear payer, please pay.' }],
    ['out_of_schema', { kind: 'tool', input: { subject: '', body: 'short' } }],
  ] as const)('falls back to the template letter on %s', async (reason, behaviour) => {
    fake.enqueue(behaviour);
    const out = await createAnalyzer(config({ timeoutMs: 300 })).draftLetter(
      claim,
      rules,
      analysis,
    );
    expect(out.source).toBe('template');
    expect(out.fallbackReason).toBe(reason);
    expect(out.body).toContain(PHI.payerClaimControlNumber);
  });

  it('works end to end on the real rules: a patient-responsibility claim stays with the patient', async () => {
    const prClaim = patientResponsibilityClaim();
    const prRules = triageOf(prClaim);
    expect(prRules.recommendedAction).toBe('bill_patient');
    fake.enqueue({
      kind: 'tool',
      input: {
        category: 'medical_necessity',
        recommendedAction: 'appeal',
        rationale: ['Could be appealed.'],
        missingDocuments: [],
        appealArguments: ['Appeal it.'],
        confidence: 0.4,
      },
    });
    const out = await createAnalyzer(config()).analyze(prClaim, prRules);
    expect(out.recommendedAction).toBe('bill_patient');
    expect(out.category).toBe(prRules.category);
    expect(phiFoundIn(fake.requests)).toEqual([]);
  });
});
