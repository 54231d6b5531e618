import { connect as netConnect, type Socket } from 'node:net';
import {
  generate,
  parser as mqttParser,
  type IConnackPacket,
  type IConnectPacket,
  type ISubackPacket,
  type Packet,
} from 'mqtt-packet';
import { afterEach } from 'vitest';

/**
 * An MQTT 3.1.1 client with no protocol logic of its own: it writes exactly the packets (or bytes)
 * a test gives it, over a plain socket, and records what the broker sends back. mqtt-packet (the
 * codec aedes and mqtt.js use) encodes and parses; nothing resends, reorders or validates.
 */
export class RawMqttClient {
  readonly received: Packet[] = [];
  closed = false;
  /** A packet from the broker that did not parse: the broker broke the protocol. */
  parseError: Error | undefined;
  readonly whenClosed: Promise<void>;
  private readonly wake = new Set<() => void>();
  private nextMessageId = 1;

  private constructor(private readonly socket: Socket) {
    const parser = mqttParser({ protocolVersion: 4 });
    parser.on('packet', (packet: Packet) => {
      this.received.push(packet);
      this.notify();
    });
    parser.on('error', (error: Error) => {
      this.parseError ??= error;
      this.notify();
    });
    socket.on('data', (chunk: Buffer) => parser.parse(chunk));
    socket.on('error', () => undefined);
    this.whenClosed = new Promise((resolve) =>
      socket.once('close', () => {
        this.closed = true;
        this.notify();
        resolve();
      }),
    );
  }

  /** `localAddress` picks the loopback source address (127.0.0.x), as another host would have. */
  static open(port: number, host = '127.0.0.1', localAddress?: string): Promise<RawMqttClient> {
    return new Promise((resolve, reject) => {
      const socket = netConnect({ port, host, ...(localAddress === undefined ? {} : { localAddress }) });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        socket.setNoDelay(true);
        const client = new RawMqttClient(socket);
        open.add(client);
        resolve(client);
      });
    });
  }

  private notify(): void {
    for (const wake of [...this.wake]) wake();
  }

  /** Writes one packet, several packets in one socket write, or raw bytes. Ignored once closed. */
  write(data: Packet | Packet[] | Buffer): Promise<void> {
    if (this.closed || this.socket.destroyed) return Promise.resolve();
    const bytes = Buffer.isBuffer(data)
      ? data
      : Buffer.concat((Array.isArray(data) ? data : [data]).map((p) => generate(p)));
    return new Promise((resolve) => this.socket.write(bytes, () => resolve()));
  }

  allocateMessageId(): number {
    const id = this.nextMessageId;
    this.nextMessageId = (this.nextMessageId % 65535) + 1;
    return id;
  }

  /**
   * The first packet received at index `since` or later that matches; null if the connection closes
   * first; 'timeout' if neither happens within `timeoutMs`.
   */
  async next<P extends Packet>(
    match: (packet: Packet) => packet is P,
    timeoutMs: number,
    since = 0,
  ): Promise<P | null | 'timeout'> {
    const find = (): P | undefined => this.received.slice(since).find(match);
    return new Promise((resolve) => {
      const check = (): boolean => {
        const found = find();
        if (found) resolve(found);
        else if (this.closed) resolve(null);
        else return false;
        return true;
      };
      if (check()) return;
      const timer = setTimeout(() => {
        this.wake.delete(wake);
        resolve('timeout');
      }, timeoutMs);
      const wake = (): void => {
        if (!check()) return;
        clearTimeout(timer);
        this.wake.delete(wake);
      };
      this.wake.add(wake);
    });
  }

  /** Sends CONNECT (MQTT 3.1.1, clean session unless told otherwise) and waits for the CONNACK. */
  async connect(
    clientId: string,
    extra: Partial<IConnectPacket> = {},
    timeoutMs = 10_000,
  ): Promise<IConnackPacket> {
    const connack = await this.tryConnect(clientId, extra, timeoutMs);
    if (connack === null) throw new Error(`${clientId}: the connection closed before a CONNACK`);
    return connack;
  }

  /**
   * As `connect`, but null when the broker closes the connection instead of answering. `packet`
   * may be the bytes of a CONNECT (see `encodeConnect`), for what mqtt-packet refuses to encode.
   */
  async tryConnect(
    clientId: string,
    extra: Partial<IConnectPacket> | Buffer = {},
    timeoutMs = 10_000,
  ): Promise<IConnackPacket | null> {
    await this.write(
      Buffer.isBuffer(extra)
        ? extra
        : {
            cmd: 'connect',
            protocolId: 'MQTT',
            protocolVersion: 4,
            clean: true,
            keepalive: 60,
            clientId,
            ...extra,
          },
    );
    const connack = await this.next(isPacket('connack'), timeoutMs);
    if (connack === 'timeout') throw new Error(`${clientId}: no CONNACK within ${timeoutMs} ms`);
    return connack;
  }

  /**
   * Publishes and completes the QoS flow: 'acknowledged' after PUBACK (QoS 1) or PUBREC+PUBCOMP
   * (QoS 2); 'closed' if the broker closed the connection first; 'timeout' if it did neither;
   * 'sent' for QoS 0, which nobody acknowledges.
   */
  async publish(
    message: {
      topic: string | Buffer;
      payload: Buffer;
      qos: 0 | 1 | 2;
      retain?: boolean;
      /** Copies with DUP set and the same message id, written together with the original. */
      duplicates?: number;
    },
    timeoutMs: number,
  ): Promise<'acknowledged' | 'closed' | 'timeout' | 'sent'> {
    const messageId = message.qos > 0 ? this.allocateMessageId() : undefined;
    const since = this.received.length;
    const copies = Array.from({ length: message.duplicates ?? 0 }, () =>
      encodePublish({ ...message, messageId, dup: true }),
    );
    await this.write(Buffer.concat([encodePublish({ ...message, messageId }), ...copies]));
    if (message.qos === 0) return 'sent';
    const ackCmd = message.qos === 1 ? 'puback' : 'pubrec';
    const ack = await this.next(isAck(ackCmd, messageId ?? 0), timeoutMs, since);
    if (ack === null) return 'closed';
    if (ack === 'timeout') return 'timeout';
    if (message.qos === 1) return 'acknowledged';
    await this.write({ cmd: 'pubrel', messageId: messageId ?? 0 });
    const comp = await this.next(isAck('pubcomp', messageId ?? 0), timeoutMs, since);
    if (comp === null) return 'closed';
    return comp === 'timeout' ? 'timeout' : 'acknowledged';
  }

  /** SUBSCRIBE and the granted codes from the SUBACK (0x80 = refused), or null if the broker closed. */
  async subscribe(
    filters: string[],
    qos: 0 | 1 | 2,
    timeoutMs: number,
  ): Promise<number[] | null | 'timeout'> {
    const messageId = this.allocateMessageId();
    const since = this.received.length;
    await this.write({
      cmd: 'subscribe',
      messageId,
      subscriptions: filters.map((topic) => ({ topic, qos })),
    });
    const suback = await this.next(
      (p): p is ISubackPacket => p.cmd === 'suback' && p.messageId === messageId,
      timeoutMs,
      since,
    );
    return suback === null || suback === 'timeout' ? suback : suback.granted.map((g) => Number(g));
  }

  /** A clean DISCONNECT: the broker discards the Will. */
  async disconnect(): Promise<void> {
    await this.write({ cmd: 'disconnect' });
    this.socket.end();
    await this.whenClosed;
  }

  /** Drops the TCP connection without DISCONNECT, as a device losing power does. */
  destroy(): Promise<void> {
    this.socket.destroy();
    return this.whenClosed;
  }
}

const open = new Set<RawMqttClient>();

afterEach(async () => {
  await Promise.all([...open].map((c) => c.destroy()));
  open.clear();
});

export function isPacket<C extends Packet['cmd']>(cmd: C) {
  return (packet: Packet): packet is Extract<Packet, { cmd: C }> => packet.cmd === cmd;
}

function isAck(cmd: 'puback' | 'pubrec' | 'pubcomp', messageId: number) {
  return (packet: Packet): packet is Packet => packet.cmd === cmd && packet.messageId === messageId;
}

/**
 * A PUBLISH written byte by byte (MQTT 3.1.1 §3.3), so that a topic may be any bytes, including
 * ill-formed UTF-8 that no codec would produce.
 */
export function encodePublish(message: {
  topic: string | Buffer;
  payload: Buffer;
  qos: 0 | 1 | 2;
  retain?: boolean;
  dup?: boolean;
  messageId?: number | undefined;
}): Buffer {
  const topic = Buffer.isBuffer(message.topic) ? message.topic : Buffer.from(message.topic, 'utf8');
  const header = (3 << 4) | (message.dup ? 8 : 0) | (message.qos << 1) | (message.retain ? 1 : 0);
  const topicLength = Buffer.alloc(2);
  topicLength.writeUInt16BE(topic.length);
  const id = Buffer.alloc(message.qos > 0 ? 2 : 0);
  if (message.qos > 0) id.writeUInt16BE(message.messageId ?? 1);
  const body = Buffer.concat([topicLength, topic, id, message.payload]);
  return Buffer.concat([Buffer.from([header]), encodeRemainingLength(body.length), body]);
}

/**
 * A CONNECT written byte by byte (MQTT 3.1.1 §3.1), so that a Will topic may be empty or ill-formed
 * UTF-8, which mqtt-packet refuses to encode.
 */
export function encodeConnect(options: {
  clientId: string;
  clean?: boolean;
  keepaliveS?: number;
  will?: { topic: Buffer; payload: Buffer; qos: 0 | 1 | 2; retain: boolean };
}): Buffer {
  const field = (bytes: Buffer): Buffer => {
    const length = Buffer.alloc(2);
    length.writeUInt16BE(bytes.length);
    return Buffer.concat([length, bytes]);
  };
  const { will } = options;
  const flags =
    (options.clean === false ? 0 : 0x02) | (will ? 0x04 | (will.qos << 3) | (will.retain ? 0x20 : 0) : 0);
  const keepalive = Buffer.alloc(2);
  keepalive.writeUInt16BE(options.keepaliveS ?? 60);
  const body = Buffer.concat([
    field(Buffer.from('MQTT')),
    Buffer.from([4, flags]),
    keepalive,
    field(Buffer.from(options.clientId)),
    ...(will ? [field(will.topic), field(will.payload)] : []),
  ]);
  return Buffer.concat([Buffer.from([0x10]), encodeRemainingLength(body.length), body]);
}

/** MQTT 3.1.1 §2.2.3: 7 bits per byte, least significant first, continuation bit 0x80. */
export function encodeRemainingLength(length: number): Buffer {
  const bytes: number[] = [];
  let n = length;
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    bytes.push(byte);
  } while (n > 0);
  return Buffer.from(bytes);
}

/** The size on the wire of a PUBLISH with this topic and payload length. */
export function publishPacketBytes(topicBytes: number, payloadBytes: number, qos: 0 | 1 | 2): number {
  const body = 2 + topicBytes + (qos > 0 ? 2 : 0) + payloadBytes;
  return 1 + encodeRemainingLength(body).length + body;
}
