import { Transform, type TransformCallback } from 'node:stream';

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
 * Passes an MQTT byte stream through unchanged, but fails it as soon as a fixed header announces
 * a packet larger than `maxBytes`, before the body is buffered anywhere. MQTT 3.1.1 §2.2.3: the
 * remaining length is a variable-length integer of 1 to 4 bytes, 7 bits each, least significant first.
 */
export class PacketSizeGuard extends Transform {
  private state: 'type' | 'length' | 'body' = 'type';
  private remaining = 0;
  private multiplier = 1;
  private lengthBytes = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
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
          // A fifth length byte is malformed; the MQTT parser after us rejects it.
          if (this.lengthBytes >= 4) break;
          continue;
        }
        const total = 1 + this.lengthBytes + this.remaining;
        if (total > this.maxBytes) {
          done(new PacketTooLargeError(total, this.maxBytes));
          return;
        }
        this.state = this.remaining === 0 ? 'type' : 'body';
      } else {
        const take = Math.min(this.remaining, chunk.length - i);
        this.remaining -= take;
        i += take;
        if (this.remaining === 0) this.state = 'type';
      }
    }
    done(null, chunk);
  }
}
