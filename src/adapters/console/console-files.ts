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

/** `dir` defaults to the built console nearest above this module, run from source or from dist. */
export function createConsoleFiles(dir: string | null = findConsoleDir(__dirname)): ConsoleFiles {
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

// Not built (null): no files, and the function says to run the build.
async function loadAll(dir: string | null): Promise<ReadonlyMap<string, ConsoleFile>> {
  if (dir === null) return new Map();
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

/**
 * The built console nearest above `from`: `<dir>/console` once the code runs from dist/ (tsc copies package.json
 * there too, so that is no landmark), or `<dir>/dist/console` when it runs from source (tests, tsx). A built folder
 * has main.js; the source folder console/ does not.
 */
export function findConsoleDir(from: string): string | null {
  for (let dir = from; ; dir = path.dirname(dir)) {
    for (const candidate of [path.join(dir, 'console'), path.join(dir, 'dist', 'console')]) {
      if (existsSync(path.join(candidate, 'main.js'))) return candidate;
    }
    if (path.dirname(dir) === dir) return null;
  }
}
