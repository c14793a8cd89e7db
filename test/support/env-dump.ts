// Runbook environments as test runbooks dump them (`env -0 > "$OUT_DIR/$CLOUDO_EXEC_ID.env"`), read back.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export function readEnvDump(dir: string, execId: string): Record<string, string> {
  const text = readFileSync(path.join(dir, `${execId}.env`), 'utf8');
  return Object.fromEntries(
    text
      .split('\0')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}
