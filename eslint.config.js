// ESLint flat config. Lint encodes some domain invariants (STYLE.md §2):
// exhaustive switches, no floating promises, type-only imports, and no clock reads inside rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const domainModules = [
  'rules', 'community', 'insurance', 'grouper', 'procurement', 'pricing',
  'salary', 'network', 'indicators', 'simulation',
];

export default tseslint.config(
  { ignores: ['dist/**', 'web/dist/**', 'node_modules/**', 'data/**', 'coverage/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'eqeqeq': ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // Domain modules are pure: no clock, no storage, no HTTP (DESIGN.md "Modules").
    files: domainModules.map((m) => `src/${m}/**/*.ts`),
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-syntax': ['error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'Rules take dates as input: no Date.now() inside domain modules.' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Rules take dates as input: no new Date() inside domain modules.' },
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'Randomness is seeded: use rules/random.' },
      ],
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/store/**', '**/runs/**', '**/server/**', '**/cli/**'], message: 'Domain modules must not import store, runs, server or cli.' },
      ] }],
    },
  },
  {
    // Tests compare JSON bodies with asymmetric matchers (expect.any, expect.objectContaining).
    files: ['**/*.test.ts', '**/test-support/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    files: ['bin/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
