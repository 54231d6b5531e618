import { z } from 'zod';
import { gatewayIdSchema } from '../contracts/gateway-id.js';
import { DEFAULT_JSON_LIMITS } from '../contracts/json-limits.js';
import { topicPrefixSchema } from '../contracts/kafka-topics.js';
import { fromSchema, hostPortList, influxUrl, integer, oneOf, port, text } from './kinds.js';
import { setting, settingRegistry, type SettingMeta } from './setting.js';

const MIB = 1024 * 1024;
const MS = 'milliseconds';

function section<S extends z.core.$ZodLooseShape>(shape: S) {
  return z.strictObject(shape).prefault({} as z.input<z.ZodObject<S>>);
}

const kafka = section({
  brokers: setting(hostPortList(), {
    env: 'KAFKA_BROKERS',
    default: ['127.0.0.1:9092'],
    description: 'Kafka bootstrap brokers',
  }),
  topicPrefix: setting(
    fromSchema(topicPrefixSchema, 'letters, digits, ".", "_", "-", starting alphanumeric'),
    {
      env: 'KAFKA_TOPIC_PREFIX',
      default: 'iot',
      description: 'prefix of every Kafka topic name, as in {prefix}.telemetry',
    },
  ),
  clientId: setting(text(/^[A-Za-z0-9._:-]{1,128}$/, 'letters, digits, ".", "_", ":", "-" (1-128)'), {
    env: 'KAFKA_CLIENT_ID',
    optional: true,
    description:
      'Kafka client id; when unset each process derives one from its role, as in gateway-{GATEWAY_ID}',
  }),
  client: setting(oneOf(['platformatic', 'kafkajs']), {
    env: 'KAFKA_CLIENT',
    default: 'platformatic',
    description:
      'Kafka client library: @platformatic/kafka, or kafkajs as the fallback (docs/kafka-client.md)',
  }),
  partitions: setting(integer(1, 1000), {
    env: 'KAFKA_PARTITIONS',
    default: 6,
    description: 'partitions of each topic the topic bootstrap creates',
  }),
  replicationFactor: setting(integer(1, 16), {
    env: 'KAFKA_REPLICATION_FACTOR',
    default: 1,
    description: 'replication factor of each topic the topic bootstrap creates',
  }),
  connectionTimeoutMs: setting(integer(100, 600_000, MS), {
    env: 'KAFKA_CONNECTION_TIMEOUT_MS',
    default: 3000,
    description: 'time allowed to open a connection to a broker',
  }),
  requestTimeoutMs: setting(integer(100, 600_000, MS), {
    env: 'KAFKA_REQUEST_TIMEOUT_MS',
    default: 30_000,
    description: 'time allowed for one Kafka request',
  }),
});

const mqtt = section({
  host: setting(text(/^[A-Za-z0-9._:%-]{1,253}$/, 'a bind address such as 0.0.0.0 or 127.0.0.1'), {
    env: 'MQTT_HOST',
    default: '0.0.0.0',
    description: 'address the MQTT listeners bind to',
  }),
  port: setting(port(), { env: 'MQTT_PORT', default: 1883, description: 'MQTT over TCP port' }),
  wsPort: setting(port(), { env: 'MQTT_WS_PORT', default: 8083, description: 'MQTT over WebSocket port' }),
  plainListeners: setting(oneOf(['on', 'off']), {
    env: 'MQTT_PLAIN_LISTENERS',
    default: 'on',
    description: 'whether the unencrypted MQTT_PORT and MQTT_WS_PORT listeners run; "off" leaves only TLS',
  }),
  tlsPort: setting(port(), {
    env: 'MQTT_TLS_PORT',
    default: 8883,
    description: 'MQTT over TLS port, used when a certificate is configured',
  }),
  wssPort: setting(port(), {
    env: 'MQTT_WSS_PORT',
    default: 8884,
    description: 'MQTT over secure WebSocket port, used when a certificate is configured',
  }),
  tlsCertFile: setting(text(/^.{1,4096}$/, 'a path to a PEM certificate (chain)'), {
    env: 'MQTT_TLS_CERT_FILE',
    optional: true,
    description: 'PEM certificate chain for the TLS listeners; with MQTT_TLS_KEY_FILE it turns them on',
  }),
  tlsKeyFile: setting(text(/^.{1,4096}$/, 'a path to a PEM private key'), {
    env: 'MQTT_TLS_KEY_FILE',
    optional: true,
    secret: true,
    description: 'PEM private key for the TLS listeners',
  }),
});

const gateway = section({
  id: setting(
    fromSchema(gatewayIdSchema, 'letters, digits, ".", "_", ":", "-" (1-128), starting alphanumeric'),
    {
      env: 'GATEWAY_ID',
      optional: true,
      description: 'this gateway in presence and command-status records; when unset, {hostname}-{MQTT_PORT}',
    },
  ),
  workers: setting(integer(1, 256), {
    env: 'GATEWAY_WORKERS',
    default: 1,
    description:
      'gateway processes on this host sharing the MQTT ports; above 1 a primary process forks them and ' +
      'splits the connection limits between them (docs/gateway.md, Workers)',
  }),
  httpPort: setting(port(), {
    env: 'GATEWAY_HTTP_PORT',
    default: 9464,
    description: 'HTTP port of the gateway health and metrics endpoints',
  }),
  // A dead letter carries the payload in base64 (+33%) and must fit Kafka's default 1 MB record limit.
  maxPayloadBytes: setting(integer(1, 512 * 1024, 'bytes'), {
    env: 'GATEWAY_MAX_PAYLOAD_BYTES',
    default: 65_536,
    description: 'largest MQTT payload a device may publish',
  }),
  // In base64 (+33%) it must fit the dead-letter topic's max.message.bytes; it is cut further if not.
  deadLetterMaxPayloadBytes: setting(integer(0, 16 * MIB, 'bytes'), {
    env: 'GATEWAY_DEAD_LETTER_MAX_PAYLOAD_BYTES',
    default: 64 * 1024,
    description:
      'payload bytes a dead letter keeps of a refused message; it always records the whole size and SHA-256',
  }),
  // At least 3: a batch of telemetry is an array of readings, each holding a metrics object.
  jsonMaxDepth: setting(integer(3, 256), {
    env: 'GATEWAY_JSON_MAX_DEPTH',
    default: DEFAULT_JSON_LIMITS.maxDepth,
    description: 'deepest nesting of objects and arrays in a device payload, checked before it is parsed',
  }),
  jsonMaxNodes: setting(integer(1, 1_000_000), {
    env: 'GATEWAY_JSON_MAX_NODES',
    default: DEFAULT_JSON_LIMITS.maxNodes,
    description: 'most JSON values (objects, arrays, scalars) in one device payload',
  }),
  jsonMaxArrayLength: setting(integer(1, 1_000_000), {
    env: 'GATEWAY_JSON_MAX_ARRAY_LENGTH',
    default: DEFAULT_JSON_LIMITS.maxArrayLength,
    description: 'most items in one JSON array of a device payload',
  }),
  jsonMaxStringLength: setting(integer(1, 16 * MIB, 'characters'), {
    env: 'GATEWAY_JSON_MAX_STRING_LENGTH',
    default: DEFAULT_JSON_LIMITS.maxStringLength,
    description: 'longest JSON string value in a device payload',
  }),
  jsonMaxKeyLength: setting(integer(1, 65_536, 'characters'), {
    env: 'GATEWAY_JSON_MAX_KEY_LENGTH',
    default: DEFAULT_JSON_LIMITS.maxKeyLength,
    description: 'longest JSON object key in a device payload',
  }),
  lingerMs: setting(integer(0, 1000, MS), {
    env: 'GATEWAY_LINGER_MS',
    default: 5,
    description: 'how long the uplink waits to fill a Kafka batch',
  }),
  maxBatchRecords: setting(integer(1, 100_000), {
    env: 'GATEWAY_MAX_BATCH_RECORDS',
    default: 500,
    description: 'most records in one Kafka produce request',
  }),
  qos0BufferBytes: setting(integer(1024, 1024 * MIB, 'bytes'), {
    env: 'GATEWAY_QOS0_BUFFER_BYTES',
    default: 8 * MIB,
    description: 'QoS 0 messages held while Kafka is slow; beyond it they are shed and counted',
  }),
  maxInflightBytes: setting(integer(MIB, 4096 * MIB, 'bytes'), {
    env: 'GATEWAY_MAX_INFLIGHT_BYTES',
    default: 64 * MIB,
    description: 'payload bytes awaiting Kafka acknowledgement before the gateway stops reading from devices',
  }),
  connectTimeoutMs: setting(integer(100, 600_000, MS), {
    env: 'GATEWAY_CONNECT_TIMEOUT_MS',
    default: 10_000,
    description: 'time a new connection has to send MQTT CONNECT; it is closed otherwise',
  }),
  handshakeTimeoutMs: setting(integer(100, 600_000, MS), {
    env: 'GATEWAY_HANDSHAKE_TIMEOUT_MS',
    default: 10_000,
    description: 'time a TLS handshake, or the HTTP request that opens MQTT over WebSocket, may take',
  }),
  maxPendingConnections: setting(integer(1, 10_000_000), {
    env: 'GATEWAY_MAX_PENDING_CONNECTIONS',
    default: 2000,
    description:
      'connections from all addresses that have not yet completed CONNECT; more are closed at accept, so a reconnect storm is served as fast as the gateway authenticates rather than timing out',
  }),
  maxPendingConnectionsPerAddress: setting(integer(1, 10_000_000), {
    env: 'GATEWAY_MAX_PENDING_CONNECTIONS_PER_ADDRESS',
    default: 1000,
    description:
      'connections from one address that have not yet completed CONNECT; raise it for large fleets behind one NAT',
  }),
  maxOpenCommandsPerDevice: setting(integer(1, 1_000_000), {
    env: 'GATEWAY_MAX_OPEN_COMMANDS_PER_DEVICE',
    default: 1000,
    description: 'commands not yet finished a gateway keeps for one device; more are ignored and counted',
  }),
  drainTimeoutMs: setting(integer(100, 600_000, MS), {
    env: 'GATEWAY_DRAIN_TIMEOUT_MS',
    default: 30_000,
    description: 'time a slow device socket has to drain before it is disconnected',
  }),
  shutdownTimeoutMs: setting(integer(100, 600_000, MS), {
    env: 'GATEWAY_SHUTDOWN_TIMEOUT_MS',
    default: 10_000,
    description: 'time graceful shutdown has to drain and flush before the process exits anyway',
  }),
  maxConnections: setting(integer(1, 10_000_000), {
    env: 'GATEWAY_MAX_CONNECTIONS',
    default: 50_000,
    description: 'device connections one gateway accepts (with GATEWAY_WORKERS, all its workers together)',
  }),
  maxPacketBytes: setting(integer(1024, 16 * MIB, 'bytes'), {
    env: 'GATEWAY_MAX_PACKET_BYTES',
    default: MIB,
    description: 'largest MQTT packet accepted; a larger one closes the connection before it is buffered',
  }),
  connectsPerIpPerSecond: setting(integer(1, 1_000_000), {
    env: 'GATEWAY_CONNECTS_PER_IP_PER_SECOND',
    default: 2000,
    description:
      'connection attempts accepted per second from one address (a burst of twice this is allowed)',
  }),
  connectsPerClientPerMinute: setting(integer(1, 100_000), {
    env: 'GATEWAY_CONNECTS_PER_CLIENT_PER_MINUTE',
    default: 30,
    description:
      'successful logins per minute for one client id (a burst of this many); more get CONNACK 3. ' +
      'Failed attempts spend nothing, so only the holder of the secret can use it up',
  }),
  failedLoginsPerClientPerMinute: setting(integer(1, 100_000), {
    env: 'GATEWAY_FAILED_LOGINS_PER_CLIENT_PER_MINUTE',
    default: 5,
    description:
      'wrong secrets per minute for one client id checked against a legacy scrypt hash; beyond, ' +
      'its logins that would need scrypt get CONNACK 3. No effect on sha256 hashes: failures never lock an id out',
  }),
});

const hub = section({
  // Loopback by default: the operator API can command devices.
  host: setting(text(/^[A-Za-z0-9._:%-]{1,253}$/, 'a bind address such as 127.0.0.1 or 0.0.0.0'), {
    env: 'HUB_HOST',
    default: '127.0.0.1',
    description: 'address the hub HTTP server binds to',
  }),
  port: setting(port(), { env: 'HUB_PORT', default: 8080, description: 'hub HTTP and WebSocket port' }),
  // It travels in an Authorization header, so it must be visible ASCII without spaces.
  operatorToken: setting(text(/^[\x21-\x7E]{1,4096}$/, 'visible ASCII without spaces (1-4096)'), {
    env: 'HUB_OPERATOR_TOKEN',
    optional: true,
    secret: true,
    description: 'bearer token operators present to the hub',
  }),
});

const commands = section({
  defaultTtlMs: setting(integer(1000, 7 * 24 * 3600 * 1000, MS), {
    env: 'COMMAND_DEFAULT_TTL_MS',
    default: 60_000,
    description: 'how long a command may wait for its device when the request names no ttlMs',
  }),
  maxTtlMs: setting(integer(1000, 7 * 24 * 3600 * 1000, MS), {
    env: 'COMMAND_MAX_TTL_MS',
    default: 24 * 3600 * 1000,
    description: 'longest ttlMs a command may have; gateways re-read this much command history at start',
  }),
});

const influx = section({
  url: setting(influxUrl(), {
    env: 'INFLUX_URL',
    default: 'http://127.0.0.1:8086/iot',
    secret: true,
    description: 'InfluxDB 1.x URL; the path is the database, credentials may be in the URL',
  }),
});

const HOURS = 'hours';
const PCT = 'percent';

type MachineSettingKey =
  | 'BaselineHours'
  | 'TemperatureBaselineHours'
  | 'TrendWindowHours'
  | 'WarningHealthPct'
  | 'CriticalHealthPct'
  | 'ClearHealthPct'
  | 'CriticalRulHours'
  | 'VibrationFailurePct'
  | 'TemperatureFailureRiseC';

type MachineShape<T extends string> = {
  [K in `${T}${MachineSettingKey}`]: z.ZodDefault<z.ZodInt>;
};

/** Settings of one machine type's health model, as `pumpBaselineHours` / MAINTENANCE_PUMP_BASELINE_HOURS. */
function machineSettings<T extends 'pump' | 'motor'>(
  type: T,
  label: string,
  defaults: MachineDefaults,
): MachineShape<T> {
  const env = (name: string): string => `MAINTENANCE_${type.toUpperCase()}_${name}`;
  const shape = {
    [`${type}BaselineHours`]: setting(integer(1, 720, HOURS), {
      env: env('BASELINE_HOURS'),
      default: 6,
      description: `device time a new ${label} is watched to learn its baseline before it can raise an alert`,
    }),
    [`${type}TemperatureBaselineHours`]: setting(integer(1, 720, HOURS), {
      env: env('TEMPERATURE_BASELINE_HOURS'),
      default: 18,
      description: `device time a new ${label}'s temperature is learnt (it follows the time of day) before it counts`,
    }),
    [`${type}TrendWindowHours`]: setting(integer(2, 720, HOURS), {
      env: env('TREND_WINDOW_HOURS'),
      default: 36,
      description: `device time over which a ${label}'s health trend is fitted to estimate remaining useful life`,
    }),
    [`${type}WarningHealthPct`]: setting(integer(1, 99, PCT), {
      env: env('WARNING_HEALTH_PCT'),
      default: 85,
      description: `${label} health at or below which a confirmed change opens a warning`,
    }),
    [`${type}CriticalHealthPct`]: setting(integer(0, 98, PCT), {
      env: env('CRITICAL_HEALTH_PCT'),
      default: 50,
      description: `${label} health at or below which an open alert becomes critical`,
    }),
    [`${type}ClearHealthPct`]: setting(integer(2, 100, PCT), {
      env: env('CLEAR_HEALTH_PCT'),
      default: 93,
      description: `${label} health an alert must recover to before it clears (hysteresis)`,
    }),
    [`${type}CriticalRulHours`]: setting(integer(0, 8760, HOURS), {
      env: env('CRITICAL_RUL_HOURS'),
      default: 8,
      description: `remaining useful life (device hours) at or below which an open ${label} alert becomes critical`,
    }),
    [`${type}VibrationFailurePct`]: setting(integer(101, 10_000, PCT), {
      env: env('VIBRATION_FAILURE_PCT'),
      default: 800,
      description: `${label} vibration at failure, as a percentage of its own load-corrected baseline`,
    }),
    [`${type}TemperatureFailureRiseC`]: setting(integer(1, 500, 'degrees C'), {
      env: env('TEMPERATURE_FAILURE_RISE_C'),
      default: defaults.temperatureFailureRiseC,
      description: `${label} temperature rise over its load- and ambient-corrected baseline at failure`,
    }),
  };
  // Computed keys lose their literal types; MachineShape restores them.
  return shape as unknown as MachineShape<T>;
}

interface MachineDefaults {
  temperatureFailureRiseC: number;
}

const maintenance = section({
  groupId: setting(text(/^[A-Za-z0-9._:-]{1,200}$/, 'letters, digits, ".", "_", ":", "-" (1-200)'), {
    env: 'MAINTENANCE_GROUP_ID',
    optional: true,
    description:
      'Kafka consumer group of the maintenance consumers; when unset, {KAFKA_TOPIC_PREFIX}.maintenance',
  }),
  retentionDays: setting(integer(1, 36_500, 'days'), {
    env: 'MAINTENANCE_RETENTION_DAYS',
    default: 30,
    description: 'InfluxDB retention of telemetry, health and alerts; older points are dropped and counted',
  }),
  snapshotIntervalMs: setting(integer(100, 3_600_000, MS), {
    env: 'MAINTENANCE_SNAPSHOT_INTERVAL_MS',
    default: 30_000,
    description:
      'how often device health state is saved and Kafka offsets committed; a crash replays at most this much',
  }),
  sessionTimeoutMs: setting(integer(6_000, 300_000, MS), {
    env: 'MAINTENANCE_SESSION_TIMEOUT_MS',
    default: 30_000,
    description: 'how long a silent maintenance consumer keeps its partitions before others take them over',
  }),
  writeBatchPoints: setting(integer(1, 100_000), {
    env: 'MAINTENANCE_WRITE_BATCH_POINTS',
    default: 5000,
    description: 'most points in one InfluxDB write request',
  }),
  ...machineSettings('pump', 'pump', { temperatureFailureRiseC: 12 }),
  pumpCurrentFailurePct: setting(integer(101, 1000, PCT), {
    env: 'MAINTENANCE_PUMP_CURRENT_FAILURE_PCT',
    default: 133,
    description: 'pump motor current at failure, as a percentage of its own flow-corrected baseline',
  }),
  pumpPressureFailurePct: setting(integer(1, 99, PCT), {
    env: 'MAINTENANCE_PUMP_PRESSURE_FAILURE_PCT',
    default: 69,
    description: 'pump discharge pressure at failure, as a percentage of its own flow-corrected baseline',
  }),
  ...machineSettings('motor', 'motor', { temperatureFailureRiseC: 35 }),
});

const auth = section({
  device: setting(oneOf(['registry', 'none']), {
    env: 'DEVICE_AUTH',
    default: 'registry',
    description:
      'how devices authenticate: registry (secrets in the device registry) or none (development only)',
  }),
});

const log = section({
  level: setting(oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), {
    env: 'LOG_LEVEL',
    default: 'info',
    description: 'minimum level of log lines written',
  }),
});

const app = section({
  env: setting(oneOf(['development', 'production']), {
    env: 'APP_ENV',
    default: 'development',
    description: 'development allows unsafe conveniences such as DEVICE_AUTH=none; production refuses them',
  }),
});

/** Host-wide limits a primary divides between its GATEWAY_WORKERS, so the host's total is as configured. */
export const WORKER_SPLIT_LIMITS = [
  'maxConnections',
  'connectsPerIpPerSecond',
  'maxPendingConnections',
  'maxPendingConnectionsPerAddress',
] as const;

/** Marks an issue raised by a rule across settings, whose message is already specific. */
export const RULE_ISSUE = 'configRule';

export const configSchema = z
  .strictObject({ kafka, mqtt, gateway, hub, commands, influx, maintenance, auth, log, app })
  .superRefine((c, ctx) => {
    if (c.app.env === 'production' && c.auth.device === 'none') {
      ctx.addIssue({
        code: 'custom',
        path: ['auth', 'device'],
        message: '"none" is not allowed when APP_ENV=production',
        params: { [RULE_ISSUE]: true },
      });
    }
    if ((c.mqtt.tlsCertFile === undefined) !== (c.mqtt.tlsKeyFile === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['mqtt', c.mqtt.tlsCertFile === undefined ? 'tlsCertFile' : 'tlsKeyFile'],
        message: 'MQTT_TLS_CERT_FILE and MQTT_TLS_KEY_FILE must be set together',
        params: { [RULE_ISSUE]: true },
      });
    }
    if (c.mqtt.plainListeners === 'off' && c.mqtt.tlsCertFile === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['mqtt', 'plainListeners'],
        message: '"off" needs MQTT_TLS_CERT_FILE and MQTT_TLS_KEY_FILE, or no device could connect',
        params: { [RULE_ISSUE]: true },
      });
    }
    for (const type of ['pump', 'motor'] as const) {
      const m = c.maintenance;
      const [critical, warning, clear] = [
        m[`${type}CriticalHealthPct`],
        m[`${type}WarningHealthPct`],
        m[`${type}ClearHealthPct`],
      ];
      if (critical < warning && warning < clear) continue;
      const upper = type.toUpperCase();
      ctx.addIssue({
        code: 'custom',
        path: ['maintenance', `${type}WarningHealthPct`],
        message: `MAINTENANCE_${upper}_CRITICAL_HEALTH_PCT (${critical}) < MAINTENANCE_${upper}_WARNING_HEALTH_PCT (${warning}) < MAINTENANCE_${upper}_CLEAR_HEALTH_PCT (${clear}) must hold`,
        params: { [RULE_ISSUE]: true },
      });
    }
    // Each worker gets a share of these host-wide limits, and every share must allow something.
    for (const key of WORKER_SPLIT_LIMITS) {
      if (c.gateway[key] >= c.gateway.workers) continue;
      ctx.addIssue({
        code: 'custom',
        path: ['gateway', key],
        message: `${envOf(`gateway.${key}`)} (${c.gateway[key]}) must be at least GATEWAY_WORKERS (${c.gateway.workers}): each worker gets a share`,
        params: { [RULE_ISSUE]: true },
      });
    }
    const lastWorkerId = `${c.gateway.id}-w${c.gateway.workers}`;
    if (
      c.gateway.workers > 1 &&
      c.gateway.id !== undefined &&
      !gatewayIdSchema.safeParse(lastWorkerId).success
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['gateway', 'id'],
        message: `too long for GATEWAY_WORKERS=${c.gateway.workers}: worker ids such as ${lastWorkerId} must fit 128 characters`,
        params: { [RULE_ISSUE]: true },
      });
    }
    // One gateway process binds all of them.
    const ports: [string, number][] = [
      ['mqtt.port', c.mqtt.port],
      ['mqtt.wsPort', c.mqtt.wsPort],
      ['gateway.httpPort', c.gateway.httpPort],
      ['mqtt.tlsPort', c.mqtt.tlsPort],
      ['mqtt.wssPort', c.mqtt.wssPort],
    ];
    for (const [i, [path, value]] of ports.entries()) {
      const clash = ports.slice(0, i).find(([, other]) => other === value && value !== 0);
      if (clash === undefined) continue;
      ctx.addIssue({
        code: 'custom',
        path: path.split('.'),
        message: `port ${value} is already used by ${envOf(clash[0])}`,
        params: { [RULE_ISSUE]: true },
      });
    }
  });

export type Config = z.infer<typeof configSchema>;

export interface Setting extends SettingMeta {
  /** Dotted path in the config object and file, such as mqtt.port. */
  path: string;
  section: string;
  key: string;
}

function collectSettings(): readonly Setting[] {
  const out: Setting[] = [];
  for (const [sectionName, wrapped] of Object.entries(configSchema.shape)) {
    for (const [key, leaf] of Object.entries(wrapped.unwrap().shape as Record<string, z.ZodType>)) {
      const meta = settingRegistry.get(leaf);
      if (meta === undefined)
        throw new Error(`config setting ${sectionName}.${key} was not built with setting()`);
      out.push({ ...meta, path: `${sectionName}.${key}`, section: sectionName, key });
    }
  }
  return Object.freeze(out);
}

/** Every setting, in schema order: the source for the config reference and env handling. */
export const SETTINGS: readonly Setting[] = collectSettings();

export const SETTINGS_BY_PATH: ReadonlyMap<string, Setting> = new Map(SETTINGS.map((s) => [s.path, s]));

function envOf(path: string): string {
  return SETTINGS_BY_PATH.get(path)?.env ?? path;
}
