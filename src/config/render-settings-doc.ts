// Settings doc renderer: the generated part of docs/configuration.md, one table per area, from the settings catalog.
import { SETTING_AREAS, type SettingEntry } from './settings-catalog';

export const SETTINGS_DOC_BEGIN =
  '<!-- settings:begin: generated from src/config/settings-catalog.ts by `npm run docs:config`; do not edit -->';
export const SETTINGS_DOC_END = '<!-- settings:end -->';

/** The Markdown between the markers: a heading and a table per area, aligned as Prettier aligns them. */
export function renderSettingsTables(catalog: readonly SettingEntry[]): string {
  const sections = SETTING_AREAS.flatMap(({ area, title }) => {
    const rows = catalog.filter((s) => s.area === area).map((s) => [`\`${s.name}\``, s.default, s.description]);
    return rows.length === 0 ? [] : [`### ${title}\n\n${renderTable(['Setting', 'Default', 'Meaning'], rows)}`];
  });
  return sections.join('\n\n');
}

/** The document with its generated part replaced; fails when the markers are missing or out of order. */
export function replaceSettingsTables(doc: string, tables: string): string {
  const begin = doc.indexOf(SETTINGS_DOC_BEGIN);
  const end = doc.indexOf(SETTINGS_DOC_END);
  if (begin < 0 || end < begin) throw new Error(`expected ${SETTINGS_DOC_BEGIN} … ${SETTINGS_DOC_END} in the document`);
  return `${doc.slice(0, begin + SETTINGS_DOC_BEGIN.length)}\n\n${tables}\n\n${doc.slice(end)}`;
}

/** The generated part of a document as it stands, for comparing with a fresh rendering. */
export function extractSettingsTables(doc: string): string | undefined {
  const begin = doc.indexOf(SETTINGS_DOC_BEGIN);
  const end = doc.indexOf(SETTINGS_DOC_END);
  return begin < 0 || end < begin ? undefined : doc.slice(begin + SETTINGS_DOC_BEGIN.length, end).trim();
}

function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const escape = (row: readonly string[]) => row.map((cell) => cell.replaceAll('|', '\\|'));
  const head = escape(header);
  const body = rows.map(escape);
  const widths = head.map((h, i) => Math.max(3, h.length, ...body.map((row) => row[i]?.length ?? 0)));
  const line = (row: readonly string[]) => `| ${widths.map((w, i) => (row[i] ?? '').padEnd(w)).join(' | ')} |`;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
