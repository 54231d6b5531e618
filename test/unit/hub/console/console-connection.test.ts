import { describe, expect, it } from 'vitest';
import {
  ConsoleConnection,
  frameOf,
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
