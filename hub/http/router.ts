import type { HttpMethod } from './route.js';

export interface RoutePattern {
  method: HttpMethod;
  path: string;
}

export type RouteMatch<R> =
  | { kind: 'found'; route: R; params: Record<string, string> }
  | { kind: 'method_not_allowed'; allow: string[] }
  | { kind: 'not_found' };

type Segment = { literal: string } | { param: string };

interface Compiled<R> {
  route: R;
  segments: Segment[];
}

function compile(path: string): Segment[] {
  if (!path.startsWith('/')) throw new TypeError(`route path must start with "/": ${path}`);
  return splitPath(path).map((s) => (s.startsWith(':') ? { param: s.slice(1) } : { literal: s }));
}

/** `/a/b` -> ['a', 'b']; `/` -> []. Segments are not decoded here. */
export function splitPath(path: string): string[] {
  return path === '/' ? [] : path.slice(1).split('/');
}

// Literal segments win over parameters, so `/api/devices/export` is not taken for a device id.
function bySpecificity<R>(a: Compiled<R>, b: Compiled<R>): number {
  const n = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const aParam = 'param' in a.segments[i]!;
    const bParam = 'param' in b.segments[i]!;
    if (aParam !== bParam) return aParam ? 1 : -1;
  }
  return 0;
}

function shape(segments: readonly Segment[]): string {
  return segments.map((s) => ('param' in s ? ':' : s.literal)).join('/');
}

/** A table of routes matched on method and decoded path segments. Pure, so it is unit tested. */
export class Router<R extends RoutePattern> {
  private readonly compiled: Compiled<R>[];

  constructor(routes: readonly R[]) {
    const seen = new Set<string>();
    this.compiled = routes.map((route) => {
      const segments = compile(route.path);
      const key = `${route.method} ${shape(segments)}`;
      if (seen.has(key)) throw new TypeError(`two routes for ${route.method} ${route.path}`);
      seen.add(key);
      return { route, segments };
    });
    this.compiled.sort(bySpecificity);
  }

  match(method: string, segments: readonly string[]): RouteMatch<R> {
    // HEAD is GET without the body (RFC 9110 9.3.2); node:http leaves the body out by itself.
    const wanted = method === 'HEAD' ? 'GET' : method;
    const allow = new Set<string>();
    for (const { route, segments: pattern } of this.compiled) {
      const params = matchSegments(pattern, segments);
      if (params === undefined) continue;
      if (route.method === wanted) return { kind: 'found', route, params };
      allow.add(route.method);
      if (route.method === 'GET') allow.add('HEAD');
    }
    return allow.size === 0
      ? { kind: 'not_found' }
      : { kind: 'method_not_allowed', allow: [...allow].sort() };
  }
}

function matchSegments(
  pattern: readonly Segment[],
  segments: readonly string[],
): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, p] of pattern.entries()) {
    const s = segments[i]!;
    if ('param' in p) {
      if (s === '') return undefined;
      params[p.param] = s;
    } else if (p.literal !== s) return undefined;
  }
  return params;
}
