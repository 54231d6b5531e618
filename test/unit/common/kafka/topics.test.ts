import { describe, expect, it } from 'vitest';
import { planTopics } from '../../../../common/kafka/topics.js';

describe('planTopics', () => {
  const plan = planTopics({
    prefix: 'acme',
    partitions: 4,
    replicationFactor: 1,
    partitionsByKind: { devices: 1 },
  });

  it('plans every contract topic under the prefix', () => {
    expect(plan.map((p) => p.topic).sort()).toEqual(
      ['alerts', 'command-status', 'commands', 'dead-letter', 'devices', 'events', 'presence', 'telemetry']
        .map((t) => `acme.${t}`)
        .sort(),
    );
  });

  it('compacts presence and devices only', () => {
    const compacted = plan.filter((p) =>
      p.configEntries.some((e) => e.name === 'cleanup.policy' && e.value === 'compact'),
    );
    expect(compacted.map((p) => p.kind).sort()).toEqual(['devices', 'presence']);
  });

  it('applies per-kind partition counts over the default', () => {
    expect(plan.find((p) => p.kind === 'devices')?.numPartitions).toBe(1);
    expect(plan.find((p) => p.kind === 'telemetry')?.numPartitions).toBe(4);
  });
});
