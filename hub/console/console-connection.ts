/** The part of a `ws` WebSocket a connection writes to. */
export interface ConsoleSocket {
  readonly bufferedAmount: number;
  send(data: string): void;
  terminate(): void;
}

export interface BackpressureLimits {
  /** Above this many unsent bytes, droppable messages are dropped. */
  softBytes: number;
  /** Above this, the connection is closed: its client is not reading and essential messages cannot be kept. */
  hardBytes: number;
}

export const DEFAULT_BACKPRESSURE: BackpressureLimits = {
  softBytes: 1024 * 1024,
  hardBytes: 16 * 1024 * 1024,
};

/** `cut`: this send closed the connection; `closed`: it was closed already. */
export type SendOutcome = 'sent' | 'dropped' | 'cut' | 'closed';

/** One serialized message, built once and sent to any number of connections. */
export interface Frame {
  data: string;
  bytes: number;
  /** Essential frames are never dropped under backpressure. */
  essential: boolean;
}

export function frameOf(message: unknown, essential: boolean): Frame {
  const data = JSON.stringify(message);
  return { data, bytes: Buffer.byteLength(data), essential };
}

/**
 * Sends to one console with a bounded buffer. Essential messages (command statuses, answers) are
 * never dropped; when the buffer passes the hard cap the connection is cut instead, and the console
 * reconnects and reloads, which is better than showing a status that silently went missing.
 */
export class ConsoleConnection {
  private closed = false;
  droppedMessages = 0;

  constructor(
    private readonly socket: ConsoleSocket,
    private readonly limits: BackpressureLimits = DEFAULT_BACKPRESSURE,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  send(frame: Frame): SendOutcome {
    if (this.closed) return 'closed';
    const buffered = this.socket.bufferedAmount;
    if (!frame.essential && buffered > this.limits.softBytes) {
      this.droppedMessages++;
      return 'dropped';
    }
    if (buffered + frame.bytes > this.limits.hardBytes) {
      this.markClosed();
      // A close frame would queue behind the backlog it is meant to end.
      this.socket.terminate();
      return 'cut';
    }
    this.socket.send(frame.data);
    return 'sent';
  }

  markClosed(): void {
    this.closed = true;
  }
}
