// What a newcomer expects of `npm start`: local.settings.json read as `func start` reads it (the shell wins), mapping
// files and runbooks reloaded when they change (a bad file keeps the mappings loaded), and a 404 that lists mappings.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { readUntil } from '../../support/poll';
import { readableDir } from '../../support/runbook-dirs';
import { isolatedRuntimeEnv, startRuntimeProcess, type RuntimeProcess } from '../../support/runtime-process';
import { call, mappingDoc, waitForTerminal } from '../../support/test-runtime';

const dirs: string[] = [];
const running: RuntimeProcess[] = [];

afterAll(async () => {
  await Promise.all(running.map((r) => r.stop()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A project folder: `schemas/` and `runbooks/` with one mapping `hi`, and whatever else a test writes. */
function project(): string {
  const dir = readableDir('cloudo-newcomer-');
  dirs.push(dir);
  mkdirSync(path.join(dir, 'runbooks'));
  mkdirSync(path.join(dir, 'schemas'));
  writeFileSync(path.join(dir, 'runbooks', 'hi.sh'), 'echo hi v1\n');
  writeMapping(dir, 'schemas/m.json', 'hi', 'hi.sh');
  return dir;
}

function writeMapping(dir: string, file: string, id: string, runbook: string): void {
  writeFileSync(path.join(dir, file), JSON.stringify(mappingDoc('p', [{ id, name: id, runbook }])));
}

async function start(dir: string, extra: Readonly<Record<string, string>> = {}): Promise<RuntimeProcess> {
  const rt = await startRuntimeProcess({ dir, env: { ...isolatedRuntimeEnv(inject('storageConnection')), ...extra } });
  running.push(rt);
  return rt;
}

const trigger = (rt: RuntimeProcess, id: string) => call('POST', `${rt.url}/api/Trigger?id=${id}`);

describe('npm start and local.settings.json', () => {
  it('uses the Values of local.settings.json, the environment winning over them', async () => {
    const dir = project();
    mkdirSync(path.join(dir, 'other'));
    writeMapping(dir, 'other/o.json', 'from-file', 'hi.sh');
    const values = { CLOUDO_SCHEMAS_DIR: 'other', AzureWebJobsStorage: 'UseDevelopmentStorage=true' };
    writeFileSync(path.join(dir, 'local.settings.json'), JSON.stringify({ IsEncrypted: false, Values: values }));

    const fromFile = await start(dir);
    expect(fromFile.output()).toContain('settings from local.settings.json: CLOUDO_SCHEMAS_DIR (the environment wins)');
    expect((await trigger(fromFile, 'from-file')).status).toBe(202);
    expect((await trigger(fromFile, 'hi')).status).toBe(404);

    const shellWins = await start(dir, { CLOUDO_SCHEMAS_DIR: 'schemas' });
    expect(shellWins.output()).not.toContain('settings from local.settings.json');
    expect((await trigger(shellWins, 'hi')).status).toBe(202);
  });

  it('refuses a local.settings.json that is not valid in one line', async () => {
    const dir = project();
    writeFileSync(path.join(dir, 'local.settings.json'), JSON.stringify({ Values: { CLOUDO_SCHEMAS_DIR: 3 } }));
    await expect(start(dir)).rejects.toThrow(/\nlocal\.settings\.json: Values\.CLOUDO_SCHEMAS_DIR must be a string\n$/);
  });
});

describe('npm start while files change', () => {
  it('says which mappings it has, and from where, when an id is unknown', async () => {
    const rt = await start(project());
    const res = await trigger(rt, 'nope');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({
      error: { field: 'id', message: 'No mapping with id "nope". Mappings in schemas (loaded by npm start): p/hi.' },
    });
  });

  it('loads a new mapping file, keeps the mappings when a file breaks, and runs a changed runbook', async () => {
    const dir = project();
    const rt = await start(dir);
    writeMapping(dir, 'schemas/added.json', 'added', 'hi.sh');
    await readUntil(
      () => trigger(rt, 'added'),
      (res) => res.status === 202,
    );

    writeFileSync(path.join(dir, 'schemas', 'bad.json'), JSON.stringify(mappingDoc('p', [{ id: 'broken' }])));
    await readUntil(
      async () => rt.output(),
      (out) => out.includes('schemas changed but is not valid, so the 2 mappings loaded stay'),
    );
    expect(rt.output()).toMatch(/schemas\/bad\.json.*runbook/);
    expect((await trigger(rt, 'added')).status).toBe(202);

    writeFileSync(path.join(dir, 'runbooks', 'hi.sh'), 'echo hi v2\n');
    await readUntil(
      async () => rt.output(),
      (out) => out.includes('runbooks: reloaded from runbooks'),
    );
    const { body } = await trigger(rt, 'hi');
    const done = await waitForTerminal(rt.url, String(body['execId']));
    expect(done).toMatchObject({ status: 'succeeded', output: 'hi v2\n' });
  });
});
