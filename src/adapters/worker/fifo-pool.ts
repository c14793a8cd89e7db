// Output FIFOs made a few at a time: one mkfifo process per batch instead of one per run, opened and unlinked at once.
import { execFile } from 'node:child_process';
import { closeSync, constants, fchown, openSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/** Both ends of a FIFO no path leads to any more; the open ends are all that is left of it. */
export type OpenedFifo = { readonly readFd: number; readonly writeFd: number };

// Starting a process costs the worker's event loop a fork and an exec wait; a batch of this many costs it once.
const BATCH = 8;
// mkfifo returns at once; the cap only keeps a broken system from stalling every run.
const MKFIFO_TIMEOUT_MS = 5_000;
const execFileAsync = promisify(execFile);
const fchownAsync = promisify(fchown);

let pooled: OpenedFifo[] = [];
let refilling: Promise<void> | null = null;

/**
 * A fresh FIFO for one run, owned by `owner` when given (reopening /dev/stdout checks the FIFO's own mode). Each is
 * handed out once. Until then only the worker holds it: it was made 0600 in a 0700 directory of the worker's, that
 * directory is gone before any is handed out, and the worker's fds are close-on-exec, so no runbook inherits them.
 * Rejects when no FIFO can be made (no mkfifo, no temp directory): the caller falls back to another channel.
 */
export async function takeFifo(owner?: { readonly uid: number; readonly gid: number }): Promise<OpenedFifo> {
  let fifo = pooled.pop();
  while (fifo === undefined) {
    await (refilling ??= makeBatch().finally(() => (refilling = null)));
    fifo = pooled.pop();
  }
  try {
    if (owner) await fchownAsync(fifo.writeFd, owner.uid, owner.gid);
    return fifo;
  } catch (err) {
    closeFifo(fifo);
    throw err;
  }
}

/** Closes the FIFOs made and not handed out yet; the next take makes new ones (with the settings of then). */
export function releasePooledFifos(): void {
  const left = pooled;
  pooled = [];
  left.forEach(closeFifo);
}

async function makeBatch(): Promise<void> {
  // mkdtemp creates the directory with mode 0700, so no other user can open what is inside it.
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `cloudo-out-${process.pid}-`));
  try {
    const paths = Array.from({ length: BATCH }, (_, i) => path.join(dir, `f${i}`));
    await execFileAsync('mkfifo', ['-m', '600', ...paths], { shell: false, timeout: MKFIFO_TIMEOUT_MS });
    // One by one: those opened before a failure (out of fds) stay usable.
    for (const fifoPath of paths) pooled.push(openBothEnds(fifoPath));
  } finally {
    await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

function openBothEnds(fifoPath: string): OpenedFifo {
  // Non-blocking, so this open does not wait for a writer; libuv then polls it like any pipe.
  const readFd = openSync(fifoPath, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    // Blocking, because this open file description (flags included) becomes the child's stdout and stderr, and few
    // programs retry EAGAIN. It returns at once: the reader above is open, in a directory only we can write to.
    return { readFd, writeFd: openSync(fifoPath, constants.O_WRONLY) };
  } catch (err: unknown) {
    closeSync(readFd);
    throw err;
  }
}

function closeFifo({ readFd, writeFd }: OpenedFifo): void {
  closeSync(readFd);
  closeSync(writeFd);
}
