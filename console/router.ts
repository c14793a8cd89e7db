// Hash routes: the console is one page, so links, the back button and reloads keep working without server routes.
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'overview' }
  | { page: 'mappings' }
  | { page: 'mapping'; partition: string; id: string }
  | { page: 'runs'; filter: URLSearchParams }
  | { page: 'run'; execId: string }
  | { page: 'approvals' }
  | { page: 'unmatched' }
  | { page: 'not-found'; path: string };

/** Parses `#/runs?status=failed` and friends. */
export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/';
  const [path = '/', search = ''] = raw.split('?', 2);
  const parts = path.split('/').filter(Boolean).map(decodeSegment);
  // A link anyone can send: a malformed escape or a "." or ".." segment (which the browser would resolve in the API
  // path it is put into, reaching another route) names no page.
  if (parts.some((p) => p === null || p === '.' || p === '..')) return { page: 'not-found', path };
  const [head, a, b] = parts as string[];
  if (head === undefined) return { page: 'overview' };
  if (head === 'mappings' && a !== undefined && b !== undefined) return { page: 'mapping', partition: a, id: b };
  if (head === 'mappings') return { page: 'mappings' };
  if (head === 'runs' && a !== undefined) return { page: 'run', execId: a };
  if (head === 'runs') return { page: 'runs', filter: new URLSearchParams(search) };
  if (head === 'approvals') return { page: 'approvals' };
  if (head === 'unmatched') return { page: 'unmatched' };
  return { page: 'not-found', path };
}

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** The route of the current hash, updated when it changes. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export const href = {
  overview: () => '#/',
  mappings: () => '#/mappings',
  mapping: (partition: string, id: string) => `#/mappings/${encodeURIComponent(partition)}/${encodeURIComponent(id)}`,
  runs: (filter: Readonly<Record<string, string>> = {}) => {
    const q = new URLSearchParams(filter).toString();
    return q ? `#/runs?${q}` : '#/runs';
  },
  run: (execId: string) => `#/runs/${encodeURIComponent(execId)}`,
  approvals: () => '#/approvals',
  unmatched: () => '#/unmatched',
};

/** Moves to another page. */
export function navigate(to: string): void {
  location.hash = to;
}
