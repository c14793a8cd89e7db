// Docs links: every relative link and #anchor in README.md and docs/ (and the docs beside iac/ and deploy/) resolves.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, findHeadings, findLinks, listDocFiles, readDoc } from '../../support/markdown-docs';

type Slugger = { slug(value: string): string };
let newSlugger: () => Slugger;

beforeAll(async () => {
  // github-slugger is an ES module; this CommonJS project loads it dynamically.
  const { default: GithubSlugger } = await import('github-slugger');
  newSlugger = () => new GithubSlugger();
});

/** The anchors GitHub gives a file's headings: repeated headings get -1, -2… as GitHub numbers them. */
function anchorsOf(file: string): Set<string> {
  const slugger = newSlugger();
  return new Set(findHeadings(readDoc(file)).map((h) => slugger.slug(h)));
}

/** Every broken link of one file, as "file:line: target (why)". */
function brokenLinks(file: string): string[] {
  const broken: string[] = [];
  for (const { line, target } of findLinks(readDoc(file))) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: and the like
    const [pathPart = '', anchor] = target.split('#', 2);
    const resolved = pathPart === '' ? file : path.join(path.dirname(file), decodeURIComponent(pathPart));
    const where = `${file}:${line}: ${target}`;
    if (path.relative(REPO_ROOT, path.join(REPO_ROOT, resolved)).startsWith('..')) {
      broken.push(`${where} (outside the repository)`);
      continue;
    }
    if (!existsSync(path.join(REPO_ROOT, resolved))) {
      broken.push(`${where} (no such file)`);
      continue;
    }
    if (anchor === undefined) continue;
    if (!resolved.endsWith('.md') || statSync(path.join(REPO_ROOT, resolved)).isDirectory()) {
      broken.push(`${where} (an anchor into a file that is not Markdown)`);
      continue;
    }
    if (!anchorsOf(resolved).has(anchor)) broken.push(`${where} (no heading with that anchor in ${resolved})`);
  }
  return broken;
}

describe('docs links', () => {
  it('covers README.md, docs/ and its ADRs', () => {
    const files = listDocFiles();
    expect(files).toContain('README.md');
    expect(files).toContain('docs/configuration.md');
    expect(files.some((f) => f.startsWith('docs/adr/'))).toBe(true);
  });

  it.each(listDocFiles())('%s: every relative link and anchor resolves', (file) => {
    expect(brokenLinks(file)).toEqual([]);
  });

  it('slugs headings as GitHub does, so a good anchor passes and a bad one fails', () => {
    const slugger = newSlugger();
    expect(
      findHeadings('# On-call: Opsgenie and `JSM`\n## `GET /api/logs/{execId}`\n# On-call: Opsgenie and `JSM`'),
    ).toEqual(['On-call: Opsgenie and `JSM`', '`GET /api/logs/{execId}`', 'On-call: Opsgenie and `JSM`']);
    expect(
      ['On-call: Opsgenie and `JSM`', '`GET /api/logs/{execId}`', 'On-call: Opsgenie and `JSM`'].map((h) =>
        slugger.slug(h),
      ),
    ).toEqual(['on-call-opsgenie-and-jsm', 'get-apilogsexecid', 'on-call-opsgenie-and-jsm-1']);
  });

  it('reads no link inside code', () => {
    const md = 'See [a](a.md) and `[b](b.md)`.\n```\n[c](c.md)\n```\n![d](d.png "title")';
    expect(findLinks(md).map((l) => l.target)).toEqual(['a.md', 'd.png']);
  });
});
