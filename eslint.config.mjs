// Lint rules: typescript-eslint strict, no `any`, named exports only, and the layers' import boundaries.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Node modules that reach the outside world (files, processes, network, the host): adapters' business only.
const NODE_IO = ['fs', 'fs/promises', 'child_process', 'net', 'http', 'https', 'http2', 'tls', 'dgram', 'dns', 'os']
  .concat(['cluster', 'worker_threads', 'readline', 'process', 'v8', 'vm', 'inspector'])
  .flatMap((m) => [m, `node:${m}`]);
// Entry points: the Functions, the CLI, the local runtime, the HTTP helpers and the wiring that builds services.
const ENTRY = ['**/functions/**', '**/cli/**', '**/local/**', '**/http/**', '**/composition/**'];
// The Azure SDKs: adapters only.
const SDK = '@azure/*';

/** One boundary: files in `folder` may not import `patterns` (nor Node's I/O modules when `io` is false). */
function boundary(folder, patterns, { io = true, why }) {
  const paths = io ? [] : NODE_IO.map((name) => ({ name, message: `${why} (Node I/O is an adapter's job).` }));
  return {
    files: [`${folder}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { paths, patterns: [{ group: patterns, message: why }] }] },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.cloudo-local/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
        { selector: 'TSEnumDeclaration', message: 'Use a union of string literals.' },
      ],
    },
  },
  {
    files: ['src/**/*.ts', 'functions/**/*.ts'],
    ignores: ['src/config/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Settings are read in src/config only: take them from the config.',
        },
      ],
    },
  },
  // Dependencies point one way: entry points -> use cases -> domain; adapters implement the use cases' ports.
  boundary('src/domain', ['**/services/**', '**/adapters/**', '**/config/**', ...ENTRY, SDK], {
    io: false,
    why: 'The domain is pure: it imports no use case, adapter, setting, entry point or SDK',
  }),
  boundary('src/services', ['**/adapters/**', '**/config/**', ...ENTRY, SDK], {
    io: false,
    why: 'Use cases reach the outside world through their ports only, and never import an entry point',
  }),
  boundary('src/adapters', ['**/services/*/*', '!**/services/*/ports', ...ENTRY], {
    why: 'Adapters implement ports: they import ports and the domain, never a use case or an entry point',
  }),
  boundary('src/config', ['**/services/**', '**/adapters/**', ...ENTRY], {
    why: 'Settings are read and checked on their own: they import the domain only',
  }),
  boundary('src/composition', ['**/functions/**', '**/cli/**', '**/local/**', '**/http/**'], {
    why: 'The wiring builds services for every entry point, so it imports none of them',
  }),
  boundary('src/http', ['**/functions/**', '**/cli/**', '**/local/**', '**/adapters/**'], {
    why: 'HTTP helpers serve the functions: they import use cases and the domain, never adapters or other entries',
  }),
  {
    // The browser console talks to ClouDO through its public API only: of the server it imports the domain's pure
    // vocabulary (statuses, trigger kinds) and the types of the API's contract (never its schemas: zod stays out of
    // the bundle), no use case, adapter, setting or entry point.
    files: ['console/**/*.ts', 'console/**/*.tsx'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: NODE_IO.map((name) => ({ name, message: 'The console runs in a browser.' })),
          patterns: [
            {
              group: [
                '**/src/*/**',
                '!**/src/domain/**',
                '!**/src/http/api-contract/**',
                '**/functions/**',
                '@azure/*',
              ],
              message: 'The console uses the API.',
            },
            {
              group: ['**/src/http/api-contract/**', 'zod'],
              allowTypeImports: true,
              message: "Types only: the contract's schemas stay on the server.",
            },
          ],
        },
      ],
    },
  },
  {
    // CommonJS scripts Node runs as they are (a test's wrapper around a dependency's entry point).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Tests assert what they just wrote; a non-null assertion there documents the expectation.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
