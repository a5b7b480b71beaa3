import type { RecordedRequest } from '../../../test/fakes/anthropic-server';
import { PHI_STRINGS } from './synthetic-claim';

/** Every PHI string found anywhere in the recorded requests (headers, URL or body). */
export function phiFoundIn(requests: RecordedRequest[], phi: string[] = PHI_STRINGS): string[] {
  const haystack = requests
    .map((r) => `${r.url}\n${JSON.stringify(r.headers)}\n${r.body}`)
    .join('\n')
    .toLowerCase();
  return phi.filter((p) => haystack.includes(p.toLowerCase()));
}
