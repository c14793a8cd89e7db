// Runbook staging: the copy the runbook user runs from is made again after the runbooks change, removals included.
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeStaged, restageRunbooks, stageRunbooks } from '../../../src/adapters/worker/runbook-staging';
import { readableDir } from '../../support/runbook-dirs';

const source = readableDir('cloudo-stage-src-');
afterAll(() => rmSync(source, { recursive: true, force: true }));

describe('runbook staging', () => {
  it('copies the runbooks again: changed, added and removed files, with read-only modes', () => {
    mkdirSync(path.join(source, 'aks'));
    writeFileSync(path.join(source, 'a.sh'), 'echo one\n', { mode: 0o700 });
    writeFileSync(path.join(source, 'gone.sh'), 'echo gone\n');
    const staged = stageRunbooks(source);
    try {
      writeFileSync(path.join(source, 'a.sh'), 'echo two\n');
      writeFileSync(path.join(source, 'aks', 'new.py'), 'print(1)\n', { mode: 0o600 });
      rmSync(path.join(source, 'gone.sh'));
      restageRunbooks(source, staged);
      expect(readdirSync(staged).sort()).toEqual(['a.sh', 'aks']);
      expect(readFileSync(path.join(staged, 'a.sh'), 'utf8')).toBe('echo two\n');
      expect(statSync(path.join(staged, 'a.sh')).mode & 0o777).toBe(0o755);
      expect(statSync(path.join(staged, 'aks', 'new.py')).mode & 0o777).toBe(0o644);
    } finally {
      removeStaged(staged);
    }
  });
});
