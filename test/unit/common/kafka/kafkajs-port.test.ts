import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { UNMONITORED } from '../../../../common/kafka/consumer-monitor.js';
import { kafkajsPort } from '../../../../common/kafka/kafkajs-port.js';
import type { ConsumedRecord, FollowOptions } from '../../../../common/kafka/port.js';
import { fakeKafka } from './fake-consumer.js';

/** One partition holding offsets 0..9, whose offset 6 is the first at the timestamp. */
const tenRecords = () => fakeKafka({ high: '10', atTimestamp: '6' });

function options(from: FollowOptions['from'], seen: string[]): FollowOptions {
  return {
    name: 'test',
    group: 'g',
    topics: ['t'],
    from,
    handler: { eachRecord: ({ message }: ConsumedRecord) => void seen.push(message.offset) },
    maxWaitMs: 100,
    monitor: UNMONITORED,
    logger: pino({ level: 'silent' }),
  };
}

describe('kafkajsPort follow', () => {
  it('seeks to the first record at a timestamp and is caught up once it read the end it found', async () => {
    const { kafka, consumers } = tenRecords();
    const seen: string[] = [];
    const following = await kafkajsPort(kafka).follow(options({ timestamp: 1 }, seen));
    const consumer = consumers[0];
    if (consumer === undefined) throw new Error('no consumer');
    expect(consumer.seeks).toEqual([{ topic: 't', partition: 0, offset: '6' }]);
    expect(following.endOf('t', 0)).toBe(10n);
    let caughtUp = false;
    void following.caughtUp.then(() => (caughtUp = true));
    for (const offset of ['6', '7', '8']) await consumer.deliver('t', 0, offset);
    await Promise.resolve();
    expect([caughtUp, following.pending]).toEqual([false, 1]);
    await consumer.deliver('t', 0, '9');
    await following.caughtUp;
    expect(seen).toEqual(['6', '7', '8', '9']);
    await following.stop();
  });

  it('reads from the beginning without seeking, and from now without waiting for anything', async () => {
    const { kafka, consumers } = tenRecords();
    const port = kafkajsPort(kafka);
    const beginning = await port.follow(options('beginning', []));
    expect(consumers[0]?.seeks).toEqual([]);
    expect(beginning.pending).toBe(1);
    const now = await port.follow(options('now', []));
    await now.caughtUp;
    expect(now.endOf('t', 0)).toBeUndefined();
    await Promise.all([beginning.stop(), now.stop()]);
  });
});
