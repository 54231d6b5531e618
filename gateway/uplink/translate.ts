import {
  commandResultPayloadSchema,
  decodeJson,
  eventPayloadSchema,
  telemetryPayloadSchema,
  telemetryReadings,
  type CommandStatusRecord,
  type DeviceErrorCode,
  type EventRecord,
  type JsonLimits,
  type TelemetryRecord,
  type UplinkKind,
  type kafkaTopicNames,
} from '../../contracts/index.js';
import type { OutRecord } from '../../common/kafka/record-batcher.js';
import { encodeRecord } from '../../common/kafka/record-codec.js';
import type { UplinkHeaders } from './connection-uplink.js';

export interface UplinkContext {
  deviceId: string;
  gatewayId: string;
  topics: ReturnType<typeof kafkaTopicNames>;
  receivedAt: number;
  maxPayloadBytes: number;
  /** Checked before zod, so no payload can make validation or JSON.stringify recurse deeply. */
  jsonLimits: JsonLimits;
  /** The device's record headers, shared by its records; built per record when absent. */
  headers?: UplinkHeaders;
}

export type UplinkResult =
  | {
      ok: true;
      records: OutRecord[];
      /** For a command result: the status its record carries, so that nobody parses it back. */
      commandStatus?: CommandStatusRecord;
    }
  | { ok: false; code: DeviceErrorCode; reason: string };

/** Turns one device message into the Kafka records it stands for, or says why it cannot. Pure. */
export function translateUplink(kind: UplinkKind, payload: Buffer, ctx: UplinkContext): UplinkResult {
  if (payload.length > ctx.maxPayloadBytes) {
    return {
      ok: false,
      code: 'payload_too_large',
      reason: `payload is ${payload.length} bytes; the limit is ${ctx.maxPayloadBytes}`,
    };
  }
  switch (kind) {
    case 'telemetry': {
      const decoded = decodeJson(telemetryPayloadSchema, payload, ctx.jsonLimits);
      if (!decoded.ok) return decoded;
      const records = telemetryReadings(decoded.value).map((reading) => {
        // One shape for every reading; JSON.stringify leaves out a `seq` that is undefined.
        const value: TelemetryRecord = {
          deviceId: ctx.deviceId,
          ts: reading.ts ?? ctx.receivedAt,
          receivedAt: ctx.receivedAt,
          seq: reading.seq,
          metrics: reading.metrics,
        };
        return encodeRecord('telemetry', value, ctx, ctx.headers?.telemetry);
      });
      return { ok: true, records };
    }
    case 'events': {
      const decoded = decodeJson(eventPayloadSchema, payload, ctx.jsonLimits);
      if (!decoded.ok) return decoded;
      const event = decoded.value;
      const value: EventRecord = {
        deviceId: ctx.deviceId,
        ts: event.ts ?? ctx.receivedAt,
        receivedAt: ctx.receivedAt,
        type: event.type,
        severity: event.severity ?? 'info',
        ...(event.data === undefined ? {} : { data: event.data }),
      };
      return { ok: true, records: [encodeRecord('events', value, ctx, ctx.headers?.events)] };
    }
    case 'command-results': {
      const decoded = decodeJson(commandResultPayloadSchema, payload, ctx.jsonLimits);
      if (!decoded.ok) return decoded;
      const result = decoded.value;
      const value: CommandStatusRecord = {
        id: result.id,
        deviceId: ctx.deviceId,
        status: result.status,
        at: ctx.receivedAt,
        ...(result.detail === undefined ? {} : { detail: result.detail }),
        gatewayId: ctx.gatewayId,
      };
      const records = [encodeRecord('commandStatus', value, ctx, ctx.headers?.commandStatus)];
      return { ok: true, records, commandStatus: value };
    }
  }
}
