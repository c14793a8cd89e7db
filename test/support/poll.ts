// Polling for what a test waits on: a generous deadline for waiting, never a timing assertion.
import { existsSync } from 'node:fs';

/** Reads until `done` holds for what was read, and returns that; fails once `deadlineMs` has passed. */
export async function readUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  deadlineMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A run's directory is removed while its result is recorded: gone a moment after the run is seen over. */
export async function waitUntilGone(file: string): Promise<void> {
  await readUntil(
    async () => existsSync(file),
    (exists) => !exists,
    10_000,
  );
}
