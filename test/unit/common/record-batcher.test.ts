import { describe, expect, it } from 'vitest';
import { RecordBatcher, type OutRecord, type RecordSink } from '../../../common/kafka/record-batcher.js';

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
    // Each record is 7-8 bytes (key "device" + value), so about six fit into 50 bytes.
    expect(accepted.filter(Boolean).length).toBeGreaterThan(3);
    expect(accepted.filter(Boolean).length).toBeLessThan(8);
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
