const SCRAPE_TIMEOUT_MS = 2_000;

/** Where the primary reaches a server bound to `host`: a wildcard address answers on loopback. */
export function loopbackOf(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/** GET of a worker's own ops endpoint; any status is an answer (a 503 health report is one). */
export async function getWorkerEndpoint(host: string, port: number, path: string): Promise<string> {
  const response = await fetch(`http://${loopbackOf(host)}:${port}${path}`, {
    signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS),
  });
  return response.text();
}
