import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { RecordRejectedError } from '../../../../common/kafka/errors.js';
import { RecordBatcher, type OutRecord, type RecordSink } from '../../../../common/kafka/record-batcher.js';
import { recordLimits } from '../../../../common/kafka/record-limits.js';

const fastRetry = { initialMs: 1, maxMs: 5, factor: 2, jitter: 0 };

function record(key: string, n: number): OutRecord {
  return { topic: 't', key, value: Buffer.from(String(n)), headers: {} };
}

class ScriptedSink implements RecordSink {
  readonly batches: OutRecord[][] = [];
  failuresLeft = 0;
  gate: Promise<void> | undefined;
  async send(records: readonly OutRecord[]): Promise<void> {
    if (this.gate) await this.gate;
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw new Error('broker unavailable');
    }
    this.batches.push([...records]);
  }
}

const options = {
  lingerMs: 2,
  maxBatchRecords: 10,
  maxBatchBytes: 1_000_000,
  maxBestEffortBytes: 50,
  retryBackoff: fastRetry,
};

describe('RecordBatcher', () => {
  it('coalesces records into batches no larger than maxBatchRecords, in order', async () => {
    const sink = new ScriptedSink();
    const batcher = new RecordBatcher(sink, options);
    await Promise.all(Array.from({ length: 25 }, (_, i) => batcher.enqueue(record('d', i))));
    expect(sink.batches.every((b) => b.length <= 10)).toBe(true);
    expect(sink.batches.flat().map((r) => r.value.toString())).toEqual(
      Array.from({ length: 25 }, (_, i) => String(i)),
    );
  });

  it('resolves an enqueued record only after the sink acknowledged it', async () => {
    const sink = new ScriptedSink();
    let open: () => void = () => undefined;
    sink.gate = new Promise((resolve) => (open = resolve));
    const batcher = new RecordBatcher(sink, options);
    let acknowledged = false;
    const done = batcher.enqueue(record('d', 1)).then(() => (acknowledged = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(acknowledged).toBe(false);
    open();
    await done;
    expect(acknowledged).toBe(true);
  });

  it('retries a failed batch before anything queued after it', async () => {
    const sink = new ScriptedSink();
    sink.failuresLeft = 3;
    const failures: number[] = [];
    const batcher = new RecordBatcher(sink, options, {
      onBatchFailed: (_e, attempt) => failures.push(attempt),
    });
    const first = batcher.enqueue(record('d', 1));
    await new Promise((r) => setTimeout(r, 1));
    const second = batcher.enqueue(record('d', 2));
    await Promise.all([first, second]);
    expect(failures).toEqual([1, 2, 3]);
    expect(sink.batches.flat().map((r) => r.value.toString())).toEqual(['1', '2']);
  });

  it('drops best-effort records beyond the byte budget and counts them', async () => {
    const sink = new ScriptedSink();
    let open: () => void = () => undefined;
    sink.gate = new Promise((resolve) => (open = resolve));
    const dropped: OutRecord[] = [];
    const batcher = new RecordBatcher(sink, options, { onDropped: (r) => dropped.push(r) });
    const accepted = Array.from({ length: 30 }, (_, i) => batcher.offer(record('device', i)));
    // Each record takes 22 bytes as Kafka counts them (key, value, record framing): two fit into 50.
    expect(accepted.filter(Boolean).length).toBe(2);
    expect(dropped.length).toBe(accepted.filter((a) => !a).length);
    open();
    await batcher.flush();
    expect(batcher.bytesQueued).toBe(0);
    expect(batcher.offer(record('device', 99))).toBe(true);
  });

  it('close() fails what it cannot flush in time and refuses new records', async () => {
    const sink = new ScriptedSink();
    sink.failuresLeft = Number.POSITIVE_INFINITY;
    const batcher = new RecordBatcher(sink, options);
    const pending = batcher.enqueue(record('d', 1));
    await batcher.close(30);
    await expect(pending).rejects.toThrow(/closed/);
    await expect(batcher.enqueue(record('d', 2))).rejects.toThrow(/closed/);
  });
});

describe('RecordBatcher.hasRoom', () => {
  it('holds a producer back until the queue drained below the limit', async () => {
    const sink = new ScriptedSink();
    let open: () => void = () => undefined;
    sink.gate = new Promise((resolve) => (open = resolve));
    const batcher = new RecordBatcher(sink, options);
    const queued = Array.from({ length: 5 }, (_, i) => batcher.enqueue(record('device', i)));
    let admitted = false;
    const waiting = batcher.hasRoom(10).then(() => (admitted = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(admitted).toBe(false);
    open();
    await Promise.all([...queued, waiting]);
    expect(admitted).toBe(true);
    await expect(batcher.hasRoom(10)).resolves.toBeUndefined();
  });
});

const { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } = kafkajs;

function protocolError(type: string, code: number, retriable: boolean): Error {
  return new KafkaJSProtocolError(Object.assign(new Error(`broker says ${type}`), { type, code, retriable }));
}

function valuesOf(records: readonly OutRecord[]): string[] {
  return records.map((r) => r.value.toString());
}

/**
 * A sink that answers like kafkajs: a request holding a poison record fails as a whole with the
 * poison's error, whatever else it holds; `transient` failures come first.
 */
class KafkaLikeSink implements RecordSink {
  readonly accepted: OutRecord[] = [];
  readonly requests: number[] = [];
  transient: Error[] = [];
  inFlight = 0;
  maxInFlight = 0;

  constructor(private readonly refuse: (record: OutRecord) => Error | undefined) {}

  async send(records: readonly OutRecord[]): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((r) => setTimeout(r, 1));
      this.requests.push(records.length);
      const transient = this.transient.shift();
      if (transient) throw transient;
      for (const r of records) {
        const error = this.refuse(r);
        if (error) throw error;
      }
      this.accepted.push(...records);
    } finally {
      this.inFlight--;
    }
  }
}

const tooLarge = (r: OutRecord): Error | undefined =>
  r.value.toString().startsWith('poison') ? protocolError('MESSAGE_TOO_LARGE', 10, false) : undefined;

describe('RecordBatcher with records Kafka refuses for good', () => {
  const batchOf = (n: number) => ({ ...options, maxBatchRecords: n, lingerMs: 5 });

  it('fails only the poison record in the middle of a batch; the rest keep their order', async () => {
    const sink = new KafkaLikeSink(tooLarge);
    const rejected: [string, string][] = [];
    const batcher = new RecordBatcher(sink, batchOf(20), {
      onRejected: (r, e) => rejected.push([r.value.toString(), e.reason]),
    });
    const values = Array.from({ length: 20 }, (_, i) => (i === 11 ? 'poison' : String(i)));
    const outcomes = await Promise.allSettled(
      values.map((v, i) => batcher.enqueue({ ...record(`d${i % 3}`, i), value: Buffer.from(v) })),
    );

    expect(outcomes.map((o) => o.status)).toEqual(
      values.map((v) => (v === 'poison' ? 'rejected' : 'fulfilled')),
    );
    const failure = (outcomes[11] as PromiseRejectedResult).reason as RecordRejectedError;
    expect(failure).toBeInstanceOf(RecordRejectedError);
    expect(failure).toMatchObject({ retriable: false, reason: 'MESSAGE_TOO_LARGE', topic: 't' });
    expect(failure.message).toMatch(/not retriable/);
    expect(valuesOf(sink.accepted)).toEqual(values.filter((v) => v !== 'poison'));
    expect(rejected).toEqual([['poison', 'MESSAGE_TOO_LARGE']]);
    expect(sink.maxInFlight).toBe(1);
    expect(batcher.bytesQueued).toBe(0);
  });

  it('keeps sending what is queued behind a batch with a poison record, in order', async () => {
    const sink = new KafkaLikeSink(tooLarge);
    const batcher = new RecordBatcher(sink, batchOf(4));
    const values = ['a', 'poison-1', 'b', 'c', 'd', 'e', 'poison-2', 'f', 'g'];
    const outcomes = await Promise.allSettled(
      values.map((v) => batcher.enqueue({ ...record('d', 0), value: Buffer.from(v) })),
    );
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(2);
    expect(valuesOf(sink.accepted)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  });

  it('retries transient failures as a whole batch, in order, rejecting nothing', async () => {
    const sink = new KafkaLikeSink(() => undefined);
    const retriesExceeded = new KafkaJSNumberOfRetriesExceeded(
      protocolError('NOT_LEADER_FOR_PARTITION', 6, true),
      {
        retryCount: 5,
        retryTime: 100,
      },
    );
    sink.transient = [new KafkaJSConnectionError('Connection error: ECONNREFUSED'), retriesExceeded];
    const failures: number[] = [];
    const batcher = new RecordBatcher(sink, batchOf(10), {
      onBatchFailed: (_e, attempt) => failures.push(attempt),
    });
    await Promise.all(Array.from({ length: 10 }, (_, i) => batcher.enqueue(record('d', i))));
    expect(failures).toEqual([1, 2]);
    expect(sink.requests).toEqual([10, 10, 10]);
    expect(valuesOf(sink.accepted)).toEqual(Array.from({ length: 10 }, (_, i) => String(i)));
  });

  it('retries a transient failure met while isolating a poison record, then goes on', async () => {
    const sink = new KafkaLikeSink(tooLarge);
    const batcher = new RecordBatcher(sink, batchOf(8));
    const values = ['0', '1', '2', 'poison', '4', '5', '6', '7'];
    const first = sink.send.bind(sink);
    let calls = 0;
    sink.send = (records) => {
      // The second request is the first half of the isolation.
      if (++calls === 2) sink.transient.push(new KafkaJSConnectionError('Connection closed'));
      return first(records);
    };
    const outcomes = await Promise.allSettled(
      values.map((v) => batcher.enqueue({ ...record('d', 0), value: Buffer.from(v) })),
    );
    expect(outcomes.map((o) => o.status)).toEqual(
      values.map((v) => (v === 'poison' ? 'rejected' : 'fulfilled')),
    );
    expect(valuesOf(sink.accepted)).toEqual(['0', '1', '2', '4', '5', '6', '7']);
  });

  it('delivers every record of a batch refused only for its total size', async () => {
    // As Kafka answers a partition's record batch larger than max.message.bytes.
    const sink = new KafkaLikeSink(() => undefined);
    const send = sink.send.bind(sink);
    sink.send = (records) =>
      records.length > 3 ? Promise.reject(protocolError('MESSAGE_TOO_LARGE', 10, false)) : send(records);
    const rejected: OutRecord[] = [];
    const batcher = new RecordBatcher(sink, batchOf(16), { onRejected: (r) => rejected.push(r) });
    await Promise.all(Array.from({ length: 16 }, (_, i) => batcher.enqueue(record('d', i))));
    expect(rejected).toEqual([]);
    expect(valuesOf(sink.accepted)).toEqual(Array.from({ length: 16 }, (_, i) => String(i)));
  });

  it('rejects every record of a topic Kafka refuses as a whole without splitting it further', async () => {
    const sink = new KafkaLikeSink((r) =>
      r.topic === 'secret' ? protocolError('TOPIC_AUTHORIZATION_FAILED', 29, false) : undefined,
    );
    const batcher = new RecordBatcher(sink, batchOf(12));
    const records = Array.from({ length: 12 }, (_, i) => ({
      ...record('d', i),
      topic: i < 6 ? 't' : 'secret',
    }));
    const outcomes = await Promise.allSettled(records.map((r) => batcher.enqueue(r)));
    expect(outcomes.map((o) => o.status)).toEqual(
      records.map((r) => (r.topic === 'secret' ? 'rejected' : 'fulfilled')),
    );
    expect(valuesOf(sink.accepted)).toEqual(['0', '1', '2', '3', '4', '5']);
    // The whole batch, then its two halves: the second half is all "secret" and fails at once.
    expect(sink.requests).toEqual([12, 6, 6]);
  });

  it('counts a best-effort record Kafka refuses, and nobody waits for it', async () => {
    const sink = new KafkaLikeSink(tooLarge);
    const rejected: string[] = [];
    const batcher = new RecordBatcher(sink, batchOf(3), {
      onRejected: (r) => rejected.push(r.value.toString()),
    });
    expect(batcher.offer({ ...record('d', 0), value: Buffer.from('poison') })).toBe(true);
    expect(batcher.offer(record('d', 1))).toBe(true);
    await batcher.flush();
    expect(rejected).toEqual(['poison']);
    expect(valuesOf(sink.accepted)).toEqual(['1']);
    expect(batcher.bytesQueued).toBe(0);
  });
});

describe('RecordBatcher with record limits', () => {
  const limits = recordLimits(new Map([['small', 200]]), {
    fallbackMaxMessageBytes: 10_000,
    maxRequestBytes: 20_000,
  });
  const big = (topic: string): OutRecord => ({ topic, key: 'd', value: Buffer.alloc(300), headers: {} });

  it('refuses a record too large for its topic at once, without sending it', async () => {
    const sink = new ScriptedSink();
    const rejected: string[] = [];
    const batcher = new RecordBatcher(
      sink,
      { ...options, limits },
      { onRejected: (_r, e) => rejected.push(e.reason) },
    );
    await expect(batcher.enqueue(big('small'))).rejects.toMatchObject({
      name: 'RecordRejectedError',
      reason: 'RECORD_TOO_LARGE',
      retriable: false,
    });
    expect(batcher.offer(big('small'))).toBe(false);
    await batcher.enqueue(big('roomy'));
    expect(sink.batches.flat().map((r) => r.topic)).toEqual(['roomy']);
    expect(rejected).toEqual(['RECORD_TOO_LARGE', 'RECORD_TOO_LARGE']);
  });

  it('names the first record of a message that cannot fit, so the message can be refused whole', () => {
    const batcher = new RecordBatcher(new ScriptedSink(), { ...options, limits });
    expect(batcher.firstMisfit([record('d', 1), big('roomy')])).toBeUndefined();
    expect(batcher.firstMisfit([record('d', 1), big('small')])).toMatchObject({
      topic: 'small',
      limit: 200,
      by: 'topic',
    });
    expect(new RecordBatcher(new ScriptedSink(), options).firstMisfit([big('small')])).toBeUndefined();
  });
});

describe('RecordBatcher.enqueueAll', () => {
  it('calls back once, after the sink acknowledged every record of the message, in order', async () => {
    const sink = new ScriptedSink();
    const batcher = new RecordBatcher(sink, options);
    const settled: (Error | undefined)[] = [];
    batcher.enqueueAll([record('d', 1), record('d', 2), record('d', 3)], (error) => settled.push(error));
    batcher.enqueueAll([], (error) => settled.push(error));
    expect(settled).toEqual([undefined]);
    await batcher.flush();
    expect(settled).toEqual([undefined, undefined]);
    expect(sink.batches.flat().map((r) => r.value.toString())).toEqual(['1', '2', '3']);
  });

  it('calls back once with the first failure, and not again for the records after it', async () => {
    const sink = new ScriptedSink();
    const batcher = new RecordBatcher(sink, {
      ...options,
      limits: recordLimits(new Map([['t', 200]]), { fallbackMaxMessageBytes: 200, maxRequestBytes: 10_000 }),
    });
    const settled: (Error | undefined)[] = [];
    const tooLarge = { ...record('d', 2), value: Buffer.alloc(500) };
    batcher.enqueueAll([record('d', 1), tooLarge, record('d', 3)], (error) => settled.push(error));
    await batcher.flush();
    expect(settled).toHaveLength(1);
    expect(settled[0]).toBeInstanceOf(RecordRejectedError);
    expect(sink.batches.flat().map((r) => r.value.toString())).toEqual(['1', '3']);
  });

  it('goes on with the other records when a callback throws, and reports the throw', async () => {
    const sink = new ScriptedSink();
    const thrown: unknown[] = [];
    const batcher = new RecordBatcher(sink, options, { onCallbackFailed: (error) => thrown.push(error) });
    const settled: string[] = [];
    batcher.enqueueAll([record('d', 1)], () => {
      throw new Error('a buggy caller');
    });
    batcher.enqueueAll([record('d', 2)], () => settled.push('second'));
    await batcher.flush();
    expect(settled).toEqual(['second']);
    expect(thrown).toEqual([new Error('a buggy caller')]);
    expect(batcher.recordsQueued).toBe(0);
  });

  it('fails at once when the batcher is closed', async () => {
    const batcher = new RecordBatcher(new ScriptedSink(), options);
    await batcher.close(100);
    const settled: (Error | undefined)[] = [];
    batcher.enqueueAll([record('d', 1)], (error) => settled.push(error));
    expect(settled[0]?.name).toBe('BatcherClosedError');
  });
});

describe('RecordBatcher.hasRoomNow', () => {
  it('says no while the queue is over the limit or someone waits for room, so nobody overtakes', async () => {
    const sink = new ScriptedSink();
    let open: () => void = () => undefined;
    sink.gate = new Promise((resolve) => (open = resolve));
    const batcher = new RecordBatcher(sink, options);
    expect(batcher.hasRoomNow(10)).toBe(true);
    const queued = Array.from({ length: 5 }, (_, i) => batcher.enqueue(record('device', i)));
    expect(batcher.hasRoomNow(10)).toBe(false);
    const waiting = batcher.hasRoom(10);
    expect(batcher.hasRoomNow(1_000_000)).toBe(false);
    open();
    await Promise.all([...queued, waiting]);
    expect(batcher.hasRoomNow(10)).toBe(true);
  });
});
