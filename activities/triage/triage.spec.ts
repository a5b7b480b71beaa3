import { RULES_VERSION, triage } from './triage';
import { adj, facts } from './triage-fixtures';
import type { DenialCategory, RecommendedAction } from './types';

describe('triage: categories and actions', () => {
  const reach: [DenialCategory, string, string[], RecommendedAction][] = [
    ['missing_information', 'CO-16', ['N290'], 'corrected_claim'],
    ['authorization', 'CO-197', [], 'appeal'],
    ['medical_necessity', 'CO-50', [], 'appeal'],
    ['timely_filing', 'CO-29', [], 'appeal'],
    ['coding_bundling', 'CO-97', [], 'appeal'],
    ['eligibility', 'CO-27', [], 'appeal'],
    ['duplicate', 'OA-18', [], 'none'],
    ['coordination_of_benefits', 'CO-22', [], 'corrected_claim'],
    ['patient_responsibility', 'PR-1', [], 'bill_patient'],
    ['contractual', 'CO-45', [], 'none'],
    ['non_covered', 'CO-96', ['N130'], 'appeal'],
    ['provider_enrollment', 'CO-B7', [], 'appeal'],
    ['pricing', 'CO-147', [], 'appeal'],
    ['other', 'CO-A1', [], 'appeal'],
  ];
  it.each(reach)('reaches %s from %s', (category, code, remarks, action) => {
    const result = triage(facts({ adjustments: [adj(code, 100_000)], remarks }));
    expect(result.category).toBe(category);
    expect(result.recommendedAction).toBe(action);
    expect(result.categories[0].codes).toContain(code);
  });

  it('recommends nothing with nothing at stake for a contractual-only claim', () => {
    const result = triage(
      facts({ claimStatusCode: '1', paidCents: 70_000, adjustments: [adj('CO-45', 30_000)] }),
    );
    expect(result.recommendedAction).toBe('none');
    expect(result.amountAtStakeCents).toBe(0);
    expect(result.appealDeadline).toBeNull();
    expect(result.missingDocuments).toEqual([]);
  });

  it('bills the patient when only the patient share is left', () => {
    const result = triage(
      facts({
        claimStatusCode: '1',
        paidCents: 60_000,
        patientResponsibilityCents: 25_000,
        adjustments: [adj('CO-45', 15_000), adj('PR-1', 20_000), adj('PR-2', 5_000)],
      }),
    );
    expect(result.recommendedAction).toBe('bill_patient');
    expect(result.category).toBe('patient_responsibility');
    expect(result.amountAtStakeCents).toBe(0);
  });

  it('puts only the CO-50 amount at stake when CO-45 and CO-50 are mixed', () => {
    const result = triage(facts({ adjustments: [adj('CO-45', 40_000), adj('CO-50', 60_000)] }));
    expect(result.category).toBe('medical_necessity');
    expect(result.amountAtStakeCents).toBe(60_000);
    expect(result.categories).toEqual([
      { category: 'medical_necessity', amountCents: 60_000, codes: ['CO-50'] },
      { category: 'contractual', amountCents: 40_000, codes: ['CO-45'] },
    ]);
    expect(result.missingDocuments).toContain('medical records supporting necessity');
  });

  it('picks the category with the most money at stake, not the most adjustments', () => {
    const result = triage(
      facts({ adjustments: [adj('CO-97', 10_000), adj('CO-97', 10_000), adj('CO-197', 80_000)] }),
    );
    expect(result.category).toBe('authorization');
    expect(result.amountAtStakeCents).toBe(100_000);
  });

  it('sends an unprocessable claim (MA130) back as a corrected claim, not an appeal', () => {
    const result = triage(facts({ adjustments: [adj('CO-50', 100_000)], remarks: ['MA130'] }));
    expect(result.recommendedAction).toBe('corrected_claim');
    expect(result.appealLevel).toBeNull();
  });

  it('classifies CO-16 with M51 as a coding error fixed by a corrected claim', () => {
    const result = triage(facts({ adjustments: [adj('CO-16', 100_000)], remarks: ['M51'] }));
    expect(result.category).toBe('coding_bundling');
    expect(result.recommendedAction).toBe('corrected_claim');
    expect(result.categories[0].codes).toEqual(['CO-16', 'M51']);
  });

  it('reads N386 as a National Coverage Determination necessity denial', () => {
    const result = triage(facts({ adjustments: [adj('CO-96', 100_000)], remarks: ['N386'] }));
    expect(result.category).toBe('medical_necessity');
    expect(result.missingDocuments).toContain(
      'documentation meeting the National Coverage Determination criteria',
    );
  });

  it('asks for proof of timely filing before appealing a CO-29 denial', () => {
    const result = triage(facts({ adjustments: [adj('CO-29', 100_000)] }));
    expect(result.recommendedAction).toBe('appeal');
    expect(result.missingDocuments.join(' ')).toMatch(/proof of timely filing/);
  });

  it('warns that Medicare gives timely filing denials no appeal rights', () => {
    const result = triage(
      facts({ claimFilingIndicator: 'MB', adjustments: [adj('CO-29', 100_000)] }),
    );
    expect(result.rationale.join(' ')).toMatch(/no appeal rights/);
  });

  it('does nothing with an exact duplicate but resubmits one the payer says to correct', () => {
    expect(triage(facts({ adjustments: [adj('OA-18', 100_000)] })).recommendedAction).toBe('none');
    const fix = triage(facts({ adjustments: [adj('OA-18', 100_000)], remarks: ['N380'] }));
    expect(fix.recommendedAction).toBe('corrected_claim');
    expect(fix.amountAtStakeCents).toBe(100_000);
  });

  it('does nothing with a reversal (CLP02 22) even when it carries denial codes', () => {
    const result = triage(
      facts({
        claimStatusCode: '22',
        chargeCents: -100_000,
        paidCents: -80_000,
        adjustments: [adj('CO-50', -20_000)],
      }),
    );
    expect(result.recommendedAction).toBe('none');
    expect(result.amountAtStakeCents).toBe(0);
  });

  it('does nothing for a predetermination or a claim forwarded as not ours', () => {
    expect(triage(facts({ claimStatusCode: '25' })).recommendedAction).toBe('none');
    expect(triage(facts({ claimStatusCode: '23' })).recommendedAction).toBe('none');
  });

  it('waits for the crossover payer before billing the patient (CLP02 19)', () => {
    const result = triage(
      facts({
        claimStatusCode: '19',
        paidCents: 80_000,
        patientResponsibilityCents: 20_000,
        adjustments: [adj('PR-2', 20_000)],
      }),
    );
    expect(result.recommendedAction).toBe('none');
    expect(result.rationale.join(' ')).toMatch(/forwarded to the next payer/);
  });

  it('waits while the payer still reviews a line (CARC 133)', () => {
    const result = triage(facts({ adjustments: [adj('OA-133', 100_000)] }));
    expect(result.recommendedAction).toBe('none');
    expect(result.amountAtStakeCents).toBe(0);
  });

  it('writes off an amount under the $25 default threshold', () => {
    const result = triage(facts({ chargeCents: 2_000, adjustments: [adj('CO-50', 2_000)] }));
    expect(result.recommendedAction).toBe('write_off');
    expect(result.amountAtStakeCents).toBe(2_000);
    expect(result.appealDeadline).toBeNull();
  });

  it('appeals an amount exactly at the threshold', () => {
    const result = triage(facts({ chargeCents: 2_500, adjustments: [adj('CO-50', 2_500)] }));
    expect(result.recommendedAction).toBe('appeal');
  });

  it('writes off an appealable denial when the payer says it cannot be appealed (N211)', () => {
    const result = triage(facts({ adjustments: [adj('CO-50', 100_000)], remarks: ['N211'] }));
    expect(result.recommendedAction).toBe('write_off');
  });

  it('asks the payer for a reason when a denied claim has no adjustments', () => {
    const result = triage(facts({ adjustments: [] }));
    expect(result.category).toBe('other');
    expect(result.recommendedAction).toBe('appeal');
    expect(result.amountAtStakeCents).toBe(100_000);
  });

  it('falls back to other for a CARC missing from the list, saying so', () => {
    const result = triage(facts({ adjustments: [adj('CO-999', 100_000)] }));
    expect(result.category).toBe('other');
    expect(result.rationale[0]).toContain('not in the CARC list');
  });

  it('falls back to other for an unmapped CARC with its official description in the rationale', () => {
    const result = triage(facts({ adjustments: [adj('CO-115', 100_000)] }));
    expect(result.category).toBe('other');
    expect(result.rationale[0]).toContain('Procedure postponed, canceled, or delayed.');
    expect(result.rationale[0]).toContain('classified by its description');
  });

  it('still classifies a deactivated code by its published meaning', () => {
    const result = triage(
      facts({ adjustments: [adj('CO-15', 100_000)], determinationDate: '2026-09-01' }),
    );
    expect(result.category).toBe('authorization');
    expect(result.rationale[0]).toMatch(/CARC 15 was not active on the determination date/);
  });

  it('keeps codes and official descriptions in the rationale and no claim identifiers', () => {
    const result = triage(
      facts({
        adjustments: [adj('CO-197', 100_000)],
        payerName: 'Acme',
        serviceDateFrom: '2025-01-02',
      }),
    );
    expect(result.rationale[0]).toContain('CO-197');
    expect(result.rationale[0]).toContain(
      'Precertification/authorization/notification/pre-treatment absent.',
    );
    expect(result.rationale.join(' ')).not.toContain('2025-01-02');
  });

  it('reports the rules version and source', () => {
    const result = triage(facts());
    expect(result.source).toBe('rules');
    expect(result.rulesVersion).toBe(RULES_VERSION);
  });

  it('keeps every amount an integer number of cents', () => {
    const result = triage(
      facts({ chargeCents: 33_333, adjustments: [adj('CO-45', 11_111), adj('CO-50', 22_222)] }),
    );
    expect(Number.isInteger(result.amountAtStakeCents)).toBe(true);
    for (const c of result.categories) expect(Number.isInteger(c.amountCents)).toBe(true);
  });

  it('never puts more at stake than the payer left unpaid', () => {
    const result = triage(
      facts({ chargeCents: 50_000, paidCents: 10_000, adjustments: [adj('CO-50', 90_000)] }),
    );
    expect(result.amountAtStakeCents).toBe(40_000);
  });

  it('accepts lower-case codes and repeated remarks', () => {
    const result = triage(
      facts({
        adjustments: [{ group: 'co', reason: '16', amountCents: 100_000, level: 'claim' }],
        remarks: ['n290', 'N290'],
      }),
    );
    expect(result.categories[0].codes).toEqual(['CO-16', 'N290']);
  });
});
