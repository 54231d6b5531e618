import type { DeviceRegistryRecord } from '../../contracts/index.js';
import type { RecordProducer } from '../kafka/port.js';
import { encodeRecord, encodeTombstone, type RecordContext } from '../kafka/record-codec.js';

/** Writes device records and tombstones to the compacted registry topic, keyed by device id. */
export class RegistryWriter {
  private readonly context: RecordContext<'devices'>;

  constructor(
    private readonly producer: RecordProducer,
    topic: string,
  ) {
    this.context = { topics: { devices: topic } };
  }

  async put(record: DeviceRegistryRecord): Promise<void> {
    await this.producer.send([encodeRecord('devices', record, this.context)]);
  }

  async remove(deviceId: string): Promise<void> {
    await this.producer.send([encodeTombstone('devices', deviceId, this.context)]);
  }
}
