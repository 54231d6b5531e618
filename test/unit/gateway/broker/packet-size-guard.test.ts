import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import {
  FirstPacketNotConnectError,
  GuardedConnection,
  PacketLengthTracker,
  PacketTooLargeError,
} from '../../../../gateway/broker/packet-size-guard.js';
import { encodeRemainingLength } from '../../../helpers/raw-mqtt.js';

function encodeLength(n: number): number[] {
  return [...encodeRemainingLength(n)];
}

function packet(bodyLength: number): Buffer {
  return Buffer.concat([Buffer.from([0x30, ...encodeLength(bodyLength)]), Buffer.alloc(bodyLength, 1)]);
}

/** Feeds `chunks` through a GuardedConnection; resolves with what came out and any error. */
function run(
  limit: number,
  chunks: Buffer[],
  firstPacket?: { maxBytes: number },
): Promise<{ passed: Buffer; error?: Error }> {
  return new Promise((resolve) => {
    const socket = new PassThrough();
    const connection = new GuardedConnection(socket, limit, firstPacket);
    const out: Buffer[] = [];
    connection.on('data', (c: Buffer) => out.push(c));
    connection.on('error', (error) => resolve({ passed: Buffer.concat(out), error }));
    connection.on('end', () => resolve({ passed: Buffer.concat(out) }));
    for (const chunk of chunks) socket.write(chunk);
    socket.end();
  });
}

describe('GuardedConnection', () => {
  it('passes packets within the limit through unchanged, however the stream is split', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 1, max: 50 }),
        async (lengths, chunkSize) => {
          const stream = Buffer.concat(lengths.map(packet));
          const chunks: Buffer[] = [];
          for (let i = 0; i < stream.length; i += chunkSize) chunks.push(stream.subarray(i, i + chunkSize));
          const { passed, error } = await run(400, chunks);
          expect(error).toBeUndefined();
          expect(passed.equals(stream)).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('fails on the header of a packet over the limit, before its body arrives', async () => {
    const header = Buffer.from([0x30, ...encodeLength(1_000_000)]);
    const { error } = await run(1024, [packet(10), header]);
    expect(error).toBeInstanceOf(PacketTooLargeError);
    expect((error as PacketTooLargeError).size).toBe(1_000_000 + header.length);
  });

  it('counts the fixed header in the size', async () => {
    // 1 type byte + 2 length bytes + 1021 body bytes = 1024: allowed; one more byte is not.
    expect((await run(1024, [packet(1021)])).error).toBeUndefined();
    expect((await run(1024, [packet(1022)])).error).toBeInstanceOf(PacketTooLargeError);
  });
});

describe('PacketLengthTracker', () => {
  it('reports the size announced by an oversized header, whatever came before it', () => {
    const tracker = new PacketLengthTracker(100);
    expect(tracker.feed(packet(50))).toBeUndefined();
    expect(tracker.feed(Buffer.from([0x30, ...encodeLength(500)]))).toBe(503);
  });
});

describe('GuardedConnection writes', () => {
  it('sends writes issued together as one socket write', async () => {
    const socket = new PassThrough();
    const writes: Buffer[] = [];
    socket.on('data', (c: Buffer) => writes.push(c));
    const connection = new GuardedConnection(socket, 1024);
    connection.cork();
    connection.write(Buffer.from([0x40, 0x02, 0, 1]));
    connection.write(Buffer.from([0x40, 0x02, 0, 2]));
    connection.uncork();
    await new Promise((r) => setImmediate(r));
    expect(writes).toHaveLength(1);
    expect(writes[0]).toEqual(Buffer.from([0x40, 0x02, 0, 1, 0x40, 0x02, 0, 2]));
  });
});

describe('GuardedConnection before CONNECT', () => {
  const runFirst = (limit: number, connectLimit: number, chunks: Buffer[]) =>
    run(limit, chunks, { maxBytes: connectLimit });
  const connectPacket = (bodyLength: number): Buffer =>
    Buffer.concat([Buffer.from([0x10, ...encodeLength(bodyLength)]), Buffer.alloc(bodyLength, 1)]);

  it('closes a connection whose first packet is not CONNECT before passing anything on', async () => {
    const { passed, error } = await runFirst(1000, 100, [packet(10)]);
    expect(error).toBeInstanceOf(FirstPacketNotConnectError);
    expect(passed.length).toBe(0);
  });

  it('holds the first packet to the CONNECT limit and later packets to the packet limit', async () => {
    const ok = await runFirst(1000, 100, [connectPacket(90), packet(900)]);
    expect(ok.error).toBeUndefined();
    expect(ok.passed.length).toBe(92 + 903);
    const tooLarge = await runFirst(1000, 100, [connectPacket(200)]);
    expect(tooLarge.error).toBeInstanceOf(PacketTooLargeError);
    expect((tooLarge.error as PacketTooLargeError).limit).toBe(100);
    expect((tooLarge.error as PacketTooLargeError).beforeConnect).toBe(true);
    const laterTooLarge = await runFirst(1000, 100, [connectPacket(90), packet(2000)]);
    expect(laterTooLarge.error).toBeInstanceOf(PacketTooLargeError);
    expect((laterTooLarge.error as PacketTooLargeError).beforeConnect).toBe(false);
    expect(tooLarge.passed.length).toBe(0);
  });
});
