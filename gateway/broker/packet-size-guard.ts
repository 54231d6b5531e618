import { Duplex } from 'node:stream';

export class PacketTooLargeError extends Error {
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`MQTT packet of ${size} bytes exceeds the limit of ${limit}`);
    this.name = 'PacketTooLargeError';
  }
}

/**
 * Follows MQTT packet boundaries in a byte stream and reports the first fixed header that announces
 * a packet larger than `maxBytes`, before its body is buffered anywhere. MQTT 3.1.1 §2.2.3: the
 * remaining length is a variable-length integer of 1 to 4 bytes, 7 bits each, least significant first.
 */
export class PacketLengthTracker {
  private state: 'type' | 'length' | 'body' = 'type';
  private remaining = 0;
  private multiplier = 1;
  private lengthBytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** Returns the size of an oversized packet announced in `chunk`, or undefined. */
  feed(chunk: Buffer): number | undefined {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'type') {
        this.state = 'length';
        this.remaining = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
        i++;
      } else if (this.state === 'length') {
        const byte = chunk[i++] ?? 0;
        this.remaining += (byte & 0x7f) * this.multiplier;
        this.multiplier *= 128;
        this.lengthBytes++;
        if (byte & 0x80) {
          // A fifth length byte is malformed; the MQTT parser rejects the packet.
          if (this.lengthBytes >= 4) return undefined;
          continue;
        }
        const total = 1 + this.lengthBytes + this.remaining;
        if (total > this.maxBytes) return total;
        this.state = this.remaining === 0 ? 'type' : 'body';
      } else {
        const take = Math.min(this.remaining, chunk.length - i);
        this.remaining -= take;
        i += take;
        if (this.remaining === 0) this.state = 'type';
      }
    }
    return undefined;
  }
}

/**
 * The connection aedes reads and writes: the device's stream, with oversized packets cut off on
 * the way in. Writes issued together (aedes corks the stream around a packet, and a Kafka batch
 * acknowledges many messages at once) reach the socket as one write.
 */
export class GuardedConnection extends Duplex {
  private readonly tracker: PacketLengthTracker;

  constructor(
    private readonly inner: Duplex,
    maxPacketBytes: number,
  ) {
    super({ allowHalfOpen: false });
    this.tracker = new PacketLengthTracker(maxPacketBytes);
    inner.on('data', (chunk: Buffer) => {
      const tooLarge = this.tracker.feed(chunk);
      if (tooLarge !== undefined) {
        this.destroy(new PacketTooLargeError(tooLarge, maxPacketBytes));
        return;
      }
      if (!this.push(chunk)) inner.pause();
    });
    inner.once('end', () => this.push(null));
    inner.once('error', (error) => this.destroy(error));
    inner.once('close', () => this.destroy());
  }

  override _read(): void {
    this.inner.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.inner.write(chunk, done);
  }

  override _writev(chunks: { chunk: Buffer }[], done: (error?: Error | null) => void): void {
    this.inner.write(Buffer.concat(chunks.map((c) => c.chunk)), done);
  }

  override _final(done: (error?: Error | null) => void): void {
    this.inner.end();
    done();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.inner.destroy();
    done(error);
  }
}
