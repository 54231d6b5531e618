import type { Logger } from '../logger.js';

/** A feature's part of the process's health report. */
export interface HealthFragment {
  /** False makes the whole process unhealthy; absent means this part does not decide. */
  healthy?: boolean;
  [detail: string]: unknown;
}

/**
 * One part of a process. A composition root lists its features; they start in that order and
 * stop in reverse. Metrics are registered on the process's registry when a feature is built.
 */
export interface Feature<Route = never> {
  readonly name: string;
  start(): Promise<void>;
  /** Safe to call after a start that failed part way, or never ran. */
  stop(): Promise<void>;
  health?(): HealthFragment;
  /** The HTTP routes it serves, read once it started. */
  readonly routes?: readonly Route[];
}

export interface HealthReport {
  healthy: boolean;
  [detail: string]: unknown;
}

/** The process's report: every feature's fragment, unhealthy when any one says so. */
export function healthOf(
  features: readonly Feature<unknown>[],
  base: Record<string, unknown> = {},
): HealthReport {
  const fragments = features.flatMap((f) => (f.health ? [f.health()] : []));
  const healthy = fragments.every((f) => f.healthy !== false);
  const details = Object.assign({}, base, ...fragments.map(({ healthy: _, ...detail }) => detail)) as Record<
    string,
    unknown
  >;
  return { healthy, ...details };
}

async function stopAll(features: readonly Feature<unknown>[], log: Logger): Promise<void> {
  for (const feature of [...features].reverse()) {
    await feature
      .stop()
      .catch((error: unknown) =>
        log.warn({ err: error, feature: feature.name }, 'stop failed during shutdown'),
      );
  }
}

export interface StartedFeatures {
  /** Stops every feature in reverse order; idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts `features` in order. When one fails, it and those started before it are stopped in
 * reverse and the error is thrown: a process that cannot start leaves nothing running.
 */
export async function startFeatures(
  features: readonly Feature<unknown>[],
  log: Logger,
): Promise<StartedFeatures> {
  const begun: Feature<unknown>[] = [];
  for (const feature of features) {
    begun.push(feature);
    try {
      await feature.start();
    } catch (error) {
      await stopAll(begun, log);
      throw error;
    }
  }
  let stopping: Promise<void> | undefined;
  return { stop: () => (stopping ??= stopAll(features, log)) };
}
