// Request bodies for the local HTTP front: read whole up to a cap, so that an oversized upload still gets its 413.
import type { IncomingMessage } from 'node:http';
import { AppError } from '../domain/shared/errors';

export type RequestBody = { readonly bytes: Buffer } | { readonly tooLarge: true; readonly closeConnection: boolean };

export function readBody(req: IncomingMessage, maxBytes: number): Promise<RequestBody> {
  // Declared too large: answer before reading. Node discards the unread body itself, so a keep-alive client can
  // finish its upload and read the 413 on a connection that stays usable.
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) {
    return Promise.resolve({ tooLarge: true, closeConnection: false });
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      // Stop keeping it but keep reading: a socket torn down mid-upload may reset before the client reads the 413.
      req.off('data', onData);
      req.off('end', onEnd);
      req.resume();
      resolve({ tooLarge: true, closeConnection: true });
    };
    const onEnd = (): void => resolve({ bytes: Buffer.concat(chunks) });
    req.on('data', onData);
    req.once('end', onEnd);
    // The client hung up mid-body ("aborted"): a 400 nobody will read, not a server error to log.
    req.on('error', () => reject(new AppError('bad_request', 'The request body ended before its declared length.')));
  });
}
