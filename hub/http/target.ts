import { splitPath } from './router.js';

export interface RequestTarget {
  /** The path as sent, before decoding. */
  path: string;
  /** Percent-decoded segments, so `%2F` inside a segment stays inside it. */
  segments: string[];
  query: URLSearchParams;
}

/**
 * Splits an origin-form request target (RFC 9112 3.2.1). Dot segments are not resolved: a path
 * such as `/api/devices/../x` is matched as sent and cannot reach another route.
 */
export function parseTarget(url: string): RequestTarget | { error: string } {
  if (!url.startsWith('/')) return { error: 'request target must be a path starting with "/"' };
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const segments: string[] = [];
  for (const raw of splitPath(path)) {
    try {
      segments.push(decodeURIComponent(raw));
    } catch {
      return { error: 'malformed percent-encoding in the path' };
    }
  }
  return { path, segments, query: new URLSearchParams(q === -1 ? '' : url.slice(q + 1)) };
}
