const SAMPLE = /^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{[^}]*\})?\s+(\S+)/;

/** Sum of every sample of metric `name` (all label sets) in Prometheus text format; NaN when absent. */
export function metricSum(text: string, name: string): number {
  let sum = 0;
  let found = false;
  for (const line of text.split('\n')) {
    const match = SAMPLE.exec(line);
    if (!match || match[1] !== name) continue;
    sum += Number(match[2]);
    found = true;
  }
  return found ? sum : Number.NaN;
}

/** Scrapes `url` (a /metrics endpoint) once and sums each of the metrics `names`. */
export async function scrapeMetrics<Name extends string>(
  url: string,
  names: readonly Name[],
): Promise<Record<Name, number>> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  const text = await response.text();
  return Object.fromEntries(names.map((name) => [name, metricSum(text, name)])) as Record<Name, number>;
}

export async function scrapeMetric(url: string, name: string): Promise<number> {
  return (await scrapeMetrics(url, [name]))[name] ?? Number.NaN;
}
