// Runbook check: names the mapping and the problem for runbooks that cannot run.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveRunbook } from '../../../src/adapters/worker/runbook-resolver';
import { readMappingFiles } from '../../../src/adapters/mappings/schema-files';
import { validateMappingFiles } from '../../../src/services/mappings/apply-mappings';
import { findRunbookProblems } from '../../../src/services/mappings/check-runbooks';

const dir = mkdtempSync(path.join(os.tmpdir(), 'cloudo-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('findRunbookProblems', () => {
  it('reports missing runbooks and accepts present ones', async () => {
    writeFileSync(path.join(dir, 'here.sh'), 'true\n');
    const mappings = validateMappingFiles([
      {
        name: 'm.json',
        text: JSON.stringify([
          {
            partition_key: 'p',
            entity: [
              { id: 'a', name: 'a', runbook: 'here.sh' },
              { id: 'b', name: 'b', runbook: 'gone.py' },
            ],
          },
        ]),
      },
    ]);
    const problems = await findRunbookProblems(mappings, (r) => resolveRunbook(dir, r));
    expect(problems).toEqual(['p/b: runbook "gone.py" not found in the runbooks directory']);
    expect(problems[0]).not.toContain(dir);
  });

  it('finds every runbook the shipped mappings name', async () => {
    const root = path.resolve(__dirname, '../../..');
    const mappings = validateMappingFiles(await readMappingFiles(path.join(root, 'schemas'), root));
    expect(await findRunbookProblems(mappings, (r) => resolveRunbook(path.join(root, 'runbooks'), r))).toEqual([]);
  });
});
