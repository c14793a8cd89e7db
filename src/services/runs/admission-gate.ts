// Admission gate: bounds the accept work in flight, so that admitted requests finish within their senders' timeout
// and the rest are told 429 (retriable by every sender) having recorded nothing.
import { AppError } from '../../domain/shared/errors';

export type AdmissionGate = <T>(work: () => Promise<T>) => Promise<T>;

export type GateOptions = {
  /** Requests doing accept work at once; more of them would only queue inside the storage client. */
  readonly limit: number;
  /** How long a request may wait for its turn before it is told to come back later. */
  readonly maxWaitMs: number;
};

// Waiting requests beyond this many per slot could not start within maxWaitMs anyway: they are refused at once.
const QUEUE_PER_SLOT = 8;

export function createAdmissionGate(opts: GateOptions): AdmissionGate {
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  const retryAfterSeconds = Math.max(1, Math.ceil(opts.maxWaitMs / 1000));
  const refuse = () =>
    new AppError('overloaded', `ClouDO is at capacity; nothing was recorded. Retry in ${retryAfterSeconds} s.`, {
      retryAfterSeconds,
    });
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else inFlight--;
  };
  const turn = (): Promise<void> => {
    if (inFlight < opts.limit) {
      inFlight++;
      return Promise.resolve();
    }
    if (waiting.length >= opts.limit * QUEUE_PER_SLOT) return Promise.reject(refuse());
    return new Promise((resolve, reject) => {
      // The slot passes straight from the finishing request to this one: inFlight stays as it is.
      const go = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        waiting.splice(waiting.indexOf(go), 1);
        reject(refuse());
      }, opts.maxWaitMs);
      waiting.push(go);
    });
  };
  return async (work) => {
    await turn();
    try {
      return await work();
    } finally {
      release();
    }
  };
}
