import { ratio } from './ratio.js';

/** One measured phase of one broker, as the comparison needs it. */
export interface RateSample {
  completed: number;
  seconds: number;
}

/**
 * The order the brokers are measured in: each round visits every broker, and every other round
 * runs backwards (A B C, C B A, ...), so drift of a shared machine favours none of them.
 */
export function interleavedOrder<T>(brokers: readonly T[], rounds: number): T[] {
  const order: T[] = [];
  for (let round = 0; round < rounds; round++)
    order.push(...(round % 2 === 0 ? brokers : [...brokers].reverse()));
  return order;
}

/** Completions per second over all of a broker's phases together, and each phase's own rate. */
export function pooledRate(samples: readonly RateSample[]): { recordsPerSecond: number; perRound: number[] } {
  const completed = samples.reduce((sum, s) => sum + s.completed, 0);
  const seconds = samples.reduce((sum, s) => sum + s.seconds, 0);
  return {
    recordsPerSecond: seconds > 0 ? Math.round(completed / seconds) : 0,
    perRound: samples.map((s) => (s.seconds > 0 ? Math.round(s.completed / s.seconds) : 0)),
  };
}

/** The targets of issue 15 as ratios of the gateway to each baseline (null when one is missing). */
export function gatewayRatios(rates: { gateway: number; minimalBridge: number; bareAedes: number }): {
  gatewayOverMinimalBridge: number | null;
  gatewayOverBareAedes: number | null;
} {
  return {
    gatewayOverMinimalBridge: ratio(rates.gateway, rates.minimalBridge),
    gatewayOverBareAedes: ratio(rates.gateway, rates.bareAedes),
  };
}

/** The middle value (the mean of the two middle ones for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return null;
  const value = sorted.length % 2 === 1 ? sorted[mid] : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return value === undefined ? null : Math.round(value * 1000) / 1000;
}

/**
 * Ratio of each round's gateway figure to the same round's baseline figure (measured next to each
 * other, so under the same load from the rest of the machine), and their median.
 */
export function perRoundRatios(
  gateway: readonly number[],
  baseline: readonly number[],
): { perRound: (number | null)[]; median: number | null } {
  const perRound = gateway.map((g, i) => ratio(g, baseline[i] ?? 0));
  return { perRound, median: median(perRound.filter((r): r is number => r !== null)) };
}
