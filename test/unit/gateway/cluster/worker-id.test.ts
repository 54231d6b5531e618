import { describe, expect, it } from 'vitest';
import { workerGatewayId } from '../../../../gateway/cluster/worker-id.js';

describe('workerGatewayId', () => {
  it('numbers the workers of a gateway from 1', () => {
    expect([0, 1, 11].map((i) => workerGatewayId('edge-7', i))).toEqual([
      'edge-7-w1',
      'edge-7-w2',
      'edge-7-w12',
    ]);
  });

  it('refuses a base id that leaves no room for the suffix', () => {
    expect(() => workerGatewayId('g'.repeat(127), 0)).toThrow(/set a shorter GATEWAY_ID/);
    expect(workerGatewayId('g'.repeat(125), 0)).toHaveLength(128);
  });
});
