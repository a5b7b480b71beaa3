import { TextField } from './text-field.component';
import type { Letter } from '../http/api-types';

const SOURCES: Record<string, string> = {
  template: 'claimflow letter template, filled from the claim',
  anthropic: 'AI draft, names filled back in locally',
  reviewer: 'edited by a reviewer',
};

/** The draft appeal letter, editable; the subject stays the draft's. */
export function LetterEditor(props: {
  letter: Letter;
  body: string;
  readOnly: boolean;
  onChange(body: string): void;
}) {
  const edited = props.body !== props.letter.body;
  return (
    <section className="panel" aria-labelledby="letter-h">
      <h2 id="letter-h">
        Appeal letter <span className="phi-tag">PHI</span>
      </h2>
      <p className="source">Drafted by: {SOURCES[props.letter.source] ?? props.letter.source}</p>
      <TextField
        id="letter-subject"
        label="Subject"
        value={props.letter.subject}
        onChange={() => undefined}
        input={{ readOnly: true }}
      />
      <TextField
        id="letter-body"
        label="Letter"
        value={props.body}
        onChange={props.onChange}
        multiline
        input={{ readOnly: props.readOnly, maxLength: 50_000 }}
        hint={`${props.body.length.toLocaleString('en-US')} characters${edited ? ' · edited: your version is sent when you approve' : ''}`}
      />
      {edited && !props.readOnly && (
        <button
          type="button"
          className="secondary small"
          onClick={() => props.onChange(props.letter.body)}
        >
          Undo my edits
        </button>
      )}
    </section>
  );
}
