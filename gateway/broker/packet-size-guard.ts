import { Duplex } from 'node:stream';
import { AppError } from '../../common/errors.js';

export class PacketTooLargeError extends AppError<'packet_too_large'> {
  constructor(
    readonly size: number,
    readonly limit: number,
    /** The packet was the connection's first, held to the CONNECT limit. */
    readonly beforeConnect = false,
  ) {
    super('packet_too_large', `MQTT packet of ${size} bytes exceeds the limit of ${limit}`, {
      retriable: false,
    });
    this.name = 'PacketTooLargeError';
  }
}

/** The first packet of a connection was not CONNECT [MQTT-3.1.0-1]. */
export class FirstPacketNotConnectError extends AppError<'first_packet_not_connect'> {
  constructor(readonly packetType: number) {
    super(
      'first_packet_not_connect',
      `the first MQTT packet must be CONNECT, got packet type ${packetType}`,
      { retriable: false },
    );
    this.name = 'FirstPacketNotConnectError';
  }
}

const CONNECT_PACKET_TYPE = 1;

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
  private packets = 0;
  private limit: number;

  /**
   * @param firstPacket when given, the first packet must be a CONNECT of at most `maxBytes`: what
   * a client may send before it is authenticated is bounded by what a valid CONNECT needs.
   */
  constructor(
    private readonly maxBytes: number,
    private readonly firstPacket?: { maxBytes: number },
  ) {
    this.limit = firstPacket?.maxBytes ?? maxBytes;
  }

  /** The limit the packet being read is held to. */
  get appliedLimit(): number {
    return this.limit;
  }

  /** Whether the packet being read is the first one, checked as a CONNECT. */
  get checkingFirstPacket(): boolean {
    return this.firstPacket !== undefined && this.packets === 1;
  }

  /** The packet type of a first packet that is not CONNECT, when the first packet is checked. */
  notConnect: number | undefined;

  /** The size of an oversized packet announced in `chunk`, -1 for a first packet that is not CONNECT, or undefined. */
  feed(chunk: Buffer): number | undefined {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'type') {
        const type = (chunk[i] ?? 0) >> 4;
        if (this.firstPacket && this.packets === 0 && type !== CONNECT_PACKET_TYPE) {
          this.notConnect = type;
          return -1;
        }
        if (this.packets === 1) this.limit = this.maxBytes;
        this.packets = Math.min(this.packets + 1, 2);
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
        if (total > this.limit) return total;
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
    firstPacket?: { maxBytes: number },
  ) {
    super({ allowHalfOpen: false });
    this.tracker = new PacketLengthTracker(maxPacketBytes, firstPacket);
    inner.on('data', (chunk: Buffer) => {
      const tooLarge = this.tracker.feed(chunk);
      if (tooLarge !== undefined) {
        const notConnect = this.tracker.notConnect;
        this.destroy(
          notConnect !== undefined
            ? new FirstPacketNotConnectError(notConnect)
            : new PacketTooLargeError(tooLarge, this.tracker.appliedLimit, this.tracker.checkingFirstPacket),
        );
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
