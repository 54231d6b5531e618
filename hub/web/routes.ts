import type { IncomingMessage } from 'node:http';
import type { Reply, Route } from '../http/route.js';
import { acceptsGzip } from './accept-encoding.js';
import type { Asset, ConsolePage } from './page.js';

// Everything the page loads comes from this hub; the data needs the token, the page does not.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** The console page's files, public. A page that failed to build answers 503 with the reason. */
export function webRoutes(page: ConsolePage | Error): Route[] {
  if (page instanceof Error)
    return [
      {
        method: 'GET',
        path: '/',
        auth: 'public',
        name: 'console.page',
        handle: () =>
          Promise.resolve({
            status: 503,
            body: `The console page is not available: ${page.message}\n`,
            contentType: 'text/plain; charset=utf-8',
          }),
      },
    ];
  return [...page].map(([path, asset]) => ({
    method: 'GET' as const,
    path,
    auth: 'public' as const,
    name: path === '/' ? 'console.page' : 'console.asset',
    handle: ({ req }) => Promise.resolve(assetReply(asset, req)),
  }));
}

function assetReply(asset: Asset, req: IncomingMessage): Reply {
  const gzip = acceptsGzip(req.headers['accept-encoding']);
  return {
    status: 200,
    body: gzip ? asset.gzipped : asset.body,
    contentType: asset.contentType,
    headers: {
      'content-security-policy': CSP,
      'cache-control': 'no-cache',
      'referrer-policy': 'no-referrer',
      vary: 'accept-encoding',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    },
  };
}
