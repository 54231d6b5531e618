import { performance } from 'node:perf_hooks';
import { DEFAULT_JSON_LIMITS, type kafkaTopicNames } from '../contracts/index.js';
import type { RecordProducer } from '../common/kafka/port.js';
import { RecordBatcher, type OutRecord } from '../common/kafka/record-batcher.js';
import { translateUplink } from '../gateway/uplink/translate.js';
import { deviceIds, telemetryPayload } from './devices.js';
import type { GatewaySettings } from './gateway.js';
import { LatencyHistogram } from './latency.js';

/** The records the gateway makes of these devices' telemetry, by its own translation. */
export function gatewayTelemetryRecords(
  topics: ReturnType<typeof kafkaTopicNames>,
  topic: string,
  devices: number,
  tag: string,
): OutRecord[] {
  return deviceIds(tag, devices).map((deviceId, seq) => {
    const now = Date.now();
    const result = translateUplink('telemetry', Buffer.from(telemetryPayload(seq, now)), {
      deviceId,
      gatewayId: `gw-bench-${tag}`,
      topics: { ...topics, telemetry: topic },
      receivedAt: now,
      maxPayloadBytes: 65_536,
      jsonLimits: DEFAULT_JSON_LIMITS,
    });
    const record = result.ok ? result.records[0] : undefined;
    if (!record) throw new Error(`telemetry translation failed: ${result.ok ? 'no record' : result.reason}`);
    return record;
  });
}

/** The gateway's batcher, with the gateway's settings, over another producer. */
export function gatewayBatcher(sink: RecordProducer, settings: GatewaySettings): RecordBatcher {
  return new RecordBatcher(sink, {
    lingerMs: settings.lingerMs,
    maxBatchRecords: settings.maxBatchRecords,
    maxBatchBytes: settings.maxBatchBytes,
    maxBestEffortBytes: settings.qos0BufferBytes,
    retryBackoff: { initialMs: 100, maxMs: 5_000, factor: 2, jitter: 0.2 },
  });
}

/** Keeps `window` records of each device unacknowledged for `seconds`, as the gateway's devices do. */
export async function driveBatcher(
  batcher: RecordBatcher,
  records: readonly OutRecord[],
  window: number,
  seconds: number,
) {
  const latency = new LatencyHistogram();
  let acknowledged = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const lane = async (record: OutRecord): Promise<void> => {
    while (performance.now() < deadline) {
      const enqueuedAt = performance.now();
      await batcher.enqueue(record);
      acknowledged++;
      latency.record(performance.now() - enqueuedAt);
    }
  };
  await Promise.all(records.flatMap((record) => Array.from({ length: window }, () => lane(record))));
  return { acknowledged, seconds: (performance.now() - started) / 1000, latency };
}
