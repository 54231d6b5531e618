/** Wait before reconnect attempt `attempt` (0-based): 0.5 s doubling to 15 s, ±20 % jitter so consoles do not return in step. */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(15_000, 500 * 2 ** Math.min(attempt, 10));
  return Math.round(base * (0.8 + 0.4 * random()));
}
