// The operator CLI's pure parts: flags, parameters, exit codes, the table, and its settings.
import { describe, expect, it } from 'vitest';
import { parseFlags, UsageError } from '../../../src/cli/cli-args';
import { exitCodeFor } from '../../../src/cli/follow-run';
import { readParams } from '../../../src/cli/operator-commands';
import { formatDuration, formatTable } from '../../../src/cli/operator-logs';
import { loadOperatorSettings } from '../../../src/config/operator-settings';

describe('operator flags', () => {
  it('take repeated list flags and as many bare arguments as the command does', () => {
    const flags = parseFlags(
      ['restart', '--param', 'A=1', '--param=B=2', '--wait'],
      {
        '--param': { kind: 'list' },
        '--wait': { kind: 'switch' },
      },
      1,
    );
    expect(flags.positional).toEqual(['restart']);
    expect(flags.lists['param']).toEqual(['A=1', 'B=2']);
    expect(() => parseFlags(['a', 'b'], {}, 1)).toThrow('unexpected argument "b"');
  });

  it('read parameters as NAME=value, split at the first =', () => {
    expect(readParams(['URL=https://x/?a=b', 'EMPTY='])).toEqual({ URL: 'https://x/?a=b', EMPTY: '' });
    expect(readParams([])).toBeNull();
    expect(() => readParams(['=x'])).toThrow(UsageError);
    expect(() => readParams(['A=1', 'A=2'])).toThrow('--param A given twice');
  });
});

describe('exit codes', () => {
  it.each([
    ['succeeded', 0, 0],
    ['failed', 3, 3],
    ['failed', null, 1],
    ['failed', 200, 1],
    ['timed_out', null, 124],
    ['cancelled', null, 130],
    ['error', null, 3],
    ['throttled', null, 3],
    ['rejected', null, 3],
  ] as const)('%s with exit code %s → %d', (status, exitCode, code) => {
    expect(exitCodeFor({ status, exitCode })).toBe(code);
  });
});

describe('logs table', () => {
  it('lines columns up by their widest cell', () => {
    const rows = formatTable([
      {
        execId: 'e1',
        status: 'succeeded',
        mapping: { partition_key: 'p', id: 'm' },
        trigger: 'manual',
        requestedAt: '2026-12-04T01:02:03.456Z',
        durationMs: 1500,
        exitCode: 0,
      },
      {
        execId: 'e2',
        status: 'queued',
        mapping: { partition_key: 'p', id: 'long-id' },
        trigger: 'alertmanager',
        requestedAt: '2026-12-04T01:02:04.000Z',
      },
    ]);
    expect(rows).toEqual([
      'EXEC ID  STATUS     MAPPING    TRIGGER       REQUESTED             DURATION  EXIT',
      'e1       succeeded  p/m        manual        2026-12-04T01:02:03Z  1.5 s     0',
      'e2       queued     p/long-id  alertmanager  2026-12-04T01:02:04Z',
    ]);
    expect(formatDuration(125_000)).toBe('2 min 5 s');
  });
});

describe('operator settings', () => {
  it('default to the local runtime, and name the setting at fault', () => {
    expect(loadOperatorSettings(undefined, {})).toEqual({ url: 'http://localhost:7071', key: undefined, user: 'cli' });
    expect(loadOperatorSettings('https://app.example/', { CLOUDO_KEY: ' k ', USER: 'ada' })).toEqual({
      url: 'https://app.example',
      key: 'k',
      user: 'ada',
    });
    expect(() => loadOperatorSettings(undefined, { CLOUDO_URL: 'ftp://x' })).toThrow(/^CLOUDO_URL: /);
  });
});
