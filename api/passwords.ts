import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { badRequest } from './errors';

/** argon2id (algorithm 2) at OWASP's recommended cost: 19 MiB, 2 passes, 1 lane. */
const ARGON2ID = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD = 12;
export const MAX_PASSWORD = 256;

/**
 * Common passwords long enough to pass the length rule (from public breach
 * top lists); shorter ones fail on length already. Compared case-insensitively
 * and ignoring trailing digits and punctuation, which people add to pass rules.
 */
const COMMON = new Set([
  'password1234',
  'password12345',
  'password123456',
  'passwordpassword',
  'qwertyuiopasdfgh',
  'qwertyuiop123',
  '123456789012',
  '1234567890123',
  '12345678901234',
  '123456789abc',
  'iloveyou1234',
  'administrator',
  'letmein12345',
  'welcome12345',
  'welcometoclaimflow',
  'qwerty123456',
  '1q2w3e4r5t6y',
  '1qaz2wsx3edc',
  'zaq12wsxcde3',
  'abcdefghijkl',
  'abc123456789',
  'aaaaaaaaaaaa',
  '111111111111',
  '000000000000',
  'changeme1234',
  'football1234',
  'baseball1234',
  'superman1234',
  'trustno11234',
  'sunshine1234',
  'princess1234',
  'passw0rd1234',
  'p@ssw0rd1234',
  'p@ssword1234',
  'monkey123456',
  'dragon123456',
  'master123456',
  'starwars1234',
  'whatever1234',
  'qazwsxedcrfv',
  'correcthorsebatterystaple',
  'thequickbrownfox',
  'letmeinplease',
  'iloveyouforever',
  'summer202420',
  'winter202420',
  'spring202420',
  'autumn202420',
  'hospital1234',
  'medicare1234',
  'healthcare12',
  'claimflow123',
  'claimflow1234',
  'password!234',
]);

function stem(password: string): string {
  return password.toLowerCase().replace(/[\d!@#$%^&*()_+=.,?-]+$/, '');
}

/** Length rules and a common-password list (NIST SP 800-63B), no composition rules. */
export function checkPassword(password: string, context: { email?: string } = {}): void {
  if (password.length < MIN_PASSWORD)
    throw badRequest(`password must be at least ${MIN_PASSWORD} characters`, 'password');
  if (password.length > MAX_PASSWORD)
    throw badRequest(`password must be at most ${MAX_PASSWORD} characters`, 'password');
  const lower = password.toLowerCase();
  const s = stem(password);
  if (COMMON.has(lower) || (s.length >= 6 && [...COMMON].some((c) => stem(c) === s)))
    throw badRequest('password is too common; choose another', 'password');
  if (/^(.)\1+$/.test(password))
    throw badRequest('password is too common; choose another', 'password');
  const local = context.email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 4 && lower.includes(local))
    throw badRequest('password must not contain your email address', 'password');
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2ID);
}

// A real hash of a random password, verified when the user does not exist, so timing tells nothing.
let dummy: Promise<string> | undefined;

export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (password.length > MAX_PASSWORD) return false;
  if (!stored) {
    dummy ??= hashPassword(randomBytes(16).toString('hex'));
    await verify(await dummy, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}

/** Tokens are 256-bit random secrets, so one sha256 is a sound hash (no stretching needed). */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function secret(bytes = 32): string {
  return randomBytes(bytes).toString('hex');
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
