import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/** How many sends are due `elapsedMs` into a run offering `ratePerSecond`. */
export function dueSends(ratePerSecond: number, elapsedMs: number): number {
  return Math.floor((ratePerSecond * Math.max(0, elapsedMs)) / 1000);
}

/**
 * Open-loop load: calls `send(k)` so that `ratePerSecond` sends happen per second for `seconds`,
 * whatever the receiver does; after an event-loop stall it catches up with what was due.
 */
export async function runPaced(
  ratePerSecond: number,
  seconds: number,
  send: (k: number) => void,
): Promise<{ sent: number; seconds: number }> {
  const started = performance.now();
  const durationMs = seconds * 1000;
  let k = 0;
  for (;;) {
    const elapsed = performance.now() - started;
    const due = dueSends(ratePerSecond, Math.min(elapsed, durationMs));
    while (k < due) send(k++);
    if (elapsed >= durationMs) break;
    await sleep(1);
  }
  return { sent: k, seconds: (performance.now() - started) / 1000 };
}
