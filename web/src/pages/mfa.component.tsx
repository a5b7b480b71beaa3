import QRCode from 'qrcode';
import { useEffect, useState, type FormEvent } from 'react';
import { postJson } from '../http/api-client';
import type { Enrolment } from '../http/api-types';
import { problemText } from '../components/notice.component';
import { TextField } from '../components/text-field.component';

interface Verified {
  verified: true;
  recoveryCodes?: string[];
}

/** The setup key in groups of four, as authenticator apps show it. */
const grouped = (secret: string) => secret.replace(/(.{4})(?=.)/g, '$1 ');

/** One six-digit code field with its own error, shared by enrolment and sign-in. */
function CodeForm(props: {
  label: string;
  submitLabel: string;
  recovery?: boolean;
  onSubmit(value: string): Promise<void>;
}) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const v = value.replace(/\s/g, '');
    if (!props.recovery && !/^\d{6}$/.test(v))
      return setError('Enter the 6-digit code from your authenticator app.');
    if (props.recovery && v.length < 8) return setError('Enter one of your recovery codes.');
    setBusy(true);
    setError(null);
    try {
      await props.onSubmit(v);
    } catch (err) {
      setError(problemText(err));
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate>
      <TextField
        id={props.recovery ? 'recovery-code' : 'mfa-code'}
        label={props.label}
        value={value}
        onChange={setValue}
        error={error}
        input={{
          name: props.recovery ? 'recovery-code' : 'mfa-code',
          inputMode: props.recovery ? 'text' : 'numeric',
          autoComplete: 'one-time-code',
          maxLength: props.recovery ? 40 : 6,
          autoFocus: true,
        }}
      />
      <button type="submit" disabled={busy}>
        {busy ? 'Checking…' : props.submitLabel}
      </button>
    </form>
  );
}

/** First sign-in: scan the QR code (or type the key) into an authenticator app, then confirm one code. */
export function MfaEnrol(props: { enrolment: Enrolment; onVerified(codes?: string[]): void }) {
  const [qr, setQr] = useState<string | null>(null);
  useEffect(() => {
    QRCode.toDataURL(props.enrolment.otpauthUri, {
      margin: 1,
      width: 336,
      errorCorrectionLevel: 'M',
    })
      .then(setQr)
      .catch(() => setQr(null));
  }, [props.enrolment.otpauthUri]);
  return (
    <>
      <h1 id="auth-title">Set up two-step sign-in</h1>
      <p className="muted">
        claimflow protects patient information with a second factor. Scan this code with an
        authenticator app (Google Authenticator, Microsoft Authenticator, 1Password…).
      </p>
      <div className="qr">
        {qr ? (
          <img src={qr} alt="QR code to add claimflow to your authenticator app" />
        ) : (
          <span className="muted">Drawing the QR code…</span>
        )}
        <div className="small-text">
          <p>Can’t scan it? Enter this setup key in the app instead:</p>
          <p>
            Setup key: <code className="secret">{grouped(props.enrolment.secret)}</code>
          </p>
        </div>
      </div>
      <CodeForm
        label="Code from your app"
        submitLabel="Verify and continue"
        onSubmit={async (code) => {
          const r = await postJson<Verified>('/auth/mfa/verify', { code });
          props.onVerified(r.recoveryCodes);
        }}
      />
    </>
  );
}

export function MfaVerify(props: { onVerified(): Promise<void> }) {
  const [recovery, setRecovery] = useState(false);
  return (
    <>
      <h1 id="auth-title">Two-step sign-in</h1>
      <p className="muted">
        {recovery
          ? 'Enter one of the recovery codes you saved when you set up two-step sign-in. Each works once.'
          : 'Enter the 6-digit code your authenticator app shows for claimflow.'}
      </p>
      <CodeForm
        key={recovery ? 'recovery' : 'code'}
        recovery={recovery}
        label={recovery ? 'Recovery code' : 'Authentication code'}
        submitLabel="Verify"
        onSubmit={async (v) => {
          await postJson<Verified>(
            '/auth/mfa/verify',
            recovery ? { recoveryCode: v } : { code: v },
          );
          await props.onVerified();
        }}
      />
      <p>
        <button type="button" className="link" onClick={() => setRecovery(!recovery)}>
          {recovery ? 'Use a code from the app instead' : 'Use a recovery code instead'}
        </button>
      </p>
    </>
  );
}

export function MfaRecoveryCodes(props: { codes: string[]; onDone(): Promise<void> }) {
  return (
    <>
      <h1 id="auth-title">Save your recovery codes</h1>
      <p>
        If you lose your phone, each of these codes signs you in once. Keep them somewhere safe:
        they are shown only now.
      </p>
      <ul className="codes mono" aria-label="Recovery codes">
        {props.codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
      <button type="button" autoFocus onClick={() => void props.onDone()}>
        I have saved them — continue
      </button>
    </>
  );
}
