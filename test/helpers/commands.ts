import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { SCHEMAS, buildHeaders, type CommandRecord } from '../../contracts/index.js';

/** Writes a command straight to the commands topic, as any Kafka application may. */
export async function writeCommand(
  producer: Producer,
  topic: string,
  fields: Pick<CommandRecord, 'deviceId' | 'name'> & Partial<CommandRecord> & { ttlMs?: number },
): Promise<CommandRecord> {
  const issuedAt = fields.issuedAt ?? Date.now();
  const command: CommandRecord = {
    id: fields.id ?? randomUUID(),
    deviceId: fields.deviceId,
    name: fields.name,
    params: fields.params ?? {},
    issuedAt,
    expiresAt: fields.expiresAt ?? issuedAt + (fields.ttlMs ?? 30_000),
    issuedBy: fields.issuedBy ?? 'test',
  };
  await producer.send({
    topic,
    acks: -1,
    messages: [
      {
        key: command.deviceId,
        value: JSON.stringify(command),
        headers: buildHeaders({ deviceId: command.deviceId, schema: SCHEMAS.commands }),
      },
    ],
  });
  return command;
}
