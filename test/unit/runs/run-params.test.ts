// Run parameters: declarations checked when a mapping file loads, values checked when a run is requested, sealing.
import { describe, expect, it } from 'vitest';
import { paramsSchema } from '../../../src/domain/mappings/param-spec';
import { resolveAlertParams, resolveRequestParams } from '../../../src/domain/runs/run-params';
import { openParams, sealParams } from '../../../src/domain/runs/sealed-params';
import { AppError } from '../../../src/domain/shared/errors';
import { previewRun } from '../../../src/services/runs/preview-run';
import { sampleMapping } from '../../support/fixtures';
import { createFakeMappingStore } from '../../support/fakes/mapping-store';

const KEY = 'k'.repeat(40);

describe('parameter declarations', () => {
  it.each([
    [{ X: { type: 'string', pattern: '(a' } }, 'X.pattern', /not an RE2 pattern/],
    [{ X: { type: 'string', pattern: '(?=a)b' } }, 'X.pattern', /not an RE2 pattern/],
    [{ X: { type: 'string', values: ['a'] } }, 'X.values', /only for type "enum"/],
    [{ X: { type: 'enum' } }, 'X.values', /lists its values/],
    [{ X: { type: 'integer', min: 5, max: 1 } }, 'X.min', /greater than max/],
    [{ X: { type: 'string', secret: true, default: 'x' } }, 'X.default', /no default/],
    [{ X: { type: 'integer', max: 3, default: 4 } }, 'X.default', /at most 3/],
    [{ x: { type: 'string' } }, 'x', /parameter name/],
    [{ X: { type: 'string', colour: 'red' } }, 'X', /colour/],
  ])('refuses %j at %s', (params, path, message) => {
    const parsed = paramsSchema.safeParse(params);
    expect(parsed.success).toBe(false);
    const issue = parsed.error?.issues[0];
    expect(issue?.path.join('.')).toBe(path);
    expect(issue?.message).toMatch(message);
  });

  it('takes a full declaration, with defaults filled', () => {
    const parsed = paramsSchema.parse({ HOST: { type: 'string', pattern: '[a-z]+', from: 'RESOURCE_NAME' } });
    expect(parsed['HOST']).toEqual({
      type: 'string',
      pattern: '[a-z]+',
      from: 'RESOURCE_NAME',
      required: false,
      secret: false,
    });
  });
});

describe('parameter values', () => {
  const specs = paramsSchema.parse({
    HOST: { type: 'string', pattern: '[a-z]+', required: true, from: 'RESOURCE_NAME' },
    N: { type: 'integer', min: -2, default: 1 },
    PASS: { type: 'string', secret: true },
  });

  it('keeps secret values apart from plain ones, every value a string', () => {
    expect(resolveRequestParams('m', specs, { HOST: 'web', N: '-2', PASS: 'p' })).toEqual({
      values: { HOST: 'web', N: '-2' },
      secrets: { PASS: 'p' },
    });
  });

  it('matches a pattern against the whole value, in linear time', () => {
    expect(() => resolveRequestParams('m', specs, { HOST: 'web1' })).toThrow(/pattern/);
    const slow = paramsSchema.parse({ S: { type: 'string', pattern: '(a+)+$' } });
    // A backtracking engine takes minutes on this; RE2 answers at once (no timing asserted: it just returns).
    expect(() => resolveRequestParams('m', slow, { S: `${'a'.repeat(5000)}!` })).toThrow(AppError);
  });

  it('bounds the values in all, as one stored column holds them', () => {
    const many = paramsSchema.parse(
      Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`P${i}`, { type: 'string' }])),
    );
    const big = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`P${i}`, 'x'.repeat(4000)]));
    expect(() => resolveRequestParams('m', many, big)).toThrow(/in all/);
  });

  it('fills from the alert, or says why the run cannot have its parameters', () => {
    expect(resolveAlertParams(specs, { RESOURCE_NAME: 'vm' })).toEqual({
      ok: true,
      params: { values: { HOST: 'vm', N: '1' }, secrets: {} },
    });
    expect(resolveAlertParams(specs, {})).toEqual({
      ok: false,
      reason: 'parameter params.HOST: required, and the alert has no RESOURCE_NAME',
    });
    expect(resolveAlertParams(specs, { RESOURCE_NAME: 'VM-1' })).toMatchObject({ ok: false });
  });
});

describe('sealed parameters', () => {
  it('open only with the same key and for the same execution', () => {
    const sealed = sealParams({ PASS: 'hunter2' }, KEY, 'exec-1');
    expect(sealed).not.toContain('hunter2');
    expect(openParams(sealed, KEY, 'exec-1')).toEqual({ PASS: 'hunter2' });
    expect(openParams(sealed, KEY, 'exec-2')).toBeNull();
    expect(openParams(sealed, 'x'.repeat(40), 'exec-1')).toBeNull();
    const [v, iv, tag, body = ''] = sealed.split('.');
    const flipped = `${v}.${iv}.${tag}.${body.startsWith('A') ? 'B' : 'A'}${body.slice(1)}`;
    expect(openParams(flipped, KEY, 'exec-1')).toBeNull();
    expect(openParams('garbage', KEY, 'exec-1')).toBeNull();
  });
});

describe('dry run of a manual request', () => {
  const mapping = sampleMapping({ id: 'm', params: paramsSchema.parse({ PASS: { type: 'string', secret: true } }) });
  const deps = (canSeal: boolean) => ({
    mappings: createFakeMappingStore([mapping]),
    runbooksDir: '/runbooks',
    defaultTimeoutSeconds: 60,
    inheritedNames: [],
    canSeal,
  });

  it('says a secret value would be refused when nothing can seal it, and masks it either way', async () => {
    const req = { id: 'm', trigger: 'manual' as const, params: { PASS: 'hunter22' } };
    const refused = await previewRun(deps(false), req);
    expect(refused).toMatchObject({ wouldBe: 'refused', params: { PASS: '[secret]' } });
    expect(refused.reasons[0]).toMatch(/APPROVAL_SECRET/);
    expect(await previewRun(deps(true), req)).toMatchObject({ wouldBe: 'queued', reasons: [] });
    expect(JSON.stringify(refused)).not.toContain('hunter22');
  });
});
