import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, getJson, postJson } from '../http/api-client';
import type { Enrolment, LoginResult, Me } from '../http/api-types';
import { problemText } from '../components/notice.component';
import { TextField } from '../components/text-field.component';
import { sessionStore, type SignOutReason } from '../session/session.store';
import { MfaEnrol, MfaRecoveryCodes, MfaVerify } from './mfa.component';

type Step =
  | { step: 'password' }
  | { step: 'enrol'; enrolment: Enrolment }
  | { step: 'verify' }
  | { step: 'recovery'; codes: string[] };

const LAST_TENANT = 'claimflow.tenant';

function reasonText(reason: SignOutReason | null, idleTimeoutMs: number): string | null {
  const minutes = Math.max(1, Math.round(idleTimeoutMs / 60_000));
  if (reason === 'idle')
    return idleTimeoutMs >= 60_000
      ? `You were signed out after ${minutes} minutes without activity. Sign in again to continue.`
      : 'You were signed out after a period without activity. Sign in again to continue.';
  if (reason === 'expired') return 'Your session ended. Sign in again to continue.';
  if (reason === 'signed_out') return 'You are signed out.';
  return null;
}

/** Sign-in: password, then the second factor (enrolling one on first use) before any page opens. */
export function LoginPage(props: { idleTimeoutMs: number; onSignedIn(me: Me): void }) {
  const [step, setStep] = useState<Step>({ step: 'password' });
  const [reason] = useState(() => sessionStore.takeReason());
  useEffect(() => {
    document.title = 'Sign in · claimflow';
  }, []);

  const finish = async () => {
    const me = await getJson<Me>('/auth/me');
    sessionStore.verified(me);
    props.onSignedIn(me);
  };
  const signedIn = async (r: LoginResult) => {
    sessionStore.start(r.token);
    if (r.mfaEnrolled) return setStep({ step: 'verify' });
    setStep({ step: 'enrol', enrolment: await postJson<Enrolment>('/auth/mfa/enrol') });
  };

  return (
    <div className="auth-page">
      <main className="auth-card" aria-labelledby="auth-title">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          claimflow
        </div>
        {step.step === 'password' && (
          <PasswordStep notice={reasonText(reason, props.idleTimeoutMs)} onDone={signedIn} />
        )}
        {step.step === 'enrol' && (
          <MfaEnrol
            enrolment={step.enrolment}
            onVerified={(codes) => (codes ? setStep({ step: 'recovery', codes }) : finish())}
          />
        )}
        {step.step === 'verify' && <MfaVerify onVerified={finish} />}
        {step.step === 'recovery' && <MfaRecoveryCodes codes={step.codes} onDone={finish} />}
        <p className="small-text muted auth-foot">
          Integrating a system? See the <a href="/docs">API documentation</a>.
        </p>
      </main>
    </div>
  );
}

function PasswordStep(props: { notice: string | null; onDone(r: LoginResult): Promise<void> }) {
  const [tenant, setTenant] = useState(() => localStorage.getItem(LAST_TENANT) ?? '');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await postJson<LoginResult>('/auth/login', {
        tenant: tenant.trim(),
        email: email.trim(),
        password,
      });
      localStorage.setItem(LAST_TENANT, tenant.trim());
      await props.onDone(r);
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 400
          ? 'Fill in the organization, email and password.'
          : problemText(err),
      );
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate aria-describedby={error ? 'login-error' : undefined}>
      <h1 id="auth-title">Sign in</h1>
      <p className="muted">Denials work for appeal teams, operations and auditors.</p>
      {props.notice && (
        <div className="notice info" role="status">
          {props.notice}
        </div>
      )}
      {error && (
        <div className="notice error" role="alert" id="login-error">
          {error}
        </div>
      )}
      <TextField
        id="tenant"
        label="Organization"
        value={tenant}
        onChange={setTenant}
        hint={
          <>
            Your organization’s claimflow ID, e.g. <code>acme-health</code>
          </>
        }
        input={{ name: 'tenant', autoComplete: 'organization', required: true }}
      />
      <TextField
        id="email"
        label="Email"
        value={email}
        onChange={setEmail}
        input={{ name: 'email', type: 'email', autoComplete: 'username', required: true }}
      />
      <TextField
        id="password"
        label="Password"
        value={password}
        onChange={setPassword}
        input={{
          name: 'password',
          type: 'password',
          autoComplete: 'current-password',
          required: true,
        }}
      />
      <button type="submit" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
