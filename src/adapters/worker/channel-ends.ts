// Opens both ends of one run's output channel: a FIFO, or a connected Unix socket pair where mkfifo is unavailable.
import { close, closeSync, promises as fs } from 'node:fs';
import { Socket, connect, createServer } from 'node:net';
import type { Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { takeFifo } from './fifo-pool';

export type ChannelEnds = {
  readonly reader: Socket;
  /** What spawn gets for both fd 1 and fd 2. */
  readonly writer: number | Socket;
  /** Releases the parent's copy of the writer; safe to call more than once. */
  readonly closeWriter: () => void;
};

/** The user a child runs as, when it is not the worker's own. */
export type FifoOwner = { readonly uid: number; readonly gid: number };

// sockaddr_un holds 104 bytes on macOS and 108 on Linux, NUL included; older libuv truncated longer paths silently.
const MAX_SOCKET_PATH_BYTES = 103;

export const ignore = (): void => undefined;

/**
 * Unlike a socket, a FIFO can be reopened through /dev/stdout, /dev/stderr and /proc/self/fd/N, as bash runbooks often
 * do (through the fd's own link: no path to it is left).
 */
export async function openFifo(owner?: FifoOwner): Promise<ChannelEnds> {
  const { readFd, writeFd } = await takeFifo(owner);
  try {
    // A socket handle polls the FIFO on the event loop; an fs stream would park a thread-pool thread on every read.
    const reader = withErrorsIgnored(new Socket({ fd: readFd, readable: true, writable: false }));
    return { reader, writer: writeFd, closeWriter: closeOnce(writeFd) };
  } catch (err: unknown) {
    closeSync(readFd);
    closeSync(writeFd);
    throw err;
  }
}

/** Closing an fd number twice could close an unrelated file that was given the same number in between. */
function closeOnce(fd: number): () => void {
  let open = true;
  return () => {
    if (open) close(fd, ignore);
    open = false;
  };
}

/** A connected Unix socket pair, like socketpair(2), which Node does not expose. */
export function openSocketPair(): Promise<ChannelEnds> {
  return inTempDir(async (dir) => {
    const socketPath = path.join(dir, 's');
    if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH_BYTES) throw new Error(`socket path too long: ${socketPath}`);
    const server = createServer();
    try {
      await listen(server, socketPath);
      const { reader, writer } = await connectPair(server, socketPath);
      return { reader, writer, closeWriter: () => writer.destroy() };
    } finally {
      server.close();
    }
  });
}

/** Both ends only need the path while they open, so nothing is left on disk while the child runs. */
async function inTempDir<T>(open: (dir: string) => Promise<T>): Promise<T> {
  // mkdtemp creates the directory with mode 0700, so no other user can open what is inside it.
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `cloudo-out-${process.pid}-`));
  try {
    return await open(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true }).catch(ignore);
  }
}

// Error listeners stay for the socket's whole life: an unhandled socket error would crash the worker.
function withErrorsIgnored(socket: Socket): Socket {
  return socket.on('error', ignore);
}

function listen(server: Server, socketPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function connectPair(server: Server, socketPath: string): Promise<{ reader: Socket; writer: Socket }> {
  const accepted = new Promise<Socket>((resolve, reject) => {
    server.once('error', reject);
    server.once('connection', (reader: Socket) => resolve(withErrorsIgnored(reader)));
  });
  const writer = withErrorsIgnored(connect(socketPath));
  const connected = new Promise<void>((resolve, reject) => {
    writer.once('connect', resolve);
    writer.once('error', reject);
  });
  return Promise.all([accepted, connected]).then(
    ([reader]) => ({ writer, reader }),
    (err: unknown) => {
      writer.destroy();
      throw err;
    },
  );
}
