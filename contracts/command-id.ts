import { z } from 'zod';

// Wide enough for UUIDs, ULIDs and `prefix:counter` ids from other Kafka producers,
// narrow enough to be safe in logs, URLs and MQTT payloads.
export const COMMAND_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

export const commandIdSchema = z
  .string()
  .regex(COMMAND_ID_PATTERN, 'command id must match ^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$');

export type CommandId = z.infer<typeof commandIdSchema>;
