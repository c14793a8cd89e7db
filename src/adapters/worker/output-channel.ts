// Output channel of one run: a single FIFO shared by the child's fd 1 and fd 2, so stdout and stderr keep write order.
import type { Readable } from 'node:stream';
import { ignore, openFifo, openSocketPair } from './channel-ends';
import type { ChannelEnds, FifoOwner } from './channel-ends';

type ChildOutput = ChannelEnds['writer'] | 'pipe';
/** The child's stdout and stderr, set only when the channel gave it pipes. */
type ChildOutputs = { readonly stdout: Readable | null; readonly stderr: Readable | null };

export type OutputChannel = {
  /** What spawn gets for fd 1 and fd 2. */
  readonly stdio: readonly [ChildOutput, ChildOutput];
  /** Call once, right after spawn returned: forwards every chunk, then calls onEnd once every writer has closed. */
  collect(child: ChildOutputs, onData: (chunk: Buffer) => void, onEnd: () => void): void;
  /** Stops reading and releases the channel (also when spawn threw); safe to call more than once. */
  abandon(): void;
};

/**
 * Never rejects. Without mkfifo, a socket keeps the order but cannot be reopened through /dev/stdout or /dev/stderr;
 * without a usable temp directory, two pipes still carry all output, only the stdout/stderr order may drift.
 * `owner` is the user the child runs as, so that it may reopen the FIFO.
 */
export function openOutputChannel(owner?: FifoOwner): Promise<OutputChannel> {
  return openFifo(owner)
    .catch(() => openSocketPair())
    .then(sharedChannel, separatePipesChannel);
}

function sharedChannel({ reader, writer, closeWriter }: ChannelEnds): OutputChannel {
  return {
    // spawn dup2()s the writer onto both fds, exactly what `2>&1` does.
    stdio: [writer, writer],
    collect(_child, onData, onEnd) {
      // The child holds its own copies now; ours would keep the channel open, so EOF would never come.
      closeWriter();
      reader.on('data', onData);
      reader.once('close', onEnd);
    },
    abandon() {
      closeWriter();
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
