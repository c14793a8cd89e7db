// Output channel of one run: a single socket shared by the child's fd 1 and fd 2, so stdout and stderr keep write order.
import type { ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';

export type OutputChannel = {
  /** What spawn gets for fd 1 and fd 2. */
  readonly stdio: readonly ['pipe', 'pipe'] | readonly [Socket, Socket];
  /** Call once, right after spawn returned: forwards every chunk, then calls onEnd once every writer has closed. */
  collect(child: ChildProcess, onData: (chunk: Buffer) => void, onEnd: () => void): void;
  /** Stops reading and releases the channel (also when spawn threw); safe to call more than once. */
  abandon(): void;
};

type SocketPair = { writer: Socket; reader: Socket };

// sockaddr_un holds 104 bytes on macOS and 108 on Linux, NUL included; older libuv truncated longer paths silently.
const MAX_SOCKET_PATH_BYTES = 103;

const ignore = (): void => undefined;

/** Never rejects: without the socket the run still gets all of its output, only the stdout/stderr order may drift. */
export function openOutputChannel(): Promise<OutputChannel> {
  return openSocketPair().then(sharedSocketChannel, separatePipesChannel);
}

/**
 * A connected Unix socket pair, like socketpair(2), which Node does not expose. The temp directory only lives while
 * connecting: once accepted, the connection no longer needs its path, so nothing is left on disk while the child runs.
 */
async function openSocketPair(): Promise<SocketPair> {
  // mkdtemp creates the directory with mode 0700, so no other user can connect to the socket inside it.
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `cloudo-out-${process.pid}-`));
  const server = createServer();
  try {
    const socketPath = path.join(dir, 's');
    if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH_BYTES) throw new Error(`socket path too long: ${socketPath}`);
    await listen(server, socketPath);
    return await connectPair(server, socketPath);
  } finally {
    server.close();
    await fs.rm(dir, { recursive: true, force: true }).catch(ignore);
  }
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

function connectPair(server: Server, socketPath: string): Promise<SocketPair> {
  const accepted = new Promise<Socket>((resolve, reject) => {
    server.once('error', reject);
    server.once('connection', (reader: Socket) => {
      // Error listeners stay for the socket's whole life: an unhandled socket error would crash the worker.
      reader.on('error', ignore);
      resolve(reader);
    });
  });
  const writer = connect(socketPath);
  writer.on('error', ignore);
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

function sharedSocketChannel({ writer, reader }: SocketPair): OutputChannel {
  return {
    // spawn dup2()s the writer's descriptor onto both fds, exactly what `2>&1` does.
    stdio: [writer, writer],
    collect(_child, onData, onEnd) {
      // The child holds its own copies now; ours would keep the channel open, so EOF would never come.
      writer.destroy();
      reader.on('data', onData);
      reader.once('close', onEnd);
    },
    abandon() {
      writer.destroy();
      reader.destroy();
    },
  };
}

/** Fallback: two separate pipes carry no ordering between each other, so chunks are merged in arrival order. */
function separatePipesChannel(): OutputChannel {
  let pipes: Readable[] = [];
  return {
    stdio: ['pipe', 'pipe'],
    collect(child, onData, onEnd) {
      pipes = [child.stdout, child.stderr].filter((pipe): pipe is Readable => pipe !== null);
      let open = pipes.length;
      if (open === 0) onEnd();
      for (const pipe of pipes) {
        // Both pipes are always drained, so a child writing only to one of them can never block on a full pipe.
        pipe.on('data', onData);
        pipe.on('error', ignore);
        pipe.once('close', () => {
          open -= 1;
          if (open === 0) onEnd();
        });
      }
    },
    abandon() {
      pipes.forEach((pipe) => pipe.destroy());
    },
  };
}
