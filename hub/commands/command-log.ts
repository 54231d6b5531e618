import type { Producer } from 'kafkajs';
import {
  SCHEMAS,
  buildHeaders,
  type CommandRecord,
  type CommandStatusRecord,
  type TopicKind,
} from '../../contracts/index.js';

/** Where the hub writes commands and statuses; each call resolves once Kafka acknowledged (acks=all). */
export interface CommandLog {
  writeCommand(command: CommandRecord): Promise<void>;
  writeStatuses(statuses: readonly CommandStatusRecord[]): Promise<void>;
}

/** Keyed by device id like every record, so a device's commands and statuses keep their order. */
export class KafkaCommandLog implements CommandLog {
  constructor(
    private readonly producer: Producer,
    private readonly topics: Readonly<Record<TopicKind, string>>,
  ) {}

  async writeCommand(command: CommandRecord): Promise<void> {
    await this.producer.send({
      topic: this.topics.commands,
      acks: -1,
      messages: [
        {
          key: command.deviceId,
          value: JSON.stringify(command),
          headers: buildHeaders({ deviceId: command.deviceId, schema: SCHEMAS.commands }),
        },
      ],
    });
  }

  async writeStatuses(statuses: readonly CommandStatusRecord[]): Promise<void> {
    if (statuses.length === 0) return;
    await this.producer.send({
      topic: this.topics.commandStatus,
      acks: -1,
      messages: statuses.map((status) => ({
        key: status.deviceId,
        value: JSON.stringify(status),
        headers: buildHeaders({ deviceId: status.deviceId, schema: SCHEMAS.commandStatus }),
      })),
    });
  }
}
