// The operator CLI against a stand-in that answers a body off the contract: one line naming it, exit 1, no stack.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A list of executions whose one item has a status no ClouDO gives.
const MALFORMED = { items: [{ execId: 'e1', status: 'exploded' }], continuation: null, links: { next: null } };

let server: Server;
let url = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    res.writeHead(req.url?.startsWith('/api/logs') ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(MALFORMED));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

/** `cloudo ...` as a shell runs it: its own process, its exit code, stdout and stderr. */
async function cloudo(...args: string[]) {
  const main = path.resolve(__dirname, '../../../src/cli/main.ts');
  const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), main, ...args], {
    env: { PATH: process.env['PATH'] ?? '', CLOUDO_URL: url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  return { code, out, err };
}

describe('an answer off the contract', () => {
  it('is one line naming the call and the field, and exits 1 as an API error does', async () => {
    const { code, out, err } = await cloudo('logs');
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toMatch(/^ClouDO answered GET \/api\/logs with an unexpected body: items\.0\.status: .+\n$/);
    expect(err.trim().split('\n')).toHaveLength(1);
  });
});
