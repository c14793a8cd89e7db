// Where the built console is found: from dist (where tsc also copies package.json) and from source, never console/.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findConsoleDir } from '../../../src/adapters/console/console-files';

describe('the console folder', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'cloudo-console-dir-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const touch = (rel: string) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), '');
  };
  touch('package.json');
  touch('console/index.html');
  touch('dist/package.json');
  touch('dist/console/main.js');
  touch('dist/src/adapters/console/console-files.js');
  touch('src/adapters/console/console-files.ts');

  it('is dist/console whether the code runs from dist or from source, not the source folder console/', () => {
    expect(findConsoleDir(path.join(root, 'dist/src/adapters/console'))).toBe(path.join(root, 'dist/console'));
    expect(findConsoleDir(path.join(root, 'src/adapters/console'))).toBe(path.join(root, 'dist/console'));
  });

  it('is not found where nothing is built', () => {
    expect(findConsoleDir(path.join(root, 'console'))).toBe(path.join(root, 'dist/console'));
    rmSync(path.join(root, 'dist/console/main.js'));
    expect(findConsoleDir(path.join(root, 'src/adapters/console'))).toBeNull();
  });
});
