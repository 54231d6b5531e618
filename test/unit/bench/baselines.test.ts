import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_JSON_LIMITS, kafkaTopicNames } from '../../../contracts/index.js';
import { translateUplink } from '../../../gateway/uplink/translate.js';
import {
  gatewayRatios,
  interleavedOrder,
  median,
  perRoundRatios,
  pooledRate,
} from '../../../bench/baseline-compare.js';
import { bridgeHeaders, bridgeMessage } from '../../../bench/bridge-record.js';
import { telemetryPayload } from '../../../bench/devices.js';
import { SerialBatcher } from '../../../bench/serial-batcher.js';

describe('interleavedOrder', () => {
  it('visits every broker each round and runs every other round backwards', () => {
    expect(interleavedOrder(['a', 'b', 'c'], 1)).toEqual(['a', 'b', 'c']);
    expect(interleavedOrder(['a', 'b', 'c'], 3)).toEqual(['a', 'b', 'c', 'c', 'b', 'a', 'a', 'b', 'c']);
  });
});

describe('pooledRate', () => {
  it('divides all completions by all seconds and keeps each round', () => {
    expect(
      pooledRate([
        { completed: 10_000, seconds: 1 },
        { completed: 30_000, seconds: 3 },
        { completed: 5_000, seconds: 2 },
      ]),
    ).toEqual({ recordsPerSecond: 7_500, perRound: [10_000, 10_000, 2_500] });
  });

  it('is 0 without a measurement', () => {
    expect(pooledRate([])).toEqual({ recordsPerSecond: 0, perRound: [] });
  });
});

describe('gatewayRatios', () => {
  it('gives the gateway over each baseline, null when a baseline measured nothing', () => {
    expect(gatewayRatios({ gateway: 7_200, minimalBridge: 12_000, bareAedes: 0 })).toEqual({
      gatewayOverMinimalBridge: 0.6,
      gatewayOverBareAedes: null,
    });
  });
});

describe('median', () => {
  it('is the middle value, the mean of the middle two for an even count, null for none', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([13.8, 9.8])).toBe(11.8);
    expect(median([])).toBeNull();
  });
});

describe('perRoundRatios', () => {
  it("pairs each round's gateway figure with the same round's baseline", () => {
    expect(perRoundRatios([15_000, 11_000], [20_000, 10_000])).toEqual({
      perRound: [0.75, 1.1],
      median: 0.925,
    });
    expect(perRoundRatios([5], [0])).toEqual({ perRound: [null], median: null });
  });
});

describe('bridgeMessage', () => {
  it("is the gateway's record for the same telemetry: key, value and headers", () => {
    const payload = Buffer.from(telemetryPayload(42, 1_700_000_000_000));
    const topics = kafkaTopicNames('t');
    const result = translateUplink('telemetry', payload, {
      deviceId: 'dev-1',
      gatewayId: 'gw-1',
      topics,
      receivedAt: 1_700_000_000_005,
      maxPayloadBytes: 65_536,
      jsonLimits: DEFAULT_JSON_LIMITS,
    });
    if (!result.ok) throw new Error(result.reason);
    const [gateway] = result.records;
    const bridge = bridgeMessage('dev-1', payload, 1_700_000_000_005, bridgeHeaders('dev-1', 'gw-1'));
    expect(bridge.key).toBe(gateway?.key);
    expect(bridge.value.toString()).toBe(gateway?.value.toString());
    expect(bridge.headers).toEqual(gateway?.headers);
  });
});

describe('SerialBatcher', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('cuts a batch at maxRecords at once and the rest after the linger', async () => {
    vi.useFakeTimers();
    const sent: number[][] = [];
    const batcher = new SerialBatcher<number>(
      (items) => {
        sent.push(items);
        return Promise.resolve();
      },
      3,
      5,
    );
    const done = vi.fn();
    for (let i = 0; i < 4; i++) batcher.add(i, done);
    expect(sent).toEqual([[0, 1, 2]]);
    await vi.advanceTimersByTimeAsync(4);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toEqual([[0, 1, 2], [3]]);
    expect(done).toHaveBeenCalledTimes(4);
    expect(done.mock.calls.every((call) => call[0] === undefined)).toBe(true);
  });

  it('keeps one send in flight and settles each record with its batch', async () => {
    const releases: ((error?: Error) => void)[] = [];
    const sent: string[][] = [];
    const batcher = new SerialBatcher<string>(
      (items) => {
        sent.push(items);
        return new Promise<void>((resolve, reject) =>
          releases.push((error) => (error ? reject(error) : resolve())),
        );
      },
      2,
      1_000,
    );
    const settled: [string, Error | undefined][] = [];
    for (const item of ['a', 'b', 'c', 'd', 'e', 'f'])
      batcher.add(item, (error) => settled.push([item, error]));
    expect(sent).toEqual([['a', 'b']]);
    expect(batcher.waiting).toEqual({ batches: 2, records: 0 });
    releases[0]?.(new Error('refused'));
    await vi.waitFor(() => expect(sent).toHaveLength(2));
    expect(settled.map(([item, error]) => [item, error?.message])).toEqual([
      ['a', 'refused'],
      ['b', 'refused'],
    ]);
    releases[1]?.();
    await vi.waitFor(() => expect(sent).toHaveLength(3));
    releases[2]?.();
    await vi.waitFor(() => expect(settled).toHaveLength(6));
    expect(sent).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
    ]);
  });
});
