import { gatewayIdSchema } from '../../contracts/gateway-id.js';

/** Worker `index` (0-based) of the gateway `baseId`, as `{baseId}-w{index + 1}`. */
export function workerGatewayId(baseId: string, index: number): string {
  const id = `${baseId}-w${index + 1}`;
  if (!gatewayIdSchema.safeParse(id).success) {
    throw new Error(
      `gateway id "${id}" of worker ${index + 1} is not a valid gateway id; set a shorter GATEWAY_ID`,
    );
  }
  return id;
}
