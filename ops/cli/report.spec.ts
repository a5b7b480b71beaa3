import { ConfigError } from '../config';
import { EnvironmentError } from '../dev/process';
import { formatFatal } from './report';

describe('formatFatal', () => {
  it('prints a known error as one line without a stack', () => {
    const line = formatFatal(
      'cli',
      new EnvironmentError('port 3000 is taken: free it or set PORT'),
    );
    expect(line).toBe('claimflow cli: port 3000 is taken: free it or set PORT');
  });

  it('prints a config error as one line', () => {
    expect(formatFatal('api', new ConfigError('invalid configuration: PORT: bad'))).toBe(
      'claimflow api: invalid configuration: PORT: bad',
    );
  });

  it('keeps only the first line of an unexpected error and never its stack', () => {
    const err = new TypeError('boom\nat secret place');
    const line = formatFatal('worker', err);
    expect(line).toBe('claimflow worker: unexpected error: boom');
    expect(line).not.toContain('at ');
  });
});
