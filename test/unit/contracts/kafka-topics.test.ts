import { describe, expect, it } from 'vitest';
import {
  COMPACTED_TOPIC_KINDS,
  TOPIC_KINDS,
  kafkaTopicNames,
  topicPrefixSchema,
} from '../../../contracts/index.js';

describe('kafkaTopicNames', () => {
  it('names every topic under the prefix', () => {
    expect(kafkaTopicNames('iot')).toEqual({
      telemetry: 'iot.telemetry',
      events: 'iot.events',
      presence: 'iot.presence',
      commands: 'iot.commands',
      commandStatus: 'iot.command-status',
      alerts: 'iot.alerts',
      deadLetter: 'iot.dead-letter',
      devices: 'iot.devices',
    });
  });

  it('gives distinct names for every kind', () => {
    const names = kafkaTopicNames('test_run-1.x');
    expect(Object.keys(names).sort()).toEqual([...TOPIC_KINDS].sort());
    expect(new Set(Object.values(names)).size).toBe(TOPIC_KINDS.length);
  });

  it('rejects an invalid prefix', () => {
    expect(() => kafkaTopicNames('')).toThrow(TypeError);
    expect(() => kafkaTopicNames('.iot')).toThrow(TypeError);
    expect(() => kafkaTopicNames('io t')).toThrow(TypeError);
  });

  it('compacts only presence and devices', () => {
    expect([...COMPACTED_TOPIC_KINDS].sort()).toEqual(['devices', 'presence']);
  });
});

describe('topicPrefixSchema', () => {
  it.each(['iot', 'IoT-2', 'a', 'a.b_c-d', 'x'.repeat(101)])('accepts %j', (p) => {
    expect(topicPrefixSchema.safeParse(p).success).toBe(true);
  });
  it.each(['', '-iot', 'iot/x', 'iot x', 'x'.repeat(102)])('rejects %j', (p) => {
    expect(topicPrefixSchema.safeParse(p).success).toBe(false);
  });
});
