// Mapping files: the seed format is accepted as is; every problem names its file, entry and field.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { toMappingView } from '../../../src/domain/mappings/mapping';
import { buildMappingJsonSchema } from '../../../src/domain/mappings/mapping-json-schema';
import { MappingValidationError, validateMappingFiles } from '../../../src/services/mappings/apply-mappings';

const SEED = readFileSync(path.resolve(__dirname, '../../../schemas/seed.json'), 'utf8');

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

  it('accepts a match block and run_on, normalizing lists and monitor conditions', () => {
    const match = {
      alert_rule: 'HighCPU',
      alert_rule_pattern: '^kube-.*$',
      severity: ['Sev0', 'critical'],
      signal_type: 'Metric',
      monitor_condition: ['fired', 'RESOLVED'],
      resource_group: 'rg-prod',
      resource_type: 'Microsoft.Compute/virtualMachines',
      subscription: ['11111111-2222-3333-4444-555555555555'],
      labels: ['team=ops', 'namespace=~"pay.*"', 'env!~dev|test'],
      annotations: ['runbook_url!=""'],
    };
    const [m] = validateMappingFiles([{ name: 'f.json', text: doc({ match, run_on: 'both' }) }]);
    expect(m).toMatchObject({
      runOn: 'both',
      match: {
        alertRule: ['HighCPU'],
        alertRulePattern: '^kube-.*$',
        severity: ['Sev0', 'critical'],
        monitorCondition: ['Fired', 'Resolved'],
        labels: [
          { text: 'team=ops', name: 'team', op: '=', value: 'ops' },
          { text: 'namespace=~"pay.*"', name: 'namespace', op: '=~', value: 'pay.*' },
          { text: 'env!~dev|test', name: 'env', op: '!~', value: 'dev|test' },
        ],
      },
    });
    expect(toMappingView(m!)).toMatchObject({
      run_on: 'both',
      match: {
        ...match,
        alert_rule: ['HighCPU'],
        signal_type: ['Metric'],
        resource_group: ['rg-prod'],
        resource_type: ['Microsoft.Compute/virtualMachines'],
        monitor_condition: ['Fired', 'Resolved'],
      },
    });
    const [seed] = validateMappingFiles([{ name: 'f.json', text: doc({}) }]);
    expect(seed).toMatchObject({ match: null, runOn: 'fired' });
    expect(toMappingView(seed!)).toMatchObject({ match: null, run_on: 'fired' });
  });

  it.each([
    [{ match: {} }, 'match: match needs at least one condition'],
    [{ match: { severity: [] } }, 'match.severity: must not be empty'],
    [{ match: { severity: '' } }, 'match.severity'],
    [{ match: { alert_rule: 42 } }, 'match.alert_rule:'],
    [{ match: { alert_rule_pattern: '(' } }, 'match.alert_rule_pattern: invalid regular expression'],
    [{ match: { alert_rule_pattern: 'a'.repeat(257) } }, 'match.alert_rule_pattern: at most 256 characters'],
    [{ match: { monitor_condition: 'Firing' } }, 'match.monitor_condition'],
    [{ match: { monitor_condition: ['Fired', 'Open'] } }, 'match.monitor_condition'],
    [{ match: { labels: ['team=ops', 'team=~('] } }, 'match.labels.1: label matcher "team=~(": invalid regular'],
    [{ match: { labels: ['team'] } }, 'match.labels.0: label matcher "team": expected name=value'],
    [{ match: { annotations: ['a="b'] } }, 'match.annotations.0: label matcher "a="b"'],
    [{ match: { labels: 'team=ops' } }, 'match.labels:'],
    [{ match: { severity: 'Sev1', sevirity: 'Sev2' } }, 'match: unknown field(s) "sevirity"'],
    [{ match: 'HighCPU' }, 'match:'],
    [{ run_on: 'always' }, 'run_on:'],
  ])('rejects %j naming file, entry and field', (entity, expected) => {
    const [problem, ...rest] = problems(doc(entity));
    expect(rest).toEqual([]);
    expect(problem).toMatch(/^schemas\/bad\.json: partition #1 \("ops"\), entity #1 \(id "a"\): /);
    expect(problem).toContain(expected);
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
      readFileSync(path.resolve(__dirname, '../../../schemas/mapping.schema.json'), 'utf8'),
    ) as unknown;
    expect(committed, 'run `npm run schemas:jsonschema` to regenerate').toEqual(buildMappingJsonSchema());
  });

  it('validates every mapping file shipped in schemas/', () => {
    const dir = path.resolve(__dirname, '../../../schemas');
    const files = ['seed.json', 'examples.json'].map((f) => ({
      name: f,
      text: readFileSync(path.join(dir, f), 'utf8'),
    }));
    expect(validateMappingFiles(files).length).toBeGreaterThanOrEqual(8);
  });
});
