// One Jest run for the whole monorepo: unit specs beside the code, e2e tests under each app's test/.
const fs = require('node:fs');
const path = require('node:path');
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias.replace('/', '\\/')}$`,
    `<rootDir>/${target}`,
  ]),
);

module.exports = {
  testEnvironment: 'node',
  // Jest refuses a root that does not exist, and apps/ and deploy/ arrive only with the first service.
  roots: ['apps', 'libs', 'tools', 'deploy']
    .filter((dir) => fs.existsSync(path.join(__dirname, dir)))
    .map((dir) => `<rootDir>/${dir}`),
  testMatch: ['**/*.spec.ts', '**/*.e2e.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        // .swcrc is the build's: it excludes specs, and @swc/jest would otherwise refuse to compile them.
        swcrc: false,
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          keepClassNames: true,
        },
      },
    ],
  },
  moduleNameMapper,
  testTimeout: 60_000,
  reporters: ['default', '<rootDir>/tools/jest/summary-reporter.js'],
};
