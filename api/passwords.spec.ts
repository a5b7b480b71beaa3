import { checkPassword, hashPassword, verifyPassword } from './passwords';
import { RateLimiter } from './rate-limiter';

describe('password rules', () => {
  it('asks for length, not composition, and refuses common passwords and the email', () => {
    expect(() => checkPassword('short-one')).toThrow(/at least 12/);
    expect(() => checkPassword('password1234')).toThrow(/common/);
    expect(() => checkPassword('Password12345!')).toThrow(/common/);
    expect(() => checkPassword('aaaaaaaaaaaaaaa')).toThrow(/common/);
    expect(() => checkPassword('maria.lopez-2026!', { email: 'maria.lopez@clinic.test' })).toThrow(
      /email/,
    );
    expect(() => checkPassword('x'.repeat(257))).toThrow(/at most/);
    expect(() => checkPassword('violet harbour lantern')).not.toThrow();
  });

  it('hashes with argon2id and verifies, and a missing hash never verifies', async () => {
    const hash = await hashPassword('violet harbour lantern');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await expect(verifyPassword(hash, 'violet harbour lantern')).resolves.toBe(true);
    await expect(verifyPassword(hash, 'violet harbour lanterns')).resolves.toBe(false);
    await expect(verifyPassword(null, 'anything at all')).resolves.toBe(false);
  });
});

describe('RateLimiter', () => {
  it('counts per key in a fixed window and says how long to wait', () => {
    const limiter = new RateLimiter(2, 60_000);
    expect([limiter.hit('a', 0), limiter.hit('a', 1), limiter.hit('a', 2)]).toEqual([0, 0, 60]);
    expect(limiter.hit('b', 2)).toBe(0);
    expect(limiter.hit('a', 60_000)).toBe(0);
  });
});
