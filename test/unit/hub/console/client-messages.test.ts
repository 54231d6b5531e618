import { describe, expect, it } from 'vitest';
import { parseClientMessage } from '../../../../hub/console/client-messages.js';

const text = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('parseClientMessage', () => {
  it('reads the client messages of the protocol', () => {
    expect(parseClientMessage(text({ type: 'ping', requestId: 'r1' }), false)).toEqual({
      ok: true,
      value: { type: 'ping', requestId: 'r1' },
    });
    expect(
      parseClientMessage(text({ type: 'issueCommand', deviceId: 'd-1', name: 'reboot' }), false),
    ).toEqual({
      ok: true,
      value: { type: 'issueCommand', deviceId: 'd-1', name: 'reboot', params: {} },
    });
    expect(parseClientMessage(text({ type: 'watch', deviceIds: ['d-1', 'd-2'] }), false)).toEqual({
      ok: true,
      value: { type: 'watch', deviceIds: ['d-1', 'd-2'] },
    });
    expect(parseClientMessage(text({ type: 'unwatch', requestId: 'u', deviceIds: ['d-1'] }), false)).toEqual({
      ok: true,
      value: { type: 'unwatch', requestId: 'u', deviceIds: ['d-1'] },
    });
  });

  it('says what is wrong, keeping a valid requestId so the client can match the error', () => {
    expect(parseClientMessage(text('nope'), false)).toEqual({
      ok: false,
      code: 'invalid_message',
      reason: 'message is not JSON text',
    });
    expect(parseClientMessage(Buffer.from([0xff, 0xfe]), false)).toMatchObject({ ok: false });
    expect(parseClientMessage(text({ type: 'ping' }), true)).toMatchObject({
      reason: expect.stringMatching(/text frames/) as string,
    });
    expect(parseClientMessage(text([1]), false)).toMatchObject({
      reason: expect.stringMatching(/JSON object/) as string,
    });
    expect(parseClientMessage(text({ requestId: 'r2' }), false)).toEqual({
      ok: false,
      code: 'invalid_message',
      reason: 'unknown message type missing; known: issueCommand, ping, watch, unwatch',
      requestId: 'r2',
    });
    expect(parseClientMessage(text({ type: 'subscribe', requestId: 'r3' }), false)).toEqual({
      ok: false,
      code: 'invalid_message',
      reason: 'unknown message type "subscribe"; known: issueCommand, ping, watch, unwatch',
      requestId: 'r3',
    });
    expect(parseClientMessage(text({ type: 'watch', requestId: 'r5', deviceIds: [] }), false)).toEqual({
      ok: false,
      code: 'invalid_message',
      reason: expect.stringMatching(/^deviceIds: /) as string,
      requestId: 'r5',
    });
    expect(
      parseClientMessage(text({ type: 'issueCommand', requestId: 'r4', deviceId: 'd', name: 'X' }), false),
    ).toEqual({
      ok: false,
      code: 'invalid_message',
      reason: expect.stringMatching(/^name: command name must match/) as string,
      requestId: 'r4',
    });
    expect(parseClientMessage(text({ type: 'ping', extra: 1 }), false)).toMatchObject({
      reason: expect.stringMatching(/Unrecognized key: "extra"/) as string,
    });
    expect(parseClientMessage(text({ type: 'ping', requestId: 'has space' }), false)).not.toHaveProperty(
      'requestId',
    );
  });

  it('refuses a frame nested deeper than the JSON limits before parsing it, without throwing', () => {
    const deep = Buffer.from(`{"type":"issue-command","params":${'['.repeat(20_000)}${']'.repeat(20_000)}}`);
    const parsed = parseClientMessage(deep, false);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(/maxDepth/);
  });

  it('refuses a frame with a __proto__ key', () => {
    const parsed = parseClientMessage(Buffer.from('{"type":"ping","__proto__":{"polluted":true}}'), false);
    expect(parsed.ok).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
