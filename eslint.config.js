// Lint rules, including the folder boundaries of DESIGN.md: a wrong import fails CI.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

// Who may import whom. Keys and values are folders; a folder may always import itself
// and any npm package. `test/` and `bench/` may import anything.
const allowed = {
  'main/verify': [],
  'main/store': [],
  // The contract re-exports the verdict vocabulary (reasons.ts) as types: UI, audit and bureau share it.
  'main/api': ['main/verify'],
  'main/trust': ['main/verify', 'main/store'],
  'main/audit': ['main/store'],
  'main/sync': ['main/trust', 'main/audit', 'main/verify', 'main/store'],
  'main/kiosk': ['main/verify', 'main/trust', 'main/audit', 'main/sync', 'main/store', 'main/api', 'drivers', 'config'],
  // The shell's entry also serves `verikiosk <command>` headless: the packaged app has no other Node.
  'main/shell': ['main/kiosk', 'main/api', 'main/cli', 'config'],
  'main/web': ['main/kiosk', 'main/api', 'config'],
  'main/cli': ['main/verify', 'main/trust', 'main/audit', 'main/sync', 'main/store', 'main/kiosk', 'main/api', 'main/web', 'drivers', 'config'],
  drivers: [],
  renderer: ['main/api'],
  config: [],
  // The launcher (tools/start.ts, tools/demo) runs browser mode or the Electron shell around the kiosk.
  tools: ['main/verify', 'main/trust', 'main/audit', 'main/sync', 'main/store', 'main/kiosk', 'main/api', 'main/web', 'main/shell', 'drivers', 'config'],
};
const guarded = Object.keys(allowed);
const zones = guarded.flatMap((target) =>
  guarded
    .filter((from) => from !== target && !allowed[target].includes(from) && !from.startsWith(`${target}/`) && !target.startsWith(`${from}/`))
    .map((from) => ({
      target: `./${target}`,
      from: `./${from}`,
      message: `DESIGN.md: ${target}/ may not import ${from}/`,
    })),
);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'var/**', 'release/**'] },
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones }],
      'import-x/no-unresolved': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // Only the shell may touch Electron.
    files: ['**/*.ts', '**/*.js'],
    ignores: ['main/shell/**', 'test/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only main/shell/ imports electron (DESIGN.md).' }] }],
    },
  },
);
