// The console's built files (dist/console): listed once, read into memory, served by exact name only.
import { createHash } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import type { ConsoleFile, ConsoleFiles } from '../../services/console/ports';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** `dir` defaults to dist/console beside the package.json this code ships in, from source or from dist. */
export function createConsoleFiles(dir: string = defaultConsoleDir()): ConsoleFiles {
  let files: Promise<ReadonlyMap<string, ConsoleFile>> | undefined;
  return {
    async read(name) {
      // Read on first use and kept: a few tens of KB, and a deployment never changes them in place.
      files ??= loadAll(dir).catch((err: unknown) => {
        files = undefined;
        throw err;
      });
      return (await files).get(name) ?? null;
    },
  };
}

async function loadAll(dir: string): Promise<ReadonlyMap<string, ConsoleFile>> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const entries = await Promise.all(
    names
      .filter((name) => TYPES[path.extname(name)] !== undefined)
      .map(async (name) => {
        const body = await fs.readFile(path.join(dir, name));
        const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
        return [name, { body, contentType: TYPES[path.extname(name)] ?? 'application/octet-stream', etag }] as const;
      }),
  );
  return new Map(entries);
}

function defaultConsoleDir(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return path.join(dir, 'dist', 'console');
}
