import { z } from 'zod';

// The default gateway id is `{hostname}-{port}`, so hostnames (dots, dashes) must fit.
export const GATEWAY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

export const gatewayIdSchema = z
  .string()
  .regex(GATEWAY_ID_PATTERN, 'gateway id must match ^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$');

export type GatewayId = z.infer<typeof gatewayIdSchema>;
