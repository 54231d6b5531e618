import type { PartitionEnd } from './catch-up.js';
import type { FollowFrom } from './port.js';
import type { PartitionBounds, PartitionPosition } from './read-positions.js';

/** Where a private reader starts in each partition, and which records it must read to be caught up. */
export interface FollowStart {
  starts: PartitionPosition[];
  /** Empty when reading from now: nothing is owed. */
  ends: PartitionEnd[];
}

/**
 * Where reading `topic` `from` starts, given its partitions' bounds now and, for a timestamp, the
 * offset of each partition's first record at or after it (negative or absent: none yet). Pure.
 */
export function followStart(
  topic: string,
  bounds: readonly PartitionBounds[],
  from: FollowFrom,
  firstAtTimestamp: ReadonlyMap<number, string> = new Map(),
): FollowStart {
  const start: FollowStart = { starts: [], ends: [] };
  for (const { partition, low, high } of bounds) {
    let offset = high;
    if (from === 'beginning') offset = low;
    else if (from !== 'now') {
      const found = firstAtTimestamp.get(partition);
      if (found !== undefined && BigInt(found) >= 0n) offset = found;
    }
    start.starts.push({ topic, partition, offset });
    if (from !== 'now') start.ends.push({ topic, partition, end: Number(high), start: Number(offset) });
  }
  return start;
}
