// The app's version as packaged: package.json's, found upwards from this file (src/ under tsx, dist/src/ once built).
import { readFileSync } from 'node:fs';
import path from 'node:path';

let cached: string | undefined;

/** The configured version (CLOUDO_APP_VERSION, e.g. the image), else the package's. */
export function appVersionOf(configured: string | undefined): string {
  return configured ?? readPackageVersion();
}

function readPackageVersion(): string {
  if (cached !== undefined) return cached;
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'cloudo' && typeof pkg.version === 'string') return (cached = `cloudo ${pkg.version}`);
    } catch {
      // Not here: one level up.
    }
    dir = path.dirname(dir);
  }
  return (cached = 'cloudo (version unknown)');
}
