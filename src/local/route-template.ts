// Route templates: matches paths against Functions route templates ("Trigger/{partition?}") as the host does.

type Segment =
  { kind: 'literal'; text: string } | { kind: 'param'; name: string; optional: boolean; catchAll: boolean };

export type RouteMatcher = { readonly template: string; match(path: string): Record<string, string> | null };

export function compileRoute(prefix: string, template: string): RouteMatcher {
  const segments = [...split(prefix), ...split(template)].map(parseSegment);
  return { template, match: (path) => matchSegments(segments, split(path)) };
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

function parseSegment(raw: string): Segment {
  const m = /^\{(\*)?([A-Za-z_][A-Za-z0-9_]*)(?::[^}?]+)?(\?)?\}$/.exec(raw);
  if (!m) return { kind: 'literal', text: raw };
  return { kind: 'param', name: m[2] ?? '', optional: m[3] === '?' || m[1] === '*', catchAll: m[1] === '*' };
}

function matchSegments(segments: readonly Segment[], parts: readonly string[]): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    const part = parts[i];
    if (!seg) return null;
    if (seg.kind === 'literal') {
      // ASP.NET routing, which the host uses, compares literals without regard to case.
      if (part === undefined || part.toLowerCase() !== seg.text.toLowerCase()) return null;
      continue;
    }
    if (seg.catchAll) {
      if (parts.length > i) params[seg.name] = parts.slice(i).map(decode).join('/');
      return params;
    }
    if (part === undefined) {
      if (!seg.optional) return null;
      continue;
    }
    params[seg.name] = decode(part);
  }
  return parts.length <= segments.length ? params : null;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
