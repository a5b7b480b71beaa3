/**
 * Payer-specific appeal windows, resubmission windows and write-off thresholds.
 * The defaults live in payer-rules.json beside this file; deployments can pass
 * their own rules (same shape) to `triage`. Every window carries the words that
 * become TriageResult.deadlineRule, so the data says where each number comes from.
 */
import { z } from 'zod';
import defaultRulesData from './payer-rules.json';
import { TriageInputError } from './errors';
import { APPEAL_LEVELS, type AppealLevel } from './types';

export type PayerProgram = 'medicare' | 'medicaid' | 'commercial';

export interface FilingWindow {
  /** Calendar days from the determination (or, for timely filing, the date of service). */
  readonly days: number;
  /** Human-readable rule with its source, e.g. '… (42 CFR 405.942)'. */
  readonly rule: string;
}

export interface PayerProfile {
  readonly id: string;
  /** Picks the appeal ladder: Medicare's five levels or a plan's internal levels. */
  readonly program: PayerProgram;
  readonly match?: {
    readonly payerIds?: readonly string[];
    /** Case-insensitive regular expression tested against the payer name. */
    readonly payerNamePattern?: string;
    /** CLP06 claim filing indicator codes. */
    readonly filingIndicators?: readonly string[];
  };
  readonly levels: Readonly<Partial<Record<AppealLevel, FilingWindow>>>;
  /** Window for a corrected claim; falls back to PayerRules.resubmission. */
  readonly resubmission?: FilingWindow;
  /** Timely filing limit from the date of service, which an unprocessable claim's resubmission cannot outrun. */
  readonly timelyFilingDays?: number;
  readonly timelyFilingRule?: string;
  /** Falls back to PayerRules.writeOffThresholdCents. */
  readonly writeOffThresholdCents?: number;
}

export interface PayerRules {
  readonly version: string;
  /** Amounts at stake below this are written off rather than worked (integer cents). */
  readonly writeOffThresholdCents: number;
  readonly resubmission: FilingWindow;
  /** Used when no profile matches. */
  readonly default: PayerProfile;
  /** First match wins, by payer id, then payer name, then filing indicator. */
  readonly profiles: readonly PayerProfile[];
}

const windowSchema = z.object({
  days: z.number().int().positive().max(3650),
  rule: z.string().min(1),
});

const regexSource = z.string().refine(
  (source) => {
    try {
      new RegExp(source, 'i');
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression' },
);

const profileSchema = z.object({
  id: z.string().min(1),
  program: z.enum(['medicare', 'medicaid', 'commercial']),
  match: z
    .object({
      payerIds: z.array(z.string().min(1)).optional(),
      payerNamePattern: regexSource.optional(),
      filingIndicators: z.array(z.string().min(1)).optional(),
    })
    .optional(),
  levels: z.partialRecord(z.enum(APPEAL_LEVELS as [AppealLevel, ...AppealLevel[]]), windowSchema),
  resubmission: windowSchema.optional(),
  timelyFilingDays: z.number().int().positive().max(3650).optional(),
  timelyFilingRule: z.string().min(1).optional(),
  writeOffThresholdCents: z.number().int().nonnegative().optional(),
});

const rulesSchema = z.object({
  version: z.string().min(1),
  writeOffThresholdCents: z.number().int().nonnegative(),
  resubmission: windowSchema,
  default: profileSchema,
  profiles: z.array(profileSchema),
});

/** Validates payer rules (e.g. parsed JSON); throws a TriageInputError naming the first bad field. */
export function loadPayerRules(json: unknown): PayerRules {
  const parsed = rulesSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = ['payerRules', ...issue.path.map(String)].join('.');
    throw new TriageInputError(field, `valid payer rules (${issue.message})`);
  }
  return deepFreeze(parsed.data) as PayerRules;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** The rules shipped in payer-rules.json. */
export const DEFAULT_PAYER_RULES: PayerRules = loadPayerRules(defaultRulesData);

export interface PayerLookup {
  payerId?: string;
  payerName?: string;
  claimFilingIndicator?: string;
}

/**
 * The profile for a claim: a payer id match beats a name match, which beats the
 * filing indicator, because the more specific key is the payer's own contract.
 */
export function resolvePayerProfile(rules: PayerRules, lookup: PayerLookup): PayerProfile {
  const { payerId, payerName, claimFilingIndicator } = lookup;
  const byId = payerId && rules.profiles.find((p) => p.match?.payerIds?.includes(payerId));
  if (byId) return byId;
  const byName =
    payerName &&
    rules.profiles.find(
      (p) => p.match?.payerNamePattern && new RegExp(p.match.payerNamePattern, 'i').test(payerName),
    );
  if (byName) return byName;
  const byIndicator =
    claimFilingIndicator &&
    rules.profiles.find((p) => p.match?.filingIndicators?.includes(claimFilingIndicator));
  return byIndicator || rules.default;
}
