/**
 * Tests run TypeScript sources through ts-jest (transpile only; `npm test` builds first: tsc -b, which
 * type-checks, and the bundles). A child process runs that build (test/support/build.ts names the
 * entry points), checked not older than the sources (test/support/built.ts), rather than tsx.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 60000,
  // The developer's secrets, keys and credentials never reach a test (test/support/clean-env.js).
  setupFiles: ['<rootDir>/test/support/clean-env.js'],
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
