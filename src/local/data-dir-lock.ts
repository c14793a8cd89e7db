// One writer per Azurite database: a lock file in the service's data directory, held by the Azurite process itself.
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** Exit code of an Azurite service process refused its data directory (EX_TEMPFAIL). */
export const IN_USE_EXIT_CODE = 75;

const LOCK_FILE = 'cloudo-azurite.lock';
const POLL_MS = 100;

const holderSchema = z.object({ pid: z.number().int().positive(), parentPid: z.number().int().nonnegative() });
type Holder = z.infer<typeof holderSchema>;

/** Thrown when another live writer holds the directory; the message is meant for the person starting ClouDO. */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
}

/**
 * Takes the lock of `dir` for this process and returns its release. A holder whose ClouDO runtime is gone is an
 * Azurite still saving its database on the way out: it is waited for, up to `orphanWaitMs`.
 */
export async function acquireDataDirLock(dir: string, orphanWaitMs: number): Promise<() => void> {
  const file = path.join(dir, LOCK_FILE);
  const own = JSON.stringify({ pid: process.pid, parentPid: process.ppid } satisfies Holder);
  const deadline = Date.now() + orphanWaitMs;
  for (;;) {
    if (tryCreate(file, own)) return () => releaseIfOwn(file, own);
    const text = readOrEmpty(file);
    const holder = parseHolder(text);
    // Dead holders (crashed, killed) leave their file behind; stale, as PostgreSQL's postmaster.pid would be.
    if (holder === null || !isAliveIn(holder.pid, dir)) {
      if (readOrEmpty(file) === text) unlinkQuietly(file);
      continue;
    }
    if (!isOrphan(holder)) {
      throw new DataDirInUseError(
        `The data directory ${dir} is in use by another ClouDO runtime (pid ${holder.parentPid}). ` +
          'Stop it first, or set CLOUDO_LOCAL_DATA_DIR to another directory.',
      );
    }
    if (Date.now() > deadline) {
      throw new DataDirInUseError(
        `The data directory ${dir} is still held by Azurite process ${holder.pid}, left behind by a ClouDO ` +
          'runtime that ended. Stop that process, then start again.',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

// Written whole under a private name, then linked: the lock file never exists half-written, and link fails if taken.
function tryCreate(file: string, content: string): boolean {
  const draft = `${file}.${process.pid}`;
  writeFileSync(draft, content);
  try {
    linkSync(draft, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkQuietly(draft);
  }
}

function releaseIfOwn(file: string, own: string): void {
  if (readOrEmpty(file) === own) unlinkQuietly(file);
}

function parseHolder(text: string): Holder | null {
  try {
    const parsed = holderSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone: someone else cleaned it up.
  }
}

// Where /proc exists, a recycled pid is told apart by its command line, which names the data directory.
function isAliveIn(pid: number, dir: string): boolean {
  if (!isAlive(pid)) return false;
  const cmdline = readOrEmpty(`/proc/${pid}/cmdline`);
  return cmdline === '' ? process.platform !== 'linux' : cmdline.split('\0').includes(dir);
}

// An orphan has been handed to another parent (init or a subreaper); without /proc, its runtime's pid is checked.
function isOrphan(holder: Holder): boolean {
  const stat = readOrEmpty(`/proc/${holder.pid}/stat`);
  if (stat !== '') return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== holder.parentPid;
  return !isAlive(holder.parentPid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
