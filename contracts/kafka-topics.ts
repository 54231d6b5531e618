import { z } from 'zod';

export const TOPIC_KINDS = [
  'telemetry',
  'events',
  'presence',
  'commands',
  'commandStatus',
  'alerts',
  'deadLetter',
  'devices',
] as const;

export type TopicKind = (typeof TOPIC_KINDS)[number];

const TOPIC_SUFFIXES: Readonly<Record<TopicKind, string>> = {
  telemetry: 'telemetry',
  events: 'events',
  presence: 'presence',
  commands: 'commands',
  commandStatus: 'command-status',
  alerts: 'alerts',
  deadLetter: 'dead-letter',
  devices: 'devices',
};

// The latest record per key is the state (where a device is, its registry entry).
export const COMPACTED_TOPIC_KINDS: ReadonlySet<TopicKind> = new Set<TopicKind>(['presence', 'devices']);

export const TOPIC_PREFIX_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$/;

export const topicPrefixSchema = z
  .string()
  .regex(TOPIC_PREFIX_PATTERN, 'topic prefix must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$');

export function kafkaTopicNames(prefix: string): Readonly<Record<TopicKind, string>> {
  if (!topicPrefixSchema.safeParse(prefix).success) {
    throw new TypeError(`invalid Kafka topic prefix: ${JSON.stringify(prefix)}`);
  }
  const names = {} as Record<TopicKind, string>;
  for (const kind of TOPIC_KINDS) names[kind] = `${prefix}.${TOPIC_SUFFIXES[kind]}`;
  return Object.freeze(names);
}
