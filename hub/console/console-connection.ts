/** The part of a `ws` WebSocket a connection writes to. */
export interface ConsoleSocket {
  readonly bufferedAmount: number;
  send(data: string): void;
  terminate(): void;
}

export interface BackpressureLimits {
  /** Above this many unsent bytes, droppable messages are dropped and coalescable ones held. */
  softBytes: number;
  /** Above this, the connection is closed: its client is not reading and essential messages cannot be kept. */
  hardBytes: number;
}

export const DEFAULT_BACKPRESSURE: BackpressureLimits = {
  softBytes: 1024 * 1024,
  hardBytes: 16 * 1024 * 1024,
};

/** `cut`: this send closed the connection; `closed`: it was closed already; `held`: kept to be merged and sent later. */
export type SendOutcome = 'sent' | 'dropped' | 'held' | 'cut' | 'closed';

/** One serialized message, built once and sent to any number of connections. */
export interface Frame {
  type: string;
  data: string;
  bytes: number;
  /** Essential frames are never dropped under backpressure. */
  essential: boolean;
}

export function frameOf<M extends { type: string }>(message: M, essential: boolean): Frame {
  const data = JSON.stringify(message);
  return { type: message.type, data, bytes: Buffer.byteLength(data), essential };
}

/**
 * A kind of message a slow console gets merged instead of dropped: one value per kind and
 * connection, so what the hub holds for a console is bounded by what the value can hold
 * (a reading per watched device, a row per fleet device), not by how long the console is slow.
 */
export interface Coalescer<T> {
  /** The message type; a connection holds one value of each. */
  readonly type: string;
  /** `held` and `next` may be shared with other connections: return a new value, change neither. */
  merge(held: T, next: T): { value: T; lost: number };
  frame(value: T): Frame;
}

interface Held {
  coalescer: Coalescer<unknown>;
  value: unknown;
}

/**
 * Sends to one console with a bounded buffer. Essential messages (command statuses, answers,
 * snapshots, alerts) are never dropped; when the buffer passes the hard cap the connection is cut
 * instead, and the console reconnects and reloads, which is better than showing a status that
 * silently went missing. Coalescable messages wait, merged, while the buffer is above the soft
 * bound, and go out once it drains.
 */
export class ConsoleConnection {
  private closed = false;
  private readonly held = new Map<string, Held>();
  droppedMessages = 0;

  constructor(
    private readonly socket: ConsoleSocket,
    private readonly limits: BackpressureLimits = DEFAULT_BACKPRESSURE,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  get hasHeld(): boolean {
    return this.held.size > 0;
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

  /**
   * Sends `value` now when the console keeps up and nothing of its type is held; otherwise merges
   * it into what is held and sends that if the buffer has drained. `frame` is `value` already
   * serialized, when the caller shares one between connections. `lost` counts what merging replaced.
   */
  offer<T>(coalescer: Coalescer<T>, value: T, frame?: Frame): { outcome: SendOutcome; lost: number } {
    if (this.closed) return { outcome: 'closed', lost: 0 };
    const held = this.held.get(coalescer.type);
    if (held !== undefined) {
      const merged = coalescer.merge(held.value as T, value);
      held.value = merged.value;
      return { outcome: this.sendHeld(coalescer.type) ?? 'held', lost: merged.lost };
    }
    if (this.socket.bufferedAmount > this.limits.softBytes) {
      this.held.set(coalescer.type, { coalescer, value });
      return { outcome: 'held', lost: 0 };
    }
    return { outcome: this.send(frame ?? coalescer.frame(value)), lost: 0 };
  }

  /** Sends held values, oldest first, while the buffer is below the soft bound. */
  flush(): { type: string; outcome: SendOutcome }[] {
    const results: { type: string; outcome: SendOutcome }[] = [];
    for (const type of [...this.held.keys()]) {
      const outcome = this.sendHeld(type);
      if (outcome === undefined) break;
      results.push({ type, outcome });
    }
    return results;
  }

  markClosed(): void {
    this.closed = true;
    this.held.clear();
  }

  /** undefined when the value must wait: the connection is closed or still above the soft bound. */
  private sendHeld(type: string): SendOutcome | undefined {
    const held = this.held.get(type);
    if (held === undefined || this.closed || this.socket.bufferedAmount > this.limits.softBytes)
      return undefined;
    this.held.delete(type);
    return this.send(held.coalescer.frame(held.value));
  }
}
