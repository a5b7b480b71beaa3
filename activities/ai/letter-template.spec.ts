import { describeCarc, describeRarc, templateLetter } from './letter-template';
import { LETTER_TEXTS, letterKindOf } from './letter-texts';
import { minimize } from './minimizer';
import { REVIEWER_SIGNATURE } from './prompts';
import { PHI, rulesResult, syntheticClaim } from './testing/synthetic-claim';
import { DENIAL_CATEGORIES } from './triage-types';

describe('templateLetter', () => {
  const claim = syntheticClaim();
  const minimized = minimize(claim);
  const rules = rulesResult();

  it.each(DENIAL_CATEGORIES)(
    'writes a complete %s letter with codes, their meanings and the real values',
    (category) => {
      const { subject, body } = templateLetter(claim, minimized, {
        category,
        rationale: rules.rationale,
        missingDocuments: rules.missingDocuments,
        appealArguments: [],
      });
      const text = LETTER_TEXTS[letterKindOf(category)];
      expect(subject).toBe(`${text.title}: claim ${PHI.payerClaimControlNumber}`);
      for (const part of [text.opening, text.argument, text.request]) expect(body).toContain(part);
      expect(body).toContain('ACME HEALTH PLAN');
      expect(body).toContain(`Patient: Quillonia Zephyrine Marrowgate`);
      expect(body).toContain(`Member ID: ${PHI.memberId}`);
      expect(body).toContain(`Date of birth: ${PHI.dateOfBirth}`);
      expect(body).toContain(`Patient account number: ${PHI.patientControlNumber}`);
      expect(body).toContain(`Dates of service: ${PHI.serviceDateFrom} to ${PHI.serviceDateTo}`);
      expect(body).toContain(`Billing provider: ${PHI.providerName} (NPI ${PHI.providerNpi})`);
      expect(body).toContain(
        `- CO-50 (Contractual Obligation), $405.00, line 1: ${describeCarc('50')}`,
      );
      expect(body).toContain(`- N115: ${describeRarc('N115')}`);
      expect(body).toContain(
        `- Line 1, ${PHI.serviceDateFrom}: procedure 97110 (modifiers GP), billed $405.00, paid $0.00`,
      );
      expect(body).toContain(`- ${rules.rationale[0]}`);
      for (const doc of rules.missingDocuments) expect(body).toContain(`- ${doc}`);
      expect(body).toContain(REVIEWER_SIGNATURE);
      expect(body).not.toMatch(/\{\{[A-Z0-9_]+\}\}/);
    },
  );

  it('uses the official description without its usage note', () => {
    expect(describeCarc('50')).toBe(
      "These are non-covered services because this is not deemed a 'medical necessity' by the payer.",
    );
    expect(describeCarc('ZZ9')).toBe('not in the published CARC list');
  });

  it('prefers the analysis\u2019 appeal arguments to its rationale', () => {
    const { body } = templateLetter(claim, minimized, {
      category: 'timely_filing',
      rationale: ['rationale line'],
      missingDocuments: [],
      appealArguments: ['Clearinghouse accepted the claim 12 days after service.'],
    });
    expect(body).toContain('- Clearinghouse accepted the claim 12 days after service.');
    expect(body).not.toContain('rationale line');
    expect(body).not.toContain('Enclosed:');
  });

  it('leaves out what the claim does not have rather than printing an empty line', () => {
    const bare = syntheticClaim({
      payerClaimControlNumber: undefined,
      patient: { lastName: 'Marrowgate' },
      provider: {},
      serviceDateTo: undefined,
    });
    const { subject, body } = templateLetter(bare, minimize(bare), {
      ...rules,
      appealArguments: [],
    });
    expect(subject).toContain(PHI.patientControlNumber);
    expect(body).not.toContain('Member ID');
    expect(body).not.toContain('Billing provider');
    expect(body).toContain(`Dates of service: ${PHI.serviceDateFrom}\n`);
    expect(body).not.toMatch(/\{\{/);
  });
});
