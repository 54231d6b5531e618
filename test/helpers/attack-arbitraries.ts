import fc from 'fast-check';
import {
  DEFAULT_JSON_LIMITS as JSON_LIMITS,
  MAX_METRICS_PER_READING,
  MAX_READINGS_PER_MESSAGE,
} from '../../contracts/index.js';
import { eventOfSize, nestedArrays, nestedObjects, notJson, wideObject } from './hostile-payloads.js';
import { publishPacketBytes } from './raw-mqtt.js';

/**
 * Structure-aware descriptions of what a hostile device sends, for property tests against a live
 * gateway. A description is small (so a counterexample prints readably); the bytes are built from
 * it only when the attack runs. Sizes and counts walk around the gateway's default limits: the
 * payload limit (GATEWAY_MAX_PAYLOAD_BYTES, 65536), the packet limit (GATEWAY_MAX_PACKET_BYTES,
 * 1 MiB), the JSON limits (GATEWAY_JSON_MAX_*, DEFAULT_JSON_LIMITS) and the contract's own
 * (metrics per reading, readings per message), plus sizes far beyond them.
 */

export const MAX_PAYLOAD_BYTES = 65_536;
export const MAX_PACKET_BYTES = 1024 * 1024;

/** Where a publish goes, relative to the attacker (`self`), a victim and a good device. */
export type TopicSpec =
  | { t: 'own'; leaf: 'telemetry' | 'events' | 'command-results' }
  | { t: 'own-other'; leaf: 'errors' | 'commands/reboot' | 'nope' | 'telemetry/extra' }
  | {
      t: 'victim';
      who: 'online' | 'offline' | 'good';
      leaf: 'commands/unlock' | 'errors' | 'telemetry' | 'events';
    }
  | { t: 'unicode'; text: string }
  // Protocol violations: a broker may close the connection [MQTT-4.7.3-1], [MQTT-4.7.3-2],
  // [MQTT-1.5.3-1], [MQTT-3.3.2-2]; `$SYS` and more than 8 levels are aedes's own protections.
  | { t: 'nul'; at: 'leaf' | 'device' }
  | { t: 'bad-utf8' }
  | { t: 'wildcard'; char: '#' | '+' }
  | { t: 'sys' }
  | { t: 'too-deep' }
  | { t: 'empty' }
  | { t: 'long'; bytes: number };

export type PayloadSpec =
  | { p: 'valid-telemetry'; batch: number }
  | { p: 'valid-event' }
  | {
      p: 'deep';
      container: 'array' | 'object';
      depth: number;
      at: 'event-data' | 'metric' | 'root' | 'result-data';
    }
  | { p: 'wide'; keys: number; at: 'metrics' | 'event-data' }
  | { p: 'readings'; count: number }
  | { p: 'long-array'; length: number }
  | {
      p: 'long-string';
      length: number;
      at: 'event-type' | 'event-data' | 'metric-name' | 'data-key' | 'detail';
    }
  | { p: 'sized'; size: SizeSpec; content: 'event' | 'not-json' }
  | { p: 'proto'; variant: (typeof PROTO_VARIANTS)[number] }
  | { p: 'weird'; variant: (typeof WEIRD_VARIANTS)[number] }
  | { p: 'json'; text: string; at: 'event-data' | 'root' }
  | { p: 'bytes'; hex: string }
  /** Shaped like a command, or like the gateway's error notice: what a forger sends another device. */
  | { p: 'forged-command' }
  | { p: 'forged-error' };

/** A payload size, absolute or relative to the packet limit (which depends on the topic's length). */
export type SizeSpec = { payload: number } | { packetDelta: number };

export type AttackSpec =
  | {
      op: 'publish';
      topic: TopicSpec;
      payload: PayloadSpec;
      qos: 0 | 1 | 2;
      retain: boolean;
      /** QoS 2 only: copies with DUP set sent before PUBREL; the message must still count once. */
      dup?: number;
    }
  /** A CONNECT carrying a Will, then a dropped connection, so that the broker publishes it. */
  | { op: 'will'; topic: TopicSpec; payload: PayloadSpec; qos: 0 | 1 | 2; retain: boolean }
  | { op: 'subscribe'; filters: (typeof FOREIGN_FILTERS)[number][]; qos: 0 | 1 | 2 };

export interface Parties {
  self: string;
  onlineVictim: string;
  offlineVictim: string;
  good: string;
}

const PROTO_VARIANTS = [
  'metric-proto',
  'metric-constructor',
  'metric-prototype',
  'metric-tostring',
  'metric-hasownproperty',
  'data-proto',
  'data-constructor-prototype',
  'data-nested-proto',
  'root-proto',
  'result-proto',
] as const;

const WEIRD_VARIANTS = [
  'bom',
  'raw-nul',
  'escaped-nul',
  'lone-surrogate',
  'invalid-utf8',
  'overlong-utf8',
  'infinity',
  'negative-zero',
  'huge-integer',
  'nan-literal',
  'trailing-garbage',
  'empty',
  'whitespace',
  'null',
  'empty-array',
  'empty-object',
  'string',
  'duplicate-keys',
  'ts-overflow',
  'ts-negative',
  'seq-float',
] as const;

/** Filters no device may hold (SUBACK 0x80 expected): other devices', wildcards, $SYS. */
export const FOREIGN_FILTERS = [
  '#',
  '+/#',
  'devices/#',
  'devices/+/commands/#',
  'devices/+/errors',
  '$SYS/#',
  '{onlineVictim}/commands/#',
  '{offlineVictim}/errors',
  '{good}/commands/+',
  '{self}/telemetry',
  '{self}/commands/#/x',
] as const;

const PROTOCOL_VIOLATIONS: ReadonlySet<TopicSpec['t']> = new Set([
  'nul',
  'bad-utf8',
  'wildcard',
  'sys',
  'too-deep',
  'empty',
]);

// --- arbitraries ---------------------------------------------------------------------------------

const around = (...limits: number[]): fc.Arbitrary<number> =>
  fc.constantFrom(...limits.flatMap((n) => [n - 1, n, n + 1]));

const topicArb: fc.Arbitrary<TopicSpec> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constant('own'),
      leaf: fc.constantFrom('telemetry', 'events', 'command-results'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('own-other'),
      leaf: fc.constantFrom('errors', 'commands/reboot', 'nope', 'telemetry/extra'),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('victim'),
      who: fc.constantFrom('online', 'offline', 'good'),
      leaf: fc.constantFrom('commands/unlock', 'errors', 'telemetry', 'events'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('unicode'),
      // Wildcards, NUL and extra levels are protocol violations, generated on their own below.
      text: fc
        .string({ unit: 'grapheme', minLength: 1, maxLength: 12 })
        .filter(
          (s) => !s.includes('#') && !s.includes('+') && !s.includes('\u0000') && s.split('/').length <= 3,
        ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('nul'), at: fc.constantFrom('leaf', 'device') }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<TopicSpec>({ t: 'bad-utf8' }, { t: 'sys' }, { t: 'too-deep' }, { t: 'empty' }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('wildcard'), char: fc.constantFrom('#', '+') }) },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('long'), bytes: fc.constantFrom(1024, 32_767, 65_000) }),
  },
);

const keyTextArb = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    '',
    '\u0000',
    '\ud800',
  ),
);

/** JSON text with unicode, prototype keys and awkward numbers, built as text so `__proto__` stays a key. */
const jsonTextArb: fc.Arbitrary<string> = fc.letrec<{
  value: string;
  leaf: string;
  arr: string;
  obj: string;
}>((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, tie('leaf'), tie('arr'), tie('obj')),
  leaf: fc.oneof(
    fc.double().map((d) => JSON.stringify(d)),
    fc.string({ unit: 'grapheme', maxLength: 16 }).map((s) => JSON.stringify(s)),
    fc.constantFrom('true', 'false', 'null', '1e309', '-0', '1e-400', '123456789012345678901234567890'),
  ),
  arr: fc.array(tie('value'), { maxLength: 5 }).map((items) => `[${items.join(',')}]`),
  obj: fc
    .array(fc.tuple(keyTextArb, tie('value')), { maxLength: 5 })
    .map((members) => `{${members.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
})).value;

const sizeArb: fc.Arbitrary<SizeSpec> = fc.oneof(
  around(MAX_PAYLOAD_BYTES).map((payload) => ({ payload })),
  fc.constantFrom(-1, 0, 1).map((packetDelta) => ({ packetDelta })),
  fc.integer({ min: 0, max: MAX_PACKET_BYTES - 1024 }).map((payload) => ({ payload })),
);

const payloadArb: fc.Arbitrary<PayloadSpec> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ p: fc.constant('valid-telemetry'), batch: fc.integer({ min: 0, max: 5 }) }),
  },
  { weight: 2, arbitrary: fc.constant({ p: 'valid-event' }) },
  {
    weight: 4,
    arbitrary: fc.record({
      p: fc.constant('deep'),
      container: fc.constantFrom('array', 'object'),
      depth: fc.oneof(
        around(JSON_LIMITS.maxDepth, 256),
        fc.constantFrom(1000, 10_000, 20_000, 32_000),
        fc.integer({ min: 1, max: 40_000 }),
      ),
      at: fc.constantFrom('event-data', 'metric', 'root', 'result-data'),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      p: fc.constant('wide'),
      keys: fc.oneof(
        around(MAX_METRICS_PER_READING, JSON_LIMITS.maxNodes),
        fc.integer({ min: 1, max: 60_000 }),
      ),
      at: fc.constantFrom('metrics', 'event-data'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ p: fc.constant('readings'), count: around(MAX_READINGS_PER_MESSAGE) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      p: fc.constant('long-array'),
      length: fc.oneof(around(JSON_LIMITS.maxArrayLength), fc.constant(30_000)),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      p: fc.constant('long-string'),
      length: fc.oneof(
        around(64, JSON_LIMITS.maxKeyLength, 1024, JSON_LIMITS.maxStringLength),
        fc.constant(60_000),
        fc.constant(600_000),
      ),
      at: fc.constantFrom('event-type', 'event-data', 'metric-name', 'data-key', 'detail'),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      p: fc.constant('sized'),
      size: sizeArb,
      content: fc.constantFrom('event', 'not-json'),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ p: fc.constant('proto'), variant: fc.constantFrom(...PROTO_VARIANTS) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ p: fc.constant('weird'), variant: fc.constantFrom(...WEIRD_VARIANTS) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      p: fc.constant('json'),
      text: jsonTextArb,
      at: fc.constantFrom('event-data', 'root'),
    }),
  },
  { weight: 2, arbitrary: fc.constantFrom<PayloadSpec>({ p: 'forged-command' }, { p: 'forged-error' }) },
  {
    weight: 1,
    arbitrary: fc
      .uint8Array({ maxLength: 256 })
      .map((b) => ({ p: 'bytes' as const, hex: Buffer.from(b).toString('hex') })),
  },
);

export const attackArb: fc.Arbitrary<AttackSpec> = fc.oneof(
  {
    weight: 9,
    arbitrary: fc.record(
      {
        op: fc.constant('publish' as const),
        topic: topicArb,
        payload: payloadArb,
        qos: fc.constantFrom<0 | 1 | 2>(0, 1, 1, 2),
        retain: fc.boolean(),
        dup: fc.integer({ min: 1, max: 3 }),
      },
      { requiredKeys: ['op', 'topic', 'payload', 'qos', 'retain'] },
    ),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('will' as const),
      topic: topicArb,
      payload: payloadArb,
      qos: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
      retain: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('subscribe' as const),
      filters: fc.uniqueArray(fc.constantFrom(...FOREIGN_FILTERS), { minLength: 1, maxLength: 4 }),
      qos: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
    }),
  },
);

// --- building the bytes --------------------------------------------------------------------------

export function buildTopic(spec: TopicSpec, parties: Parties): Buffer {
  const { self } = parties;
  switch (spec.t) {
    case 'own':
    case 'own-other':
      return Buffer.from(`devices/${self}/${spec.leaf}`);
    case 'victim': {
      const who = { online: parties.onlineVictim, offline: parties.offlineVictim, good: parties.good }[
        spec.who
      ];
      return Buffer.from(`devices/${who}/${spec.leaf}`);
    }
    case 'unicode':
      return Buffer.from(`devices/${self}/${spec.text}`);
    case 'nul':
      return Buffer.from(
        spec.at === 'leaf' ? `devices/${self}/telemetry\u0000` : `devices/${self}\u0000x/telemetry`,
      );
    case 'bad-utf8':
      return Buffer.concat([
        Buffer.from(`devices/${self}/tele`),
        Buffer.from([0xc3, 0x28, 0xff]),
        Buffer.from('metry'),
      ]);
    case 'wildcard':
      return Buffer.from(`devices/${self}/${spec.char}`);
    case 'sys':
      return Buffer.from('$SYS/broker/forged');
    case 'too-deep':
      return Buffer.from(`devices/${self}/telemetry/a/b/c/d/e/f`);
    case 'empty':
      return Buffer.alloc(0);
    case 'long':
      return Buffer.from(`devices/${self}/${'x'.repeat(spec.bytes)}`);
  }
}

export function buildFilter(filter: (typeof FOREIGN_FILTERS)[number], parties: Parties): string {
  return filter
    .replace('{onlineVictim}', `devices/${parties.onlineVictim}`)
    .replace('{offlineVictim}', `devices/${parties.offlineVictim}`)
    .replace('{good}', `devices/${parties.good}`)
    .replace('{self}', `devices/${parties.self}`);
}

const reading = (seq: number): string =>
  `{"seq":${seq},"metrics":{"temperature":${20 + (seq % 10)},"rpm":1500}}`;

function inEventData(inner: string): string {
  return `{"type":"attack","severity":"warning","data":{"x":${inner}}}`;
}

export function buildPayload(spec: PayloadSpec, topicBytes: number, qos: 0 | 1 | 2): Buffer {
  switch (spec.p) {
    case 'valid-telemetry':
      return Buffer.from(
        spec.batch === 0
          ? reading(1)
          : `[${Array.from({ length: spec.batch }, (_, i) => reading(i)).join(',')}]`,
      );
    case 'valid-event':
      return Buffer.from('{"type":"door-open","severity":"info","data":{"door":"front","open":true}}');
    case 'deep': {
      const inner = spec.container === 'array' ? nestedArrays(spec.depth) : nestedObjects(spec.depth);
      const text = {
        'event-data': () => inEventData(inner),
        metric: () => `{"metrics":{"t":${inner}}}`,
        root: () => inner,
        'result-data': () => `{"id":"c-1","status":"succeeded","data":{"x":${inner}}}`,
      }[spec.at]();
      return Buffer.from(text);
    }
    case 'wide':
      return Buffer.from(
        spec.at === 'metrics'
          ? `{"metrics":${wideObject(spec.keys, '1', 'm')}}`
          : `{"type":"wide","data":${wideObject(spec.keys)}}`,
      );
    case 'readings':
      return Buffer.from(`[${Array.from({ length: spec.count }, (_, i) => reading(i)).join(',')}]`);
    case 'long-array':
      return Buffer.from(inEventData(`[${Array.from({ length: spec.length }, () => '0').join(',')}]`));
    case 'long-string': {
      const s = 'é'.repeat(spec.length);
      const text = {
        'event-type': () => `{"type":"${s}"}`,
        'event-data': () => `{"type":"long","data":{"s":"${s}"}}`,
        'metric-name': () => `{"metrics":{"${'m'.repeat(spec.length)}":1}}`,
        'data-key': () => `{"type":"long","data":{"${s}":1}}`,
        detail: () => `{"id":"c-1","status":"failed","detail":"${s}"}`,
      }[spec.at]();
      return Buffer.from(text);
    }
    case 'sized': {
      const bytes =
        'payload' in spec.size
          ? spec.size.payload
          : MAX_PACKET_BYTES -
            (publishPacketBytes(topicBytes, 100_000, qos) - 100_000) +
            spec.size.packetDelta;
      return spec.content === 'event' && bytes >= 40 ? eventOfSize(bytes) : notJson(bytes);
    }
    case 'proto':
      return Buffer.from(PROTO_PAYLOADS[spec.variant]);
    case 'weird':
      return weirdPayload(spec.variant);
    case 'json':
      return Buffer.from(spec.at === 'root' ? spec.text : inEventData(spec.text));
    case 'bytes':
      return Buffer.from(spec.hex, 'hex');
    case 'forged-command':
      return Buffer.from(
        JSON.stringify({ id: 'evil', params: { unlock: true }, expiresAt: 8_000_000_000_000 }),
      );
    case 'forged-error':
      return Buffer.from(JSON.stringify({ code: 'invalid_json', message: 'forged notice', topic: 'x' }));
  }
}

const PROTO_PAYLOADS: Record<(typeof PROTO_VARIANTS)[number], string> = {
  'metric-proto': '{"metrics":{"__proto__":1}}',
  'metric-constructor': '{"metrics":{"constructor":1,"t":2}}',
  'metric-prototype': '{"metrics":{"prototype":1}}',
  'metric-tostring': '{"metrics":{"toString":1,"valueOf":2}}',
  'metric-hasownproperty': '{"metrics":{"hasOwnProperty":1,"__defineGetter__":2}}',
  'data-proto': '{"type":"p","data":{"__proto__":{"polluted":true,"isAdmin":true}}}',
  'data-constructor-prototype': '{"type":"p","data":{"constructor":{"prototype":{"polluted":true}}}}',
  'data-nested-proto': '{"type":"p","data":{"a":{"b":{"__proto__":{"polluted":true}}}}}',
  'root-proto': '{"__proto__":{"type":"forged","polluted":true},"metrics":{"t":1}}',
  'result-proto': '{"id":"c-1","status":"succeeded","__proto__":{"status":"failed"},"data":{"__proto__":{}}}',
};

function weirdPayload(variant: (typeof WEIRD_VARIANTS)[number]): Buffer {
  const t = (s: string): Buffer => Buffer.from(s);
  switch (variant) {
    case 'bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), t('{"metrics":{"t":1}}')]);
    case 'raw-nul':
      return t('{"metrics":{"t":1}}\u0000');
    case 'escaped-nul':
      return t('{"type":"n\\u0000ul","data":{"\\u0000":"\\u0000"}}');
    case 'lone-surrogate':
      return t('{"type":"\\ud800","data":{"\\udfff":"\\ud83d"}}');
    case 'invalid-utf8':
      return Buffer.concat([t('{"type":"'), Buffer.from([0xc3, 0x28, 0xa0, 0xa1]), t('"}')]);
    case 'overlong-utf8':
      return Buffer.concat([t('{"type":"'), Buffer.from([0xc0, 0xaf, 0xe0, 0x80, 0xaf]), t('"}')]);
    case 'infinity':
      return t('{"metrics":{"t":1e309,"u":-1e309}}');
    case 'negative-zero':
      return t('{"metrics":{"t":-0}}');
    case 'huge-integer':
      return t('{"seq":123456789012345678901234567890,"metrics":{"t":1}}');
    case 'nan-literal':
      return t('{"metrics":{"t":NaN}}');
    case 'trailing-garbage':
      return t('{"metrics":{"t":1}} trailing');
    case 'empty':
      return Buffer.alloc(0);
    case 'whitespace':
      return t(' \n\t ');
    case 'null':
      return t('null');
    case 'empty-array':
      return t('[]');
    case 'empty-object':
      return t('{}');
    case 'string':
      return t('"just a string"');
    case 'duplicate-keys':
      return t('{"metrics":{"t":1},"metrics":{"t":"x"},"type":"a","type":"b"}');
    case 'ts-overflow':
      return t('{"ts":8640000000000001,"metrics":{"t":1}}');
    case 'ts-negative':
      return t('{"ts":-1,"type":"x"}');
    case 'seq-float':
      return t('{"seq":1.5,"metrics":{"t":1}}');
  }
}

/**
 * What the gateway must do with a publish, by the device API (docs/gateway.md): a well-formed
 * message under every limit on the device's own topic becomes a record; the connection may be
 * closed only for a protocol violation or a packet over GATEWAY_MAX_PACKET_BYTES; anything else
 * is acknowledged (QoS 1 and 2) and dead-lettered with a reason, or kept as a valid record.
 */
export function expectation(
  spec: AttackSpec & { op: 'publish' | 'will' },
  packetBytes: number,
): { mustAccept: boolean; mayClose: boolean } {
  const { topic, payload } = spec;
  // QoS 0 is acknowledged by nobody, so only QoS 1 and 2 can show that a message was accepted.
  const mustAccept =
    spec.qos > 0 &&
    topic.t === 'own' &&
    ((payload.p === 'valid-telemetry' && topic.leaf === 'telemetry') ||
      (payload.p === 'valid-event' && topic.leaf === 'events'));
  return { mustAccept, mayClose: PROTOCOL_VIOLATIONS.has(spec.topic.t) || packetBytes > MAX_PACKET_BYTES };
}
