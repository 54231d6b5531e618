import { DEFAULT_SITES, EFFECT_NAMES } from '../effects.js';

/** Every command-line flag, once: `parseArgs` config and `--help` text are both derived from here. */
export interface FlagSpec {
  value: string;
  default: string;
  help: string;
}

export const FLAGS = {
  devices: { value: 'N', default: '10', help: 'number of simulated devices (1..100000)' },
  rate: {
    value: 'R',
    default: '1',
    help: 'readings per second of wall time, per device (up to 100); the load on the gateway is devices × rate',
  },
  duration: {
    value: 'D',
    default: 'until Ctrl-C',
    help: 'wall time to run: 1500ms, 30s, 5m, 2h, 1d; a bare number is seconds',
  },
  seed: { value: 'S', default: '1', help: 'fleet seed (0..4294967295); the same seed gives the same fleet' },
  qos: {
    value: '0|1',
    default: '1',
    help: 'MQTT QoS for telemetry; events and command results always use 1',
  },
  faults: { value: 'F', default: '0.1', help: 'fraction of devices that degrade and fail (0..1)' },
  speed: {
    value: 'X',
    default: '1',
    help: 'simulated time runs X times faster than wall time; readings carry simulated time in ts',
  },
  start: {
    value: 'T',
    default: 'now',
    help: 'simulated start time: ISO 8601 (2025-01-01T00:00:00Z) or epoch ms',
  },
  horizon: {
    value: 'H',
    default: 'duration × speed, else 7d',
    help: 'simulated span in which failures are placed (degradation windows last 6–48 h)',
  },
  url: { value: 'URL', default: 'mqtt://127.0.0.1:1883', help: 'broker URL: mqtt, mqtts, ws or wss' },
  prefix: {
    value: 'P',
    default: 'sim-',
    help: 'device id prefix; ids are <prefix>0001, <prefix>0002, ...; give each simulator process its own, as equal client ids knock each other off',
  },
  ramp: { value: 'C', default: '200', help: 'new connections per second while the fleet comes up' },
  'ground-truth': {
    value: 'FILE',
    default: 'none',
    help: 'write what will happen to each device (JSON Lines: deviceId, machineType, failureMode, onsetMs, failureMs)',
  },
  summary: { value: 'FILE', default: 'none', help: 'also write the final JSON summary to FILE' },
  effects: {
    value: 'LIST',
    default: 'none',
    help: `effects real fleets have, comma-separated, or all: ${EFFECT_NAMES.join(', ')}`,
  },
  'trouble-rate': {
    value: 'X',
    default: '1',
    help: 'scales how many devices have sensor trouble and how often (glitches, dropouts, late-readings)',
  },
  sites: {
    value: 'N',
    default: String(DEFAULT_SITES),
    help: 'sites the fleet is spread over, each with its own climate and time zone (with effects)',
  },
  credentials: {
    value: 'SOURCE',
    default: 'none',
    help: 'how devices authenticate. none: client id = device id, no password (DEVICE_AUTH=none); provision: create each device through the hub API (token from HUB_OPERATOR_TOKEN) and save its secret, reusing saved ones',
  },
  hub: {
    value: 'URL',
    default: 'http://127.0.0.1:8080',
    help: 'hub base URL, used with --credentials provision',
  },
  'credentials-file': {
    value: 'FILE',
    default: '.data/sim-credentials.json',
    help: 'where --credentials provision keeps device secrets between runs',
  },
} as const satisfies Record<string, FlagSpec>;

export type FlagName = keyof typeof FLAGS;
