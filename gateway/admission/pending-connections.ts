/**
 * Connections from one address that have not yet authenticated. A connection that never sends
 * CONNECT holds a socket until the connect timeout, so without a cap one address could hold every
 * file descriptor of the process; the cap is high because a fleet behind one NAT reconnects at once.
 */
export class PendingConnections {
  private readonly byAddress = new Map<string, number>();

  constructor(private readonly maxPerAddress: number) {}

  /** A release function for the new connection, or undefined when `address` is at its cap. */
  admit(address: string): (() => void) | undefined {
    const count = this.byAddress.get(address) ?? 0;
    if (count >= this.maxPerAddress) return undefined;
    this.byAddress.set(address, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.byAddress.get(address) ?? 1) - 1;
      if (left <= 0) this.byAddress.delete(address);
      else this.byAddress.set(address, left);
    };
  }

  /** Pending connections in all. */
  get size(): number {
    let total = 0;
    for (const count of this.byAddress.values()) total += count;
    return total;
  }

  get addresses(): number {
    return this.byAddress.size;
  }
}
