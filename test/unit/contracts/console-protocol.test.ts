import { describe, expect, it } from 'vitest';
import { CLIENT_MESSAGE_TYPES, clientMessageSchema, serverMessageSchema } from '../../../contracts/index.js';

describe('console protocol', () => {
  it('lists the client message types', () => {
    expect(CLIENT_MESSAGE_TYPES).toEqual(['issueCommand', 'ping', 'watch', 'unwatch']);
  });

  it('reads client messages strictly', () => {
    expect(clientMessageSchema.safeParse({ type: 'ping', note: 1 }).success).toBe(false);
    expect(
      clientMessageSchema.safeParse({ type: 'issueCommand', deviceId: 'd', name: 'reboot', params: [] })
        .success,
    ).toBe(false);
    expect(
      clientMessageSchema.parse({ type: 'issueCommand', deviceId: 'd', name: 'reboot', ttlMs: 5000 }),
    ).toEqual({
      type: 'issueCommand',
      deviceId: 'd',
      name: 'reboot',
      params: {},
      ttlMs: 5000,
    });
  });

  it('reads server messages leniently, so a console keeps working with a newer hub', () => {
    const status = {
      type: 'commandStatus',
      id: 'c',
      deviceId: 'd',
      status: 'expired',
      at: 1,
      newField: true,
    };
    expect(serverMessageSchema.parse(status)).toEqual({
      type: 'commandStatus',
      id: 'c',
      deviceId: 'd',
      status: 'expired',
      at: 1,
    });
    expect(
      serverMessageSchema.safeParse({ type: 'commandStatus', id: 'c', deviceId: 'd', status: 'lost', at: 1 })
        .success,
    ).toBe(false);
    expect(serverMessageSchema.safeParse({ type: 'error', code: 'teapot', reason: '' }).success).toBe(false);
  });
});
