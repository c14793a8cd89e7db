// Markdown docs as tests see them: which files are the docs, their lines outside code, their links and headings.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');

/** README.md, every file under docs/, and the docs that live beside the code they describe. */
export function listDocFiles(): string[] {
  const docs = readdirSync(path.join(REPO_ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => path.join('docs', f));
  return ['README.md', ...docs.sort(), 'iac/README.md', 'deploy/kubernetes/README.md'];
}

export function readDoc(file: string): string {
  return readFileSync(path.join(REPO_ROOT, file), 'utf8');
}

export type ProseLine = { readonly line: number; readonly text: string };

/** The lines outside fenced code blocks, with inline code spans blanked (a link shown as code is not a link). */
export function proseLines(markdown: string): ProseLine[] {
  const out: ProseLine[] = [];
  let fence: string | undefined;
  markdown.split('\n').forEach((text, i) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(text)?.[1];
    if (marker && (fence === undefined || marker.startsWith(fence))) {
      fence = fence === undefined ? marker : undefined;
      return;
    }
    if (fence === undefined)
      out.push({ line: i + 1, text: text.replace(/(`+)[^`]*?\1/g, (m) => ' '.repeat(m.length)) });
  });
  return out;
}

export type Link = { readonly line: number; readonly target: string };

/** Targets of inline links and images, `[text](target "title")`. */
export function findLinks(markdown: string): Link[] {
  const links: Link[] = [];
  for (const { line, text } of proseLines(markdown))
    for (const m of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ line, target: m[1]! });
  return links;
}

/** The text of each ATX heading, as GitHub slugs it: links reduced to their text, code marks dropped. */
export function findHeadings(markdown: string): string[] {
  const headings: string[] = [];
  let fence: string | undefined;
  for (const text of markdown.split('\n')) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(text)?.[1];
    if (marker && (fence === undefined || marker.startsWith(fence))) fence = fence === undefined ? marker : undefined;
    const m = fence === undefined ? /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(text) : null;
    if (m) headings.push(m[1]!.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1'));
  }
  return headings;
}
