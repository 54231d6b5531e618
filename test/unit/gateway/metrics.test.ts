import { describe, expect, it } from 'vitest';
import { GatewayMetrics } from '../../../gateway/metrics.js';

async function messagesIn(metrics: GatewayMetrics): Promise<Record<string, number>> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find(
    (m) => m.name === 'gateway_messages_in_total',
  );
  return Object.fromEntries(
    (metric?.values ?? []).map((v) => [`${String(v.labels.kind)}/${String(v.labels.qos)}`, v.value]),
  );
}

describe('gateway_messages_in_total and gateway_bytes_in_total', () => {
  it('shows every message counted, by kind and QoS, and counts each once across reads', async () => {
    const metrics = new GatewayMetrics('gw-test');
    for (let i = 0; i < 5; i++) metrics.uplink.add('telemetry', 1, 10);
    metrics.uplink.add('telemetry', 0, 10);
    metrics.uplink.add('refused', 2, 10);
    expect(await messagesIn(metrics)).toEqual({ 'telemetry/0': 1, 'telemetry/1': 5, 'refused/2': 1 });
    metrics.uplink.add('telemetry', 1, 10);
    expect(await messagesIn(metrics)).toEqual({ 'telemetry/0': 1, 'telemetry/1': 6, 'refused/2': 1 });
    const text = await metrics.registry.metrics();
    expect(text).toContain('gateway_messages_in_total{kind="telemetry",qos="1",gateway="gw-test"} 6');
    expect(text).toContain('gateway_bytes_in_total{gateway="gw-test"} 80');
  });
});
