// Two tiers share one runner: fast unit specs beside the code (*.spec.ts) and
// specs against real PostgreSQL and Temporal (*.medium.spec.ts, test/**).
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2023',
    },
    module: { type: 'commonjs' },
  },
];

// Away from UTC, and far enough (UTC+14) that local midnight is always the day before
// in UTC: code that turns a calendar day into a Date and back fails here, not in production.
// Workers inherit it; TZ=... on the command line picks another zone.
process.env.TZ ??= 'Pacific/Kiritimati';

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  testMatch: ['<rootDir>/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.data/', '/.tools/'],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.data/', '<rootDir>/.tools/'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
};
