import { WORKER_SPLIT_LIMITS, type Config } from '../../config/index.js';

/**
 * Worker `index`'s share of `total` split over `workers`: the shares differ by at most one and add
 * up to `total`.
 */
export function shareOf(total: number, workers: number, index: number): number {
  return Math.floor(total / workers) + (index < total % workers ? 1 : 0);
}

type SplitLimits = Pick<Config['gateway'], (typeof WORKER_SPLIT_LIMITS)[number]>;

/** The host-wide connection limits one worker enforces, so that all workers together enforce them. */
export function workerLimits(gateway: Config['gateway'], index: number): SplitLimits {
  const limits = {} as SplitLimits;
  for (const key of WORKER_SPLIT_LIMITS) limits[key] = shareOf(gateway[key], gateway.workers, index);
  return limits;
}
