// Polling for what a test waits on: a generous deadline for waiting, never a timing assertion.

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
