import { SpanStatusCode, type Tracer } from '@opentelemetry/api';
import type { Analyzer } from '../../activities/ai/analyzer';
import type { Metrics } from './metrics';

interface Outcome {
  source: string;
  model: string | null;
  promptVersion: string;
  fallbackReason: string | null;
}

/**
 * The AI step as telemetry sees it: one span per analysis or letter (who
 * answered, which model and prompt, why the rules stood in) and the call and
 * fallback counters. Only codes and names: the claim and the answer stay out.
 */
export function instrumentAnalyzer(
  analyzer: Analyzer,
  tracer: Tracer,
  metrics?: Metrics,
): Analyzer {
  async function observed<T extends Outcome>(kind: 'analysis' | 'letter', work: () => Promise<T>) {
    return tracer.startActiveSpan(`ai.${kind}`, async (span) => {
      try {
        const out = await work();
        span.setAttributes({
          'ai.source': out.source,
          'ai.model': out.model ?? 'none',
          'ai.prompt_version': out.promptVersion,
          ...(out.fallbackReason ? { 'ai.fallback_reason': out.fallbackReason } : {}),
        });
        metrics?.aiCalls.inc({ kind, source: out.source });
        if (out.fallbackReason) metrics?.aiFallbacks.inc({ kind, reason: out.fallbackReason });
        return out;
      } catch (err) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).name });
        throw err;
      } finally {
        span.end();
      }
    });
  }
  return {
    ...analyzer,
    analyze: (claim, rules) => observed('analysis', () => analyzer.analyze(claim, rules)),
    draftLetter: (claim, rules, analysis) =>
      observed('letter', () => analyzer.draftLetter(claim, rules, analysis)),
  };
}
