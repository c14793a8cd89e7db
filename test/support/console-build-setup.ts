// Vitest global setup: builds the console once per run, as `npm run build` does, so the served files are current.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export function setup(): void {
  execFileSync('npm', ['run', '--silent', 'build:console'], {
    cwd: path.resolve(__dirname, '../..'),
    stdio: 'inherit',
  });
}
