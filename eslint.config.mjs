// ESLint for the whole repository (`pnpm lint`). TypeScript files are linted with type
// information from the root tsconfig.json (one program: packages/*/src and test, test/, bench/,
// examples/), so the promise rules see every call's real return type. The .mjs scripts (bench,
// examples, scripts) get ESLint's recommended rules plus the two promise rules (see below).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// `_` and `_name` mark values kept for their position only (`for (const _ of cursor)`,
// `(_, i) => i`); a rest sibling drops fields on purpose (`const { type, ...figures } = m`).
const unusedVars = [
  'error',
  {
    argsIgnorePattern: '^_',
    varsIgnorePattern: '^_',
    caughtErrorsIgnorePattern: '^_',
    destructuredArrayIgnorePattern: '^_',
    ignoreRestSiblings: true,
  },
];

export default defineConfig(
  {
    ignores: ['**/node_modules/', '**/dist/', 'coverage/', 'docs/api/', 'bench/results/', '.vitest-servers/'],
  },
  js.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: { 'no-unused-vars': unusedVars },
  },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' } },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      // The two rules this config is for, spelled out so that no preset change turns them off.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': unusedVars,
      // Off: `async` without `await` is deliberate here. OpenResty-shaped methods (`close`,
      // `setKeepalive`, command methods) are async so that every outcome, a bad argument
      // included, arrives as a rejection rather than a synchronous throw (api.md), and light
      // thread bodies passed to `spawn`/`withContext` are async by contract.
      '@typescript-eslint/require-await': 'off',
      // Off: bad-argument messages print whatever the caller passed, `String(value)` of an
      // `unknown`, like Lua's tostring in the OpenResty messages they copy; "[object Object]"
      // is an acceptable rendering of a wrong object there.
      '@typescript-eslint/no-base-to-string': 'off',
      // Off: resty-redis installs its generated command table on the prototype and declares it
      // with a same-named interface (`interface Redis extends RedisCommands {}` beside
      // `class Redis`); that merge is the mechanism, not an accident.
      '@typescript-eslint/no-unsafe-declaration-merging': 'off',
      // The same merge needs an interface with no members of its own.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
      // A ternary or `&&` as a statement picks one of two writes (`le ? h.writeUInt16LE(..) : ..`).
      '@typescript-eslint/no-unused-expressions': ['error', { allowTernary: true, allowShortCircuit: true }],
      // Passing on a caught `unknown` (`.then(ok, (e: unknown) => Promise.reject(e))`) is fine.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
    },
  },
  {
    // The .mjs scripts are not in tsconfig.json (no allowJs there), so they are typed through
    // the project service's default project, configured by tsconfig.json (its `paths` point the
    // package imports at the sources: no build needed). Only the promise rules run on them:
    // untyped JavaScript would drown the rest of the type-checked set in `any`. `**` is not
    // allowed in these globs, hence one per depth.
    files: ['**/*.mjs'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: {
        projectService: {
          allowDefaultProject: ['*.mjs', '*/*.mjs', '*/*/*.mjs', '*/*/*/*.mjs'],
          defaultProject: 'tsconfig.json',
          // About 40 scripts; the default cap (8) is a guard against linting a whole tree this way.
          maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: 100,
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // Not in tsconfig.json (the soak config is only read by vitest): no type information.
    files: ['vitest.soak.config.ts'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['packages/*/test/**/*.ts', 'test/**/*.ts'],
    rules: {
      // Off in tests: vitest's asymmetric matchers (`expect.stringMatching`, `expect.any`) are
      // typed `any`, and server replies are `Document` (a record of `any`); tests read both
      // field by field on purpose, and a wrong field fails the assertion anyway.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      // Off in tests: spies keep the original method (`const copy = Buffer.prototype.copy`) to
      // call it with an explicit `this` (`copy.apply(this, args)`).
      '@typescript-eslint/unbound-method': 'off',
      // Off in tests: number-formatting vectors are copied digit for digit from the reference
      // suites (lua-cjson's `3.14159265357939723846`), precision loss included: that is the test.
      'no-loss-of-precision': 'off',
    },
  },
  {
    // RFC 3454 tables list combining marks and variation selectors one code point at a time
    // inside character classes; that is exactly what the rule warns about, and here it is meant.
    files: ['packages/resty-mongo/src/auth/saslprep.ts'],
    rules: { 'no-misleading-character-class': 'off' },
  },
);
