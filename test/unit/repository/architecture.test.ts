// The tree states the architecture: layers hold feature folders, imports point one way, no cycles, no twin names.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseCircular, parseDependencyTree } from 'dpdm';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../../..');
const LAYERS = ['adapters', 'cli', 'composition', 'config', 'domain', 'http', 'local', 'services'];
const FEATURED = ['domain', 'services', 'adapters'];

function filesUnder(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => f.endsWith('.ts'));
}

describe('layout', () => {
  it('keeps src/ to its layers, with no loose files', () => {
    expect(readdirSync(path.join(ROOT, 'src')).sort()).toEqual(LAYERS);
  });

  it.each(FEATURED)('groups src/%s by feature: folders only at its top', (layer) => {
    const loose = readdirSync(path.join(ROOT, 'src', layer)).filter(
      (f) => !statSync(path.join(ROOT, 'src', layer, f)).isDirectory(),
    );
    expect(loose).toEqual([]);
  });
});

describe('import boundaries (ESLint no-restricted-imports: a wrong import fails npm test)', () => {
  const eslint = new ESLint({ cwd: ROOT });
  const lint = async (filePath: string, from: string) => {
    const [result] = await eslint.lintText(`import { x } from '${from}';\nexport const y = x;\n`, { filePath });
    // The console's rule is typescript-eslint's, which can tell type-only imports apart.
    const rules = ['no-restricted-imports', '@typescript-eslint/no-restricted-imports'];
    // One refused line counts once, however many patterns refuse it.
    return new Set(result!.messages.filter((m) => rules.includes(m.ruleId ?? '')).map((m) => m.line)).size;
  };

  it.each([
    ['src/domain/runs/new.ts', '../../adapters/runs/run-queue'],
    ['src/domain/runs/new.ts', '../../services/runs/request-run'],
    ['src/domain/runs/new.ts', '../../config/load-config'],
    ['src/domain/runs/new.ts', '../../http/views'],
    ['src/domain/runs/new.ts', 'node:fs'],
    ['src/domain/runs/new.ts', 'child_process'],
    ['src/domain/runs/new.ts', '@azure/data-tables'],
    ['src/services/runs/new.ts', '../../adapters/runs/run-queue'],
    ['src/services/runs/new.ts', '../../composition/app-services'],
    ['src/services/runs/new.ts', '../../../functions/trigger'],
    ['src/services/runs/new.ts', 'node:net'],
    ['src/services/runs/new.ts', '@azure/storage-queue'],
    ['src/adapters/runs/new.ts', '../../services/runs/request-run'],
    ['src/adapters/runs/new.ts', '../../local/runtime'],
    ['src/config/new.ts', '../adapters/shared/clock'],
    ['src/composition/new.ts', '../http/views'],
    ['src/http/new.ts', '../adapters/runs/run-queue'],
    ['console/pages/new.tsx', '../../src/services/runs/request-run'],
    ['console/pages/new.tsx', '../../src/http/views'],
    ['console/new.ts', '../functions/register'],
    ['console/new.ts', 'node:fs'],
    ['console/new.ts', '@azure/functions'],
    ['console/new.ts', '../src/http/api-contract/executions'],
    ['console/new.ts', 'zod'],
  ])('refuses %s importing %s', async (file, from) => {
    expect(await lint(file, from)).toBe(1);
  });

  it.each([
    ['src/domain/runs/new.ts', '../shared/errors'],
    ['src/domain/runs/new.ts', 'node:crypto'],
    ['src/services/runs/new.ts', '../../domain/runs/execution'],
    ['src/adapters/runs/new.ts', '../../services/runs/ports'],
    ['src/adapters/runs/new.ts', '@azure/data-tables'],
    ['src/composition/new.ts', '../adapters/runs/run-queue'],
    ['console/pages/new.tsx', '../api'],
    ['console/pages/new.tsx', '../../src/domain/runs/execution-status'],
    ['console/new.ts', 'preact/hooks'],
  ])('allows %s importing %s', async (file, from) => {
    expect(await lint(file, from)).toBe(0);
  });
});

describe('settings', () => {
  const eslint = new ESLint({ cwd: ROOT });
  const misuses = async (filePath: string) => {
    const [result] = await eslint.lintText("export const x = process.env['X'];\n", { filePath });
    return result!.messages.filter((m) => m.ruleId === 'no-restricted-properties').length;
  };

  it('are read from process.env in src/config only', async () => {
    expect(await misuses('src/services/runs/new.ts')).toBe(1);
    expect(await misuses('src/local/new.ts')).toBe(1);
    expect(await misuses('functions/new.ts')).toBe(1);
    expect(await misuses('src/config/new.ts')).toBe(0);
  });
});

describe('modules', () => {
  it('import one another without cycles, type-only imports included', async () => {
    const tree = await parseDependencyTree(['src/**/*.ts', 'functions/**/*.ts'], { context: ROOT, transform: false });
    expect(Object.keys(tree).length).toBeGreaterThan(100);
    expect(parseCircular(tree)).toEqual([]);
  });

  it('keep the benchmarks off the test support: bench/ imports the application only', () => {
    const offside = filesUnder('bench').filter((f) =>
      /from '\.\.\/test\//.test(readFileSync(path.join(ROOT, f), 'utf8')),
    );
    expect(offside).toEqual([]);
  });

  it('export every name from one module only', () => {
    const owners = new Map<string, string[]>();
    for (const file of [...filesUnder('src'), ...filesUnder('functions')]) {
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      for (const m of text.matchAll(/^export (?:async )?(?:type|function|const|class) (\w+)/gm)) {
        owners.set(m[1]!, [...(owners.get(m[1]!) ?? []), file]);
      }
    }
    expect([...owners].filter(([, files]) => files.length > 1)).toEqual([]);
  });
});
