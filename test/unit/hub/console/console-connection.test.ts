import { describe, expect, it } from 'vitest';
import {
  ConsoleConnection,
  frameOf,
  type Coalescer,
  type ConsoleSocket,
} from '../../../../hub/console/console-connection.js';

class FakeSocket implements ConsoleSocket {
  bufferedAmount = 0;
  sent: string[] = [];
  terminated = false;
  send(data: string): void {
    this.sent.push(data);
    this.bufferedAmount += Buffer.byteLength(data);
  }
  terminate(): void {
    this.terminated = true;
  }
}

describe('ConsoleConnection', () => {
  const limits = { softBytes: 100, hardBytes: 300 };
  const status = frameOf({ type: 'commandStatus', id: 'x'.repeat(40) }, true);
  const pong = frameOf({ type: 'pong', serverTime: 1 }, false);

  it('sends everything while the client keeps up', () => {
    const socket = new FakeSocket();
    const connection = new ConsoleConnection(socket, limits);
    expect(connection.send(status)).toBe('sent');
    expect(connection.send(pong)).toBe('sent');
    expect(socket.sent).toEqual([status.data, pong.data]);
  });

  it('drops droppable messages above the soft bound and counts them, but keeps sending essential ones', () => {
    const socket = new FakeSocket();
    const connection = new ConsoleConnection(socket, limits);
    socket.bufferedAmount = 150;
    expect(connection.send(pong)).toBe('dropped');
    expect(connection.send(pong)).toBe('dropped');
    expect(connection.send(status)).toBe('sent');
    expect(connection.droppedMessages).toBe(2);
    expect(socket.sent).toEqual([status.data]);
  });

  it('cuts the connection rather than drop an essential message past the hard cap', () => {
    const socket = new FakeSocket();
    const connection = new ConsoleConnection(socket, limits);
    socket.bufferedAmount = 300 - status.bytes + 1;
    expect(connection.send(status)).toBe('cut');
    expect(socket.terminated).toBe(true);
    expect(connection.isClosed).toBe(true);
    expect(connection.send(status)).toBe('closed');
    expect(socket.sent).toEqual([]);
  });
});

describe('ConsoleConnection coalescing', () => {
  const limits = { softBytes: 100, hardBytes: 10_000 };
  // Values are lists of [key, version]; merging keeps the newest version per key and counts the rest.
  type Value = [string, number][];
  const latestPerKey: Coalescer<Value> = {
    type: 'telemetry',
    merge(held, next) {
      const merged = new Map(held);
      let lost = 0;
      for (const [key, version] of next) {
        if (merged.has(key)) lost++;
        merged.set(key, version);
      }
      return { value: [...merged], lost };
    },
    frame: (value) => frameOf({ type: 'telemetry', value }, false),
  };
  const sentValues = (socket: FakeSocket): Value[] =>
    socket.sent.map((data) => (JSON.parse(data) as { value: Value }).value);

  it('sends at once while the console keeps up', () => {
    const socket = new FakeSocket();
    const connection = new ConsoleConnection(socket, limits);
    expect(connection.offer(latestPerKey, [['a', 1]])).toEqual({ outcome: 'sent', lost: 0 });
    expect(sentValues(socket)).toEqual([[['a', 1]]]);
    expect(connection.hasHeld).toBe(false);
  });

  it('holds while the console is slow, keeps the latest per key, and sends the merge once it drains', () => {
    const socket = new FakeSocket();
    const connection = new ConsoleConnection(socket, limits);
    socket.bufferedAmount = 500;
    expect(connection.offer(latestPerKey, [['a', 1]]).outcome).toBe('held');
    expect(connection.offer(latestPerKey, [['b', 1]])).toEqual({ outcome: 'held', lost: 0 });
    expect(connection.offer(latestPerKey, [['a', 2]])).toEqual({ outcome: 'held', lost: 1 });
    expect(connection.offer(latestPerKey, [['a', 3]])).toEqual({ outcome: 'held', lost: 1 });
    expect(socket.sent).toEqual([]);
    expect(connection.flush()).toEqual([]);

    socket.bufferedAmount = 0;
    expect(connection.flush()).toEqual([{ type: 'telemetry', outcome: 'sent' }]);
    expect(sentValues(socket)).toEqual([
      [
        ['a', 3],
        ['b', 1],
      ],
    ]);
    expect(connection.hasHeld).toBe(false);
  });

  it('sends a held value with the next offer once the buffer has drained, never out of order', () => {
    const socket = new FakeSocket();
    const connection = new ConsoleConnection(socket, limits);
    socket.bufferedAmount = 500;
    connection.offer(latestPerKey, [['a', 1]]);
    socket.bufferedAmount = 0;
    expect(connection.offer(latestPerKey, [['b', 1]])).toEqual({ outcome: 'sent', lost: 0 });
    expect(sentValues(socket)).toEqual([
      [
        ['a', 1],
        ['b', 1],
      ],
    ]);
  });

  it('forgets what it held when the connection closes', () => {
    const socket = new FakeSocket();
    const connection = new ConsoleConnection(socket, limits);
    socket.bufferedAmount = 500;
    connection.offer(latestPerKey, [['a', 1]]);
    connection.markClosed();
    expect(connection.hasHeld).toBe(false);
    expect(connection.offer(latestPerKey, [['a', 2]]).outcome).toBe('closed');
  });
});
