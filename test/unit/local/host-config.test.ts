// Unit tests for reading host.json into the local host settings.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHostConfig, parseHostConfig, parseTimeSpan } from '../../../src/local/host-config';

const parse = (json: unknown, processorCount?: number) =>
  parseHostConfig(JSON.stringify(json), 'test/host.json', { processorCount });

describe('parseTimeSpan', () => {
  it('parses hh:mm:ss, hh:mm, d.hh:mm:ss and fractions', () => {
    expect(parseTimeSpan('00:00:02')).toBe(2_000);
    expect(parseTimeSpan('01:10:00')).toBe(70 * 60_000);
    expect(parseTimeSpan('00:05')).toBe(5 * 60_000);
    expect(parseTimeSpan('1.02:00:00')).toBe(26 * 3_600_000);
    expect(parseTimeSpan('00:00:00.250')).toBe(250);
  });

  it('rejects anything else', () => {
    for (const bad of ['2000', '25:00:00', '00:60:00', '1:2:3:4', 'soon', '-00:00:01', '']) {
      expect(parseTimeSpan(bad)).toBeNull();
    }
  });
});

describe('parseHostConfig', () => {
  it('applies the Functions host defaults when sections are missing', () => {
    expect(parse({ version: '2.0' })).toEqual({
      routePrefix: 'api',
      functionTimeoutMs: null,
      queues: {
        batchSize: 16,
        newBatchThreshold: 8,
        maxDequeueCount: 5,
        visibilityTimeoutMs: 0,
        maxPollingIntervalMs: 60_000,
        messageEncoding: 'base64',
      },
    });
  });

  it('derives newBatchThreshold from batchSize (integer half) times the processor count', () => {
    expect(parse({ version: '2.0', extensions: { queues: { batchSize: 5 } } }).queues.newBatchThreshold).toBe(2);
    expect(parse({ version: '2.0' }, 4).queues.newBatchThreshold).toBe(32);
    const explicit = { version: '2.0', extensions: { queues: { newBatchThreshold: 1 } } };
    expect(parse(explicit, 4).queues.newBatchThreshold).toBe(1);
  });

  it('reads every supported field', () => {
    const config = parse({
      version: '2.0',
      functionTimeout: '00:10:00',
      extensions: {
        http: { routePrefix: '' },
        queues: {
          batchSize: 32,
          newBatchThreshold: 3,
          maxDequeueCount: 2,
          visibilityTimeout: '00:00:30',
          maxPollingInterval: '00:00:02',
          messageEncoding: 'None',
        },
      },
    });
    expect(config).toEqual({
      routePrefix: '',
      functionTimeoutMs: 600_000,
      queues: {
        batchSize: 32,
        newBatchThreshold: 3,
        maxDequeueCount: 2,
        visibilityTimeoutMs: 30_000,
        maxPollingIntervalMs: 2_000,
        messageEncoding: 'none',
      },
    });
  });

  it('treats functionTimeout "-1" and null as no timeout', () => {
    expect(parse({ version: '2.0', functionTimeout: '-1' }).functionTimeoutMs).toBeNull();
    expect(parse({ version: '2.0', functionTimeout: null }).functionTimeoutMs).toBeNull();
  });

  it('names host.json and the offending field in errors', () => {
    const bad =
      (json: unknown): (() => unknown) =>
      () =>
        parse(json);
    expect(bad({ version: '2.0', extensions: { queues: { batchSize: 64 } } })).toThrow(
      /host\.json.*extensions\.queues\.batchSize/,
    );
    expect(bad({ version: '2.0', extensions: { queues: { visibilityTimeout: 30 } } })).toThrow(
      /host\.json.*extensions\.queues\.visibilityTimeout/,
    );
    expect(bad({ version: '2.0', extensions: { queues: { maxPollingInterval: '00:00:00.050' } } })).toThrow(
      /extensions\.queues\.maxPollingInterval: must be at least 100 ms/,
    );
    expect(bad({ version: '2.0', functionTimeout: 'forever' })).toThrow(/host\.json.*functionTimeout/);
    expect(bad({ version: '2.0', extensions: { queues: { messageEncoding: 'utf8' } } })).toThrow(
      /extensions\.queues\.messageEncoding/,
    );
    expect(bad({})).toThrow(/host\.json.*version/);
  });

  it('rejects text that is not JSON', () => {
    expect(() => parseHostConfig('{ nope', 'x/host.json')).toThrow(
      /Invalid host\.json at x\/host\.json: not valid JSON/,
    );
  });
});

describe('loadHostConfig', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cloudo-host-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the project host.json', async () => {
    const config = await loadHostConfig(join(__dirname, '..', '..', '..', 'host.json'));
    expect(config.routePrefix).toBe('api');
    expect(config.queues.messageEncoding).toBe('base64');
  });

  it('reads a file and reports a missing one by path', async () => {
    const path = join(dir, 'host.json');
    await writeFile(path, JSON.stringify({ version: '2.0', extensions: { queues: { batchSize: 2 } } }));
    expect((await loadHostConfig(path)).queues).toMatchObject({ batchSize: 2, newBatchThreshold: 1 });
    await expect(loadHostConfig(join(dir, 'absent.json'))).rejects.toThrow(/Cannot read host\.json at .*absent\.json/);
  });
});
