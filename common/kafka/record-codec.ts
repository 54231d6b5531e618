import type { z } from 'zod';
import {
  HEADER_NAMES,
  SCHEMAS,
  alertRecordSchema,
  buildHeaders,
  checkSchemaCompatible,
  commandRecordSchema,
  commandStatusRecordSchema,
  deadLetterRecordSchema,
  decodeJson,
  deviceRegistryRecordSchema,
  eventRecordSchema,
  presenceRecordSchema,
  telemetryRecordSchema,
  type HeaderValue,
  type TopicKind,
} from '../../contracts/index.js';
import type { Failure, Success } from '../result.js';
import type { SkipReason } from './consumer-monitor.js';
import type { OutboundRecord, RecordContent } from './port.js';
import type { OutRecord } from './record-batcher.js';

const RECORD_SCHEMAS = {
  telemetry: telemetryRecordSchema,
  events: eventRecordSchema,
  presence: presenceRecordSchema,
  commands: commandRecordSchema,
  commandStatus: commandStatusRecordSchema,
  alerts: alertRecordSchema,
  deadLetter: deadLetterRecordSchema,
  devices: deviceRegistryRecordSchema,
} as const satisfies Record<TopicKind, z.ZodType<{ deviceId?: string }>>;

/** The value of a record of topic kind `K`, as the contract defines it. */
export type RecordOf<K extends TopicKind> = z.infer<(typeof RECORD_SCHEMAS)[K]>;

/** A registry tombstone deletes the device; elsewhere a record without a value is refused. */
type TombstoneKind = 'devices';
export type DecodedValue<K extends TopicKind> = K extends TombstoneKind ? RecordOf<K> | null : RecordOf<K>;

export type DecodedRecord<K extends TopicKind> =
  | (Success<DecodedValue<K>> & { key: string | undefined })
  /** `deviceId` is who the record claims to be from (header or key), for a dead letter. */
  | Failure<SkipReason, { deviceId?: string }>;

function headerText(value: HeaderValue): string | undefined {
  const one = Array.isArray(value) ? value[value.length - 1] : value;
  return one === undefined ? undefined : one.toString();
}

/**
 * A record read from Kafka as the contract's value for its topic kind, or why it is not one:
 * the schema header's name and major version, a value (or, on the registry, a tombstone with a
 * key), bounded JSON and zod, and the key naming the same device as the value. Never throws: a
 * record from a newer producer or a hostile one is counted, not fatal.
 */
export function decodeRecord<K extends TopicKind>(kind: K, message: RecordContent): DecodedRecord<K> {
  const key = message.key?.toString();
  const claimed = headerText(message.headers?.[HEADER_NAMES.deviceId]) ?? key;
  const refuse = (code: SkipReason, reason: string): DecodedRecord<K> =>
    claimed === undefined ? { ok: false, code, reason } : { ok: false, code, reason, deviceId: claimed };

  const tombstones = kind === 'devices';
  if (tombstones && !key) return refuse('no_key', 'record has no key');
  const schema = checkSchemaCompatible(message.headers?.[HEADER_NAMES.schema], SCHEMAS[kind]);
  if (!schema.ok) return refuse('schema_mismatch', schema.reason);
  if (message.value === null) {
    if (tombstones) return { ok: true, value: null as DecodedValue<K>, key };
    return refuse('no_value', 'record has no value');
  }
  const decoded = decodeJson<{ deviceId?: string }>(RECORD_SCHEMAS[kind], message.value);
  if (!decoded.ok) return refuse(decoded.code, `${decoded.code}: ${decoded.reason}`);
  // A dead letter's key may be a client id that never proved a device id.
  if (kind !== 'deadLetter' && key !== undefined && key !== decoded.value.deviceId)
    return refuse('key_mismatch', `record key ${JSON.stringify(key.slice(0, 64))} is not its deviceId`);
  return { ok: true, value: decoded.value as DecodedValue<K>, key };
}

export interface RecordContext<K extends TopicKind = TopicKind> {
  /** Where records of each kind go: `kafkaTopicNames(prefix)`, or just the kinds written. */
  topics: Readonly<Pick<Record<TopicKind, string>, K>>;
  /** Set by gateways: the record's gateway-id header. */
  gatewayId?: string;
}

// Every record is keyed by its device, so one device's records stay in order on one partition.
function keyOf(value: { deviceId?: string; clientId?: string; source?: string }): string {
  return value.deviceId ?? value.clientId ?? value.source ?? '';
}

/** The contract's headers of a record of `kind` about `deviceId`. */
export function recordHeaders(
  kind: TopicKind,
  deviceId: string | undefined,
  context: { gatewayId?: string },
): Record<string, string> {
  return buildHeaders({ deviceId, schema: SCHEMAS[kind], gatewayId: context.gatewayId });
}

/**
 * The Kafka record for `value`: its kind's topic, the device as key, JSON, and the contract's
 * headers; `headers`, when given, must be `recordHeaders` of the same kind, device and gateway.
 */
export function encodeRecord<K extends TopicKind>(
  kind: K,
  value: RecordOf<K>,
  context: RecordContext<K>,
  headers?: Readonly<Record<string, string>>,
): OutRecord {
  const v = value as { deviceId?: string; clientId?: string; source?: string };
  return {
    topic: context.topics[kind],
    key: keyOf(v),
    value: Buffer.from(JSON.stringify(value)),
    headers: headers ?? recordHeaders(kind, v.deviceId, context),
  };
}

/** A tombstone: on the compacted registry, it deletes the device. */
export function encodeTombstone(
  kind: TombstoneKind,
  deviceId: string,
  context: RecordContext<TombstoneKind>,
): OutboundRecord {
  return {
    topic: context.topics[kind],
    key: deviceId,
    value: null,
    headers: recordHeaders(kind, deviceId, context),
  };
}
