// Mapping files: the seed format is accepted as is; every problem names its file, entry and field.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mappingJsonSchema } from '../../src/domain/mapping-json-schema';
import { MappingValidationError, validateMappingFiles } from '../../src/services/apply-mappings';

const SEED = readFileSync(path.resolve(__dirname, '../../schemas/seed.json'), 'utf8');

function problems(text: string, name = 'schemas/bad.json'): string[] {
  try {
    validateMappingFiles([{ name, text }]);
  } catch (err) {
    if (err instanceof MappingValidationError) return [...err.problems];
    throw err;
  }
  return [];
}

const doc = (entity: Record<string, unknown>) =>
  JSON.stringify([{ partition_key: 'ops', entity: [{ id: 'a', name: 'a', runbook: 'a.sh', ...entity }] }]);

describe('mapping documents', () => {
  it('accepts the seed README example verbatim, with "true"/"false" strings', () => {
    const mappings = validateMappingFiles([{ name: 'seed.json', text: SEED }]);
    expect(mappings).toHaveLength(4);
    expect(mappings[0]).toMatchObject({
      partition: 'generic',
      id: '000-0000-0e0e00ww-wqesd',
      oncall: true,
      requireApproval: true,
    });
    expect(mappings[2]).toMatchObject({
      partition: 'infra',
      runbook: 'test.py',
      runArgs: '-n 1000 --repeats 1000',
      oncall: false,
    });
    expect(mappings[1]).toMatchObject({ enabled: true, timeoutSeconds: null, worker: 'Runbook', env: {} });
  });

  it('accepts booleans, durations and the optional fields', () => {
    const [m] = validateMappingFiles([
      { name: 'f.json', text: doc({ oncall: true, enabled: 'FALSE', timeout: '5m', env: { X: '1' } }) },
    ]);
    expect(m).toMatchObject({ oncall: true, enabled: false, timeoutSeconds: 300, env: { X: '1' } });
    expect(validateMappingFiles([{ name: 'f.json', text: doc({ timeout: 90 }) }])[0]?.timeoutSeconds).toBe(90);
  });

  it.each([
    [{ runbook: '../etc/passwd.sh' }, 'runbook'],
    [{ runbook: '/abs/x.sh' }, 'runbook'],
    [{ runbook: 'x.rb' }, 'runbook'],
    [{ oncall: 'yes' }, 'oncall'],
    [{ timeout: '2 days' }, 'timeout'],
    [{ timeout: 7200 }, 'timeout'],
    [{ run_args: 'unclosed "quote' }, 'run_args'],
    [{ worker: 'has space' }, 'worker'],
    [{ env: { CLOUDO_EXEC_ID: 'x' } }, 'env.CLOUDO_EXEC_ID'],
    [{ id: 'a/b' }, 'id'],
  ])('rejects %j naming file, entry and field %s', (entity, field) => {
    const [problem, ...rest] = problems(doc(entity));
    expect(rest).toEqual([]);
    expect(problem).toContain('schemas/bad.json');
    expect(problem).toContain('partition #1 ("ops")');
    expect(problem).toMatch(/entity #1/);
    expect(problem).toContain(`${field}:`);
  });

  it('rejects unknown fields, so a typo never silently drops a safety setting', () => {
    expect(problems(doc({ requires_approval: 'true' }))[0]).toContain('unknown field(s) "requires_approval"');
  });

  it('rejects missing fields and malformed JSON', () => {
    expect(problems(JSON.stringify([{ partition_key: 'p', entity: [{ id: 'x' }] }])).join('\n')).toMatch(
      /entity #1 \(id "x"\): name:/,
    );
    expect(problems('[{"partition_key": ')[0]).toMatch(/schemas\/bad\.json: not valid JSON/);
    expect(problems('{}')[0]).toContain('schemas/bad.json: document');
  });

  it('requires ids to be unique across files', () => {
    expect(() =>
      validateMappingFiles([
        { name: 'one.json', text: doc({}) },
        { name: 'two.json', text: doc({}) },
      ]),
    ).toThrow(/two\.json: partition "ops", id "a": duplicate id, already used in one\.json/);
  });

  it('ships a JSON Schema that matches the model', () => {
    const committed = JSON.parse(
      readFileSync(path.resolve(__dirname, '../../schemas/mapping.schema.json'), 'utf8'),
    ) as unknown;
    expect(committed, 'run `npm run schemas:jsonschema` to regenerate').toEqual(mappingJsonSchema());
  });

  it('validates every mapping file shipped in schemas/', () => {
    const dir = path.resolve(__dirname, '../../schemas');
    const files = ['seed.json', 'examples.json'].map((f) => ({
      name: f,
      text: readFileSync(path.join(dir, f), 'utf8'),
    }));
    expect(validateMappingFiles(files).length).toBeGreaterThanOrEqual(8);
  });
});
