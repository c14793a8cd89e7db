// A user's clone has nothing beside it: no file of the repository may refer to a path outside the repository.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../../..');
// Relative paths that climb at least one level, as written in code and scripts; in Markdown, the targets of links
// (a code block there may well show a command run from another folder).
const CLIMB = /(?:\.\.\/)+[\w.-]+/g;
const MD_LINK = /\]\(((?:\.\.\/)+[^)#\s]*)/g;

function trackedTextFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT });
  return out
    .toString('utf8')
    .split('\n')
    .filter((f) => /\.(ts|mts|mjs|js|json|md|sh|tf|ya?ml)$|(^|\/)(Dockerfile|run)$/.test(f))
    .filter((f) => !f.startsWith('node_modules/') && f !== 'package-lock.json');
}

describe('the repository is self-contained', () => {
  it('refers to no path outside itself', () => {
    const escapes: string[] = [];
    for (const file of trackedTextFiles()) {
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      const found = file.endsWith('.md') ? [...text.matchAll(MD_LINK)].map((m) => m[1]!) : text.match(CLIMB);
      for (const ref of found ?? []) {
        const target = path.resolve(ROOT, path.dirname(file), ref);
        if (path.relative(ROOT, target).startsWith('..')) escapes.push(`${file}: ${ref}`);
      }
    }
    expect(escapes).toEqual([]);
  });

  // The developers' sibling folder holds seeds and fixtures; the source tree's own `shared/` kernels are fine.
  it('names no sibling "shared" folder, in any file', () => {
    const sibling = /\bshared\/(?:seeds|fixtures)\b/;
    const named = trackedTextFiles().filter((f) => sibling.test(readFileSync(path.join(ROOT, f), 'utf8')));
    expect(named).toEqual([]);
  });
});
