import type { Producer } from 'kafkajs';
import { SCHEMAS, buildHeaders, type DeviceRegistryRecord } from '../../contracts/index.js';

/** Writes device records and tombstones to the compacted registry topic, keyed by device id. */
export class RegistryWriter {
  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
  ) {}

  async put(record: DeviceRegistryRecord): Promise<void> {
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: [
        {
          key: record.deviceId,
          value: JSON.stringify(record),
          headers: buildHeaders({ deviceId: record.deviceId, schema: SCHEMAS.devices }),
        },
      ],
    });
  }

  async remove(deviceId: string): Promise<void> {
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: [
        { key: deviceId, value: null, headers: buildHeaders({ deviceId, schema: SCHEMAS.devices }) },
      ],
    });
  }
}
