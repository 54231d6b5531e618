import { describe, expect, it } from 'vitest';
import { metricSum } from '../../../bench/prometheus.js';

const TEXT = `# HELP gateway_qos0_dropped_total QoS 0 records dropped
# TYPE gateway_qos0_dropped_total counter
gateway_qos0_dropped_total{gateway="gw-1"} 17
gateway_qos0_dropped_total_extra{gateway="gw-1"} 99
gateway_rejections_total{gateway="gw-1",reason="topic not allowed"} 2
gateway_rejections_total{gateway="gw-1",reason="unknown_topic"} 3
gateway_connections 4.5
`;

describe('metricSum', () => {
  it('sums every label set of exactly that metric', () => {
    expect(metricSum(TEXT, 'gateway_qos0_dropped_total')).toBe(17);
    expect(metricSum(TEXT, 'gateway_rejections_total')).toBe(5);
    expect(metricSum(TEXT, 'gateway_connections')).toBe(4.5);
  });

  it('is NaN for a metric that is not there', () => {
    expect(metricSum(TEXT, 'gateway_nothing')).toBeNaN();
  });
});
