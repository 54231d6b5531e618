export type PendingRefusal = 'pending_per_address' | 'pending_total';

/**
 * Connections that have not yet completed CONNECT, per source address and in all. A connection
 * that never sends CONNECT holds a socket until the connect timeout, so without a cap one address
 * could hold every file descriptor of the process; that cap is high because a fleet behind one NAT
 * reconnects at once. The total bounds the handshakes in progress: in a reconnect storm the
 * surplus is refused at accept, cheaply, and tries again later, instead of every connection
 * waiting its turn until it times out on both sides.
 */
export class PendingConnections {
  private readonly byAddress = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly maxPerAddress: number,
    private readonly maxTotal = Number.POSITIVE_INFINITY,
  ) {}

  /** A release function for the new connection, or why it is refused. */
  admit(address: string): (() => void) | PendingRefusal {
    if (this.total >= this.maxTotal) return 'pending_total';
    const count = this.byAddress.get(address) ?? 0;
    if (count >= this.maxPerAddress) return 'pending_per_address';
    this.byAddress.set(address, count + 1);
    this.total++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      const left = (this.byAddress.get(address) ?? 1) - 1;
      if (left <= 0) this.byAddress.delete(address);
      else this.byAddress.set(address, left);
    };
  }

  /** Pending connections in all. */
  get size(): number {
    return this.total;
  }

  get addresses(): number {
    return this.byAddress.size;
  }
}
