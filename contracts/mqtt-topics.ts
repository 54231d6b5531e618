import { z } from 'zod';
import { isValidDeviceId } from './device-id.js';

export const COMMAND_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export const commandNameSchema = z
  .string()
  .regex(COMMAND_NAME_PATTERN, 'command name must match ^[a-z0-9][a-z0-9_-]{0,63}$');

export type CommandName = z.infer<typeof commandNameSchema>;

export function isValidCommandName(s: string): boolean {
  return typeof s === 'string' && COMMAND_NAME_PATTERN.test(s);
}

const ROOT = 'devices';

/** Topics a device publishes to. */
export const UPLINK_KINDS = ['telemetry', 'events', 'command-results'] as const;
export type UplinkKind = (typeof UPLINK_KINDS)[number];

export type ParsedDeviceTopic =
  | { kind: 'telemetry' | 'events' | 'command-results' | 'errors'; deviceId: string }
  | { kind: 'command'; deviceId: string; name: string };

export type DeviceTopicKind = ParsedDeviceTopic['kind'];

export function isUplinkKind(kind: DeviceTopicKind): kind is UplinkKind {
  return (UPLINK_KINDS as readonly string[]).includes(kind);
}

function prefix(deviceId: string): string {
  if (!isValidDeviceId(deviceId)) throw new TypeError(`invalid device id: ${JSON.stringify(deviceId)}`);
  return `${ROOT}/${deviceId}`;
}

/** `devices/{id}/`: every topic of one device lies under it. */
export const deviceTopicPrefix = (deviceId: string): string => `${prefix(deviceId)}/`;

export const telemetryTopic = (deviceId: string): string => `${prefix(deviceId)}/telemetry`;
export const eventsTopic = (deviceId: string): string => `${prefix(deviceId)}/events`;
export const commandResultsTopic = (deviceId: string): string => `${prefix(deviceId)}/command-results`;
export const errorsTopic = (deviceId: string): string => `${prefix(deviceId)}/errors`;
export const commandsWildcard = (deviceId: string): string => `${prefix(deviceId)}/commands/#`;

export function commandTopic(deviceId: string, name: string): string {
  const base = prefix(deviceId);
  if (!isValidCommandName(name)) throw new TypeError(`invalid command name: ${JSON.stringify(name)}`);
  return `${base}/commands/${name}`;
}

/** The subscription filters a device may hold that receive command `name`: `#`, `+` and the name itself. */
export function commandFilters(deviceId: string, name: string): string[] {
  return [commandsWildcard(deviceId), `${prefix(deviceId)}/commands/+`, commandTopic(deviceId, name)];
}

/** Whether `topicFilter` subscribes to some or all of the device's commands. */
export function isCommandsFilterOf(deviceId: string, topicFilter: string): boolean {
  return topicFilter.startsWith(`${prefix(deviceId)}/commands/`);
}

const LEAF_KINDS: ReadonlyMap<string, Exclude<DeviceTopicKind, 'command'>> = new Map([
  ['telemetry', 'telemetry'],
  ['events', 'events'],
  ['command-results', 'command-results'],
  ['errors', 'errors'],
]);

/** Parses a concrete topic (never a filter). Returns null for anything outside the device API. */
export function parseDeviceTopic(topic: string): ParsedDeviceTopic | null {
  if (typeof topic !== 'string') return null;
  const levels = topic.split('/');
  const [root, deviceId, third, fourth] = levels;
  if (root !== ROOT || deviceId === undefined || third === undefined || !isValidDeviceId(deviceId)) {
    return null;
  }
  if (levels.length === 3) {
    const kind = LEAF_KINDS.get(third);
    return kind === undefined ? null : { kind, deviceId };
  }
  if (levels.length === 4 && third === 'commands' && fourth !== undefined && isValidCommandName(fourth)) {
    return { kind: 'command', deviceId, name: fourth };
  }
  return null;
}

/** Whether a device may subscribe to `topicFilter`: only its own command topics and its errors topic. */
export function isDeviceSubscriptionAllowed(deviceId: string, topicFilter: string): boolean {
  if (!isValidDeviceId(deviceId) || typeof topicFilter !== 'string') return false;
  const levels = topicFilter.split('/');
  if (levels[0] !== ROOT || levels[1] !== deviceId) return false;
  if (levels.length === 3) return levels[2] === 'errors';
  if (levels.length !== 4 || levels[2] !== 'commands') return false;
  const last = levels[3] ?? '';
  return last === '#' || last === '+' || isValidCommandName(last);
}
