// `npm run docs:config [-- --check]`: rewrites (or checks) the settings tables of docs/configuration.md.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SETTINGS_CATALOG } from '../config/settings-catalog';
import { renderSettingsTables, replaceSettingsTables } from '../config/render-settings-doc';

export const SETTINGS_DOC = 'docs/configuration.md';

/** Exit code 0 when the file is (now) up to date; with --check, 1 when it is not, and nothing is written. */
export function writeSettingsDoc(root: string, check: boolean): number {
  const file = path.join(root, SETTINGS_DOC);
  const before = readFileSync(file, 'utf8');
  const after = replaceSettingsTables(before, renderSettingsTables(SETTINGS_CATALOG));
  if (before === after) {
    console.log(`${SETTINGS_DOC}: up to date`);
    return 0;
  }
  if (check) {
    console.error(`${SETTINGS_DOC}: the settings tables differ from the catalog; run npm run docs:config`);
    return 1;
  }
  writeFileSync(file, after);
  console.log(`${SETTINGS_DOC}: settings tables rewritten`);
  return 0;
}

if (require.main === module) process.exitCode = writeSettingsDoc(process.cwd(), process.argv.includes('--check'));
