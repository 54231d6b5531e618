import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { mergeExpositions } from '../../../../gateway/cluster/metrics-merge.js';

async function workerText(gateway: string, connects: number): Promise<string> {
  const registry = new Registry();
  registry.setDefaultLabels({ gateway });
  new Counter({
    name: 'gateway_connects_total',
    help: 'MQTT connections accepted',
    registers: [registry],
  }).inc(connects);
  new Histogram({
    name: 'gateway_kafka_batch_records',
    help: 'Records',
    buckets: [1, 10],
    registers: [registry],
  }).observe(5);
  return registry.metrics();
}

describe('mergeExpositions', () => {
  it("keeps each family's HELP and TYPE once, with every worker's samples under it", async () => {
    const merged = mergeExpositions([await workerText('gw-w1', 3), await workerText('gw-w2', 4)]);
    expect(merged.match(/^# TYPE gateway_connects_total counter$/gm)).toHaveLength(1);
    expect(merged.match(/^# HELP gateway_kafka_batch_records /gm)).toHaveLength(1);
    const connects = merged.split('\n\n').find((block) => block.includes('# TYPE gateway_connects_total'));
    expect(connects?.split('\n').slice(2)).toEqual([
      'gateway_connects_total{gateway="gw-w1"} 3',
      'gateway_connects_total{gateway="gw-w2"} 4',
    ]);
    const histogram = merged
      .split('\n\n')
      .find((block) => block.includes('# TYPE gateway_kafka_batch_records'));
    expect(histogram?.match(/_count\{gateway="gw-w\d"\} 1/g)).toHaveLength(2);
  });

  it('reads back as the same samples', async () => {
    const parts = [await workerText('gw-w1', 1), await workerText('gw-w2', 2)];
    const samples = (text: string) => text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(samples(mergeExpositions(parts)).sort()).toEqual(parts.flatMap(samples).sort());
  });

  it('is empty for nothing, and ignores an unreachable worker that gave no text', () => {
    expect(mergeExpositions([])).toBe('');
    expect(mergeExpositions(['', '# HELP a x\n# TYPE a gauge\na 1\n'])).toBe(
      '# HELP a x\n# TYPE a gauge\na 1\n',
    );
  });
});
