import {
  ACTION_REFINEMENTS,
  CATEGORY_REFINEMENTS,
  allowedActions,
  mergeAnalysis,
  onlyPatientOrContractualMoney,
} from './merge';
import type { AnalysisAnswer } from './schemas';
import { patientResponsibilityClaim, rulesResult, syntheticClaim } from './testing/synthetic-claim';
import { DENIAL_CATEGORIES, RECOMMENDED_ACTIONS, type TriageResult } from './triage-types';

const answer = (over: Partial<AnalysisAnswer> = {}): AnalysisAnswer => ({
  category: 'medical_necessity',
  recommendedAction: 'appeal',
  rationale: ['AI reason'],
  missingDocuments: [],
  appealArguments: ['AI argument'],
  confidence: 0.7,
  ...over,
});

describe('mergeAnalysis', () => {
  const claim = syntheticClaim();

  it('lets the AI make an unspecific category specific', () => {
    const out = mergeAnalysis(
      claim,
      rulesResult({ category: 'other' }),
      answer({ category: 'coding_bundling' }),
    );
    expect(out.category).toBe('coding_bundling');
  });

  it('lets the AI move between missing information and coding or bundling', () => {
    const rules = rulesResult({
      category: 'missing_information',
      recommendedAction: 'corrected_claim',
    });
    expect(mergeAnalysis(claim, rules, answer({ category: 'coding_bundling' })).category).toBe(
      'coding_bundling',
    );
    const back = rulesResult({ category: 'coding_bundling' });
    expect(mergeAnalysis(claim, back, answer({ category: 'missing_information' })).category).toBe(
      'missing_information',
    );
  });

  it('keeps a category the payer\u2019s code decided and says the AI disagreed', () => {
    const out = mergeAnalysis(claim, rulesResult(), answer({ category: 'eligibility' }));
    expect(out.category).toBe('medical_necessity');
    expect(out.rationale).toContain(
      "AI suggested category 'eligibility'; kept the rules' 'medical_necessity'.",
    );
  });

  it('never lets the AI turn bill_patient or none into an appeal when the money is the patient\u2019s or contractual', () => {
    const claimPr = patientResponsibilityClaim();
    expect(onlyPatientOrContractualMoney(claimPr)).toBe(true);
    for (const recommendedAction of ['bill_patient', 'none'] as const) {
      const rules = rulesResult({
        category: 'patient_responsibility',
        recommendedAction,
        amountAtStakeCents: 0,
      });
      const out = mergeAnalysis(claimPr, rules, answer({ recommendedAction: 'appeal' }));
      expect(out.recommendedAction).toBe(recommendedAction);
      expect(out.appealArguments).toEqual([]);
    }
  });

  it('lets the AI escalate none to an appeal only when the payer took money for a denial reason', () => {
    const rules = rulesResult({ category: 'other', recommendedAction: 'none' });
    expect(mergeAnalysis(claim, rules, answer()).recommendedAction).toBe('appeal');
    const nothingAtStake = { ...rules, amountAtStakeCents: 0 };
    expect(mergeAnalysis(claim, nothingAtStake, answer()).recommendedAction).toBe('none');
  });

  it('never lets the AI give up on an appeal the rules recommend', () => {
    for (const proposed of ['none', 'write_off', 'bill_patient'] as const) {
      const out = mergeAnalysis(claim, rulesResult(), answer({ recommendedAction: proposed }));
      expect(out.recommendedAction).toBe('appeal');
    }
  });

  it('keeps every missing document of the rules first and adds the AI\u2019s without duplicates', () => {
    const rules = rulesResult({
      missingDocuments: ['Medical records', 'Letter of medical necessity'],
    });
    const out = mergeAnalysis(
      claim,
      rules,
      answer({ missingDocuments: ['medical  records', 'Therapy plan of care'] }),
    );
    expect(out.missingDocuments).toEqual([
      'Medical records',
      'Letter of medical necessity',
      'Therapy plan of care',
    ]);
  });

  it('keeps the rules\u2019 rationale first', () => {
    const out = mergeAnalysis(claim, rulesResult(), answer());
    expect(out.rationale).toEqual([...rulesResult().rationale, 'AI reason']);
  });

  it('holds a refinement entry for every category and action, none pointing at itself', () => {
    for (const c of DENIAL_CATEGORIES) expect(CATEGORY_REFINEMENTS[c]).not.toContain(c);
    for (const a of RECOMMENDED_ACTIONS) expect(ACTION_REFINEMENTS[a]).not.toContain(a);
    for (const a of RECOMMENDED_ACTIONS) {
      expect(ACTION_REFINEMENTS[a]).not.toContain('none');
      expect(ACTION_REFINEMENTS[a]).not.toContain('bill_patient');
      expect(ACTION_REFINEMENTS[a]).not.toContain('write_off');
    }
  });

  it('tells the model only the actions the merge would accept', () => {
    const rules: TriageResult = rulesResult({ recommendedAction: 'bill_patient' });
    expect(allowedActions(claim, rules)).toEqual(['bill_patient']);
    expect(allowedActions(claim, rulesResult())).toEqual(['appeal', 'corrected_claim']);
  });
});
