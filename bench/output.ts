// Benchmark: output capture throughput and memory for a runbook that writes far more than the cap.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runProcess } from '../src/adapters/worker/process-runner';
import { verdict } from './bench-stats';

export async function benchOutput(megabytes: number): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cloudo-bench-'));
  const script = path.join(dir, 'flood.sh');
  writeFileSync(script, `head -c ${megabytes * 1_000_000} /dev/zero | tr '\\0' 'x'\n`);
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const outcome = await runProcess({
    file: 'bash',
    args: [script],
    cwd: dir,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
    timeoutMs: 120_000,
    killGraceMs: 1000,
    maxOutputBytes: 256 * 1024,
  });
  clearInterval(sampler);
  rmSync(dir, { recursive: true, force: true });
  const seconds = outcome.durationMs / 1000;
  console.log(`\noutput capture: ${megabytes} MB through a 256 KiB cap`);
  console.log(
    `  ${(outcome.outputBytes / 1e6 / seconds).toFixed(0)} MB/s, kept ${outcome.output.length} chars, truncated=${outcome.truncated}`,
  );
  const grew = (peak - before) / 1e6;
  console.log(
    `  RSS before ${(before / 1e6).toFixed(0)} MB, peak ${(peak / 1e6).toFixed(0)} MB (+${grew.toFixed(0)} MB)` +
      `  | target growth ≤ 50 MB ${verdict(grew <= 50)}`,
  );
}
