import { z } from 'zod';

export const MIN_SAMPLE_INTERVAL_MS = 10;
export const MAX_SAMPLE_INTERVAL_MS = 3_600_000;
export const MAX_REBOOT_DELAY_MS = 60_000;
export const DEFAULT_REBOOT_DELAY_MS = 2_000;

/** Sampling is in wall time, like `--rate`: the interval is how often the device publishes. */
export const setSampleRateParamsSchema = z
  .object({
    intervalMs: z.int().min(MIN_SAMPLE_INTERVAL_MS).max(MAX_SAMPLE_INTERVAL_MS).optional(),
    hz: z
      .number()
      .min(1000 / MAX_SAMPLE_INTERVAL_MS)
      .max(1000 / MIN_SAMPLE_INTERVAL_MS)
      .optional(),
  })
  .refine((p) => (p.intervalMs === undefined) !== (p.hz === undefined), {
    message: 'give exactly one of intervalMs or hz',
  })
  .transform((p) => ({ intervalMs: p.intervalMs ?? Math.round(1000 / (p.hz ?? 1)) }));

export const rebootParamsSchema = z
  .object({ delayMs: z.int().min(0).max(MAX_REBOOT_DELAY_MS).optional() })
  .transform((p) => ({ delayMs: p.delayMs ?? DEFAULT_REBOOT_DELAY_MS }));

export const setLoadParamsSchema = z.object({ load: z.number().min(0).max(1) });

export const calibrateParamsSchema = z.object({});
