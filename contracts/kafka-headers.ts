import type { TopicKind } from './kafka-topics.js';

export const HEADER_NAMES = {
  deviceId: 'device-id',
  contentType: 'content-type',
  schema: 'schema',
  gatewayId: 'gateway-id',
} as const;

export const JSON_CONTENT_TYPE = 'application/json';

/** The schema each topic's values follow, as `name/major`. */
export const SCHEMAS = {
  telemetry: 'telemetry/1',
  events: 'event/1',
  presence: 'presence/1',
  commands: 'command/1',
  commandStatus: 'command-status/1',
  alerts: 'alert/1',
  deadLetter: 'dead-letter/1',
  devices: 'device/1',
} as const satisfies Record<TopicKind, string>;

export interface HeaderInput {
  /** Absent only for dead letters from a client that never proved an id. */
  deviceId?: string;
  schema: string;
  gatewayId?: string;
}

export function buildHeaders({ deviceId, schema, gatewayId }: HeaderInput): Record<string, string> {
  const headers: Record<string, string> = {
    [HEADER_NAMES.contentType]: JSON_CONTENT_TYPE,
    [HEADER_NAMES.schema]: schema,
  };
  if (deviceId !== undefined) headers[HEADER_NAMES.deviceId] = deviceId;
  if (gatewayId !== undefined) headers[HEADER_NAMES.gatewayId] = gatewayId;
  return headers;
}

/** What a Kafka client hands back for one header: repeated headers arrive as an array. */
export type HeaderValue = string | Buffer | (string | Buffer)[] | undefined;

export interface SchemaRef {
  name: string;
  major: number;
}

// `name/major` or `name/major.minor`; a minor bump only adds optional fields.
const SCHEMA_HEADER_PATTERN = /^([a-z][a-z0-9-]{0,63})\/(0|[1-9]\d{0,5})(?:\.(?:0|[1-9]\d{0,5}))?$/;

function headerText(value: HeaderValue): string | undefined {
  // Like the Java client's lastHeader(): when a header repeats, the last one wins.
  const one = Array.isArray(value) ? value[value.length - 1] : value;
  if (one === undefined) return undefined;
  return typeof one === 'string' ? one : one.toString('utf8');
}

export function parseSchemaHeader(value: HeaderValue): SchemaRef | null {
  const text = headerText(value);
  if (text === undefined) return null;
  const match = SCHEMA_HEADER_PATTERN.exec(text);
  if (match === null) return null;
  return { name: match[1] ?? '', major: Number(match[2]) };
}

export type SchemaCheck = { ok: true } | { ok: false; reason: string };

/**
 * A consumer accepts a record whose schema header has the expected name and major
 * version. A record without the header is treated as the current version.
 */
export function checkSchemaCompatible(headerValue: HeaderValue, expected: string): SchemaCheck {
  const want = parseSchemaHeader(expected);
  if (want === null) throw new TypeError(`invalid expected schema: ${JSON.stringify(expected)}`);
  const text = headerText(headerValue);
  if (text === undefined) return { ok: true };
  const got = parseSchemaHeader(text);
  if (got === null)
    return { ok: false, reason: `unparsable schema header ${JSON.stringify(text.slice(0, 80))}` };
  if (got.name !== want.name) {
    return { ok: false, reason: `schema ${got.name}/${got.major} is not ${want.name}` };
  }
  if (got.major !== want.major) {
    return {
      ok: false,
      reason: `unsupported schema version ${got.name}/${got.major}, expected major ${want.major}`,
    };
  }
  return { ok: true };
}
