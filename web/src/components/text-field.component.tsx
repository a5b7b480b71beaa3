import { useId, type InputHTMLAttributes, type ReactNode } from 'react';

type InputProps = Omit<
  InputHTMLAttributes<HTMLInputElement>,
  'id' | 'value' | 'onChange' | 'aria-invalid' | 'aria-describedby'
>;

/**
 * A labelled text input (or textarea) with its hint and its error, both tied
 * to it with aria-describedby so a screen reader reads them with the field.
 */
export function TextField(props: {
  label: string;
  value: string;
  onChange(value: string): void;
  id?: string;
  hint?: ReactNode;
  error?: string | null;
  multiline?: boolean;
  input?: InputProps;
}) {
  const generated = useId();
  const id = props.id ?? generated;
  const described = [props.hint ? `${id}-hint` : '', props.error ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  const common = {
    id,
    value: props.value,
    'aria-invalid': props.error ? true : undefined,
    'aria-describedby': described || undefined,
  };
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.multiline ? (
        <textarea
          {...common}
          readOnly={props.input?.readOnly}
          maxLength={props.input?.maxLength}
          onChange={(e) => props.onChange(e.target.value)}
        />
      ) : (
        <input {...props.input} {...common} onChange={(e) => props.onChange(e.target.value)} />
      )}
      {props.hint && (
        <span className="hint" id={`${id}-hint`}>
          {props.hint}
        </span>
      )}
      {props.error && (
        <span className="error-text" id={`${id}-error`} role="alert">
          {props.error}
        </span>
      )}
    </div>
  );
}
