// Docs tables stay readable in a terminal: no table row of README.md or docs/ is wider than a wide terminal.
import { describe, expect, it } from 'vitest';
import { listDocFiles, proseLines, readDoc } from '../../support/markdown-docs';

/** Prettier pads every row of a table to its widest cells, so a long cell widens the whole table. */
const MAX_TABLE_WIDTH = 150;

const OWN_DOCS = listDocFiles().filter((f) => f === 'README.md' || f.startsWith('docs/'));

describe('docs tables', () => {
  it.each(OWN_DOCS)(`%s: no table row is wider than ${MAX_TABLE_WIDTH} characters`, (file) => {
    const wide = proseLines(readDoc(file))
      .filter(({ text }) => text.trimStart().startsWith('|') && text.length > MAX_TABLE_WIDTH)
      .map(({ line, text }) => `${file}:${line}: ${text.length} characters`);
    expect(wide).toEqual([]);
  });
});
