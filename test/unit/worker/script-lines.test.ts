// The line reader of the launcher and reaper scripts, run as they are: plain JavaScript in `node -e`, fed by a pipe.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { LINE_READER_SCRIPT } from '../../../src/adapters/worker/script-lines';

// Prints each line it is handed as JSON, then "end".
const PROGRAM = `${LINE_READER_SCRIPT}
eachLine(process.stdin, (line) => console.log(JSON.stringify(line)), () => console.log('end'));`;

async function readThrough(...writes: string[]): Promise<string[]> {
  const child = spawn(process.execPath, ['-e', PROGRAM], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const closed = new Promise((resolve) => child.once('close', resolve));
  for (const w of writes) child.stdin.write(w);
  child.stdin.end();
  await closed;
  return out.trim().split('\n');
}

describe('eachLine', () => {
  it('hands on whole lines across chunks, then the end', async () => {
    expect(await readThrough('+12', '345\n-1', '2345\n\n')).toEqual(['"+12345"', '"-12345"', '""', 'end']);
  });

  it('drops a last line without its newline: its writer died while writing it', async () => {
    expect(await readThrough('+7\n+12')).toEqual(['"+7"', 'end']);
  });
});
