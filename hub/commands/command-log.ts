import type { CommandRecord, CommandStatusRecord, TopicKind } from '../../contracts/index.js';
import type { RecordProducer } from '../../common/kafka/port.js';
import { encodeRecord } from '../../common/kafka/record-codec.js';

/** Where the hub writes commands and statuses; each call resolves once Kafka acknowledged (acks=all). */
export interface CommandLog {
  writeCommand(command: CommandRecord): Promise<void>;
  writeStatuses(statuses: readonly CommandStatusRecord[]): Promise<void>;
}

/** Keyed by device id like every record, so a device's commands and statuses keep their order. */
export class KafkaCommandLog implements CommandLog {
  constructor(
    private readonly producer: RecordProducer,
    private readonly topics: Readonly<Record<TopicKind, string>>,
  ) {}

  async writeCommand(command: CommandRecord): Promise<void> {
    await this.producer.send([encodeRecord('commands', command, { topics: this.topics })]);
  }

  async writeStatuses(statuses: readonly CommandStatusRecord[]): Promise<void> {
    if (statuses.length === 0) return;
    await this.producer.send(
      statuses.map((status) => encodeRecord('commandStatus', status, { topics: this.topics })),
    );
  }
}
