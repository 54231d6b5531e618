import type { CommandRecord, CommandStatus, CommandStatusRecord } from '../../../../contracts/index.js';

export const T0 = 1_700_000_000_000;

export function command(id: string, fields: Partial<CommandRecord> = {}): CommandRecord {
  const issuedAt = fields.issuedAt ?? T0;
  return {
    id,
    deviceId: 'dev-1',
    name: 'reboot',
    params: {},
    issuedAt,
    expiresAt: issuedAt + 60_000,
    issuedBy: 'test',
    ...fields,
  };
}

export function status(
  id: string,
  value: CommandStatus,
  fields: Partial<CommandStatusRecord> = {},
): CommandStatusRecord {
  return { id, deviceId: 'dev-1', status: value, at: T0 + 1, ...fields };
}
