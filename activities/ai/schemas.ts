import { z } from 'zod';
import { DENIAL_CATEGORIES, RECOMMENDED_ACTIONS } from './triage-types';

/**
 * What the model must answer, checked with zod whatever the API claims: a
 * tool's input_schema is a request, not a guarantee.
 */
const line = (max: number) => z.string().trim().min(1).max(max);

export const analysisAnswerSchema = z.object({
  category: z.enum(DENIAL_CATEGORIES),
  recommendedAction: z.enum(RECOMMENDED_ACTIONS),
  rationale: z.array(line(600)).min(1).max(10),
  missingDocuments: z.array(line(300)).max(15),
  appealArguments: z.array(line(1200)).max(10),
  confidence: z.number().min(0).max(1),
});
export type AnalysisAnswer = z.infer<typeof analysisAnswerSchema>;

export const letterAnswerSchema = z.object({
  subject: line(200),
  body: z.string().trim().min(200).max(20_000),
});
export type LetterAnswer = z.infer<typeof letterAnswerSchema>;

/** The JSON Schema the API takes as a tool's input_schema (without the $schema marker). */
export function inputSchemaOf(schema: z.ZodType): { type: 'object'; [key: string]: unknown } {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema) as Record<string, unknown>;
  return { ...rest, type: 'object' };
}
