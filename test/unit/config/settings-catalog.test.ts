// Settings catalog: it names exactly the settings ClouDO reads, and docs/configuration.md shows what it renders.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTING_NAMES } from '../../../src/config/load-config';
import {
  extractSettingsTables,
  renderSettingsTables,
  replaceSettingsTables,
  SETTINGS_DOC_BEGIN,
  SETTINGS_DOC_END,
} from '../../../src/config/render-settings-doc';
import {
  PARTITION_KEY_FAMILY,
  SETTING_AREAS,
  SETTINGS_CATALOG,
  STORAGE_CONNECTION_FAMILY,
} from '../../../src/config/settings-catalog';
import { isKnownSetting } from '../../../src/config/known-settings';
import { IDENTITY_SUFFIXES } from '../../../src/config/storage-settings';

const names = SETTINGS_CATALOG.map((s) => s.name);
const plainNames = names.filter((n) => !n.includes('<'));

describe('settings catalog', () => {
  it('names every setting the config schema reads, and no other', () => {
    expect([...plainNames].sort()).toEqual([...SETTING_NAMES].sort());
  });

  it('names every identity-based storage suffix, and the per-partition Opsgenie key', () => {
    const suffixes = names
      .filter((n) => n.startsWith(STORAGE_CONNECTION_FAMILY))
      .map((n) => n.slice(STORAGE_CONNECTION_FAMILY.length));
    expect(suffixes.sort()).toEqual([...IDENTITY_SUFFIXES].sort());
    expect(names).toContain(PARTITION_KEY_FAMILY);
    expect(names.filter((n) => n.includes('<'))).toHaveLength(IDENTITY_SUFFIXES.length + 1);
  });

  it('names only settings ClouDO knows, families filled in as a deployment would', () => {
    const examples = names.flatMap((n) =>
      n.startsWith(STORAGE_CONNECTION_FAMILY)
        ? ['AzureWebJobsStorage', 'CLOUDO_STORAGE_CONNECTION'].map((s) => s + n.slice(STORAGE_CONNECTION_FAMILY.length))
        : [n.replace('<PARTITION>', 'TEAM_A')],
    );
    expect(examples.filter((n) => !isKnownSetting(n))).toEqual([]);
  });

  it('lists each setting once, in a known area, with a one-line description and a default', () => {
    expect(new Set(names).size).toBe(names.length);
    const areas = SETTING_AREAS.map((a) => a.area);
    for (const s of SETTINGS_CATALOG) {
      expect(areas, s.name).toContain(s.area);
      expect(s.description, s.name).toMatch(/^[^\n|]{10,90}$/);
      expect(s.default, s.name).toMatch(/^[^\n|]+$/);
    }
  });
});

describe('settings doc', () => {
  const doc = readFileSync(path.resolve(__dirname, '../../../docs/configuration.md'), 'utf8');

  it('docs/configuration.md holds exactly what the renderer makes of the catalog (npm run docs:config)', () => {
    expect(extractSettingsTables(doc)).toBe(renderSettingsTables(SETTINGS_CATALOG));
  });

  it('shows every setting of the catalog in its generated part', () => {
    const generated = extractSettingsTables(doc) ?? '';
    for (const name of names) expect(generated, name).toContain(`| \`${name}\``);
  });

  it('replaces only what lies between the markers, and refuses a document without them', () => {
    const before = `# Title\n\n${SETTINGS_DOC_BEGIN}\nold\n${SETTINGS_DOC_END}\n\nProse.\n`;
    const after = replaceSettingsTables(before, '| a |');
    expect(after).toBe(`# Title\n\n${SETTINGS_DOC_BEGIN}\n\n| a |\n\n${SETTINGS_DOC_END}\n\nProse.\n`);
    expect(extractSettingsTables(after)).toBe('| a |');
    expect(() => replaceSettingsTables('# no markers', 'x')).toThrow(/settings:begin/);
  });

  it('renders a catalog without pipes breaking the table', () => {
    const table = renderSettingsTables([{ name: 'X', area: 'local', default: '`a|b`', description: 'one | two' }]);
    expect(table).toContain('`a\\|b`');
    expect(table.split('\n').filter((l) => l.startsWith('|'))).toHaveLength(3);
  });
});
