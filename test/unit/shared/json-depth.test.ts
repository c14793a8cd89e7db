// JSON nesting bound: exact at the limit, names the field, and walks a million levels without recursion.
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, findTooDeep } from '../../../src/domain/shared/json-depth';

const arrays = (n: number): unknown => JSON.parse(`${'['.repeat(n)}${']'.repeat(n)}`);

describe('JSON nesting depth', () => {
  it('takes values up to the limit and refuses one level more', () => {
    expect(findTooDeep(arrays(MAX_JSON_DEPTH))).toBeNull();
    expect(findTooDeep(arrays(MAX_JSON_DEPTH + 1))).toMatchObject({ field: null });
    expect(findTooDeep('text')).toBeNull();
    expect(findTooDeep(null)).toBeNull();
    expect(findTooDeep({ a: 1, b: [1, 2, { c: 'x' }] }, 3)).toBeNull();
    expect(findTooDeep({ a: 1, b: [1, 2, { c: [] }] }, 3)).toMatchObject({ field: 'b.c' });
  });

  it('names the object keys on the way down and the limit', () => {
    const deep = { data: { essentials: {}, alertContext: arrays(5_000) } };
    expect(findTooDeep(deep)).toEqual({
      field: 'data.alertContext',
      message: `The JSON nests deeper than ${MAX_JSON_DEPTH} levels (in "data.alertContext"): at most ${MAX_JSON_DEPTH} are taken.`,
    });
  });

  it('walks a million levels, and wide values, without exhausting the stack', () => {
    expect(findTooDeep(arrays(1_000_000))).not.toBeNull();
    expect(findTooDeep({ items: Array.from({ length: 100_000 }, (_, i) => ({ i })) })).toBeNull();
  });
});
