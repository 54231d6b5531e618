import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HttpError } from '../../../../hub/http/errors.js';
import { jsonContentTypeProblem, readBody, readJson } from '../../../../hub/http/body.js';

function request(chunks: (string | Buffer)[], headers: Record<string, string> = {}): IncomingMessage {
  const stream = Readable.from(chunks.map((c) => Buffer.from(c)));
  return Object.assign(stream, { headers }) as unknown as IncomingMessage;
}

async function failure(pending: Promise<unknown>): Promise<HttpError> {
  const error = await pending.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpError);
  return error as HttpError;
}

describe('jsonContentTypeProblem', () => {
  it('accepts application/json, with or without charset=utf-8, in any case', () => {
    for (const type of [
      'application/json',
      'Application/JSON',
      'application/json; charset=utf-8',
      'application/json;charset="UTF-8"',
    ])
      expect(jsonContentTypeProblem(type), type).toBeUndefined();
  });

  it('says why anything else is refused', () => {
    expect(jsonContentTypeProblem(undefined)).toMatch(/missing Content-Type/);
    expect(jsonContentTypeProblem('text/plain')).toMatch(/text\/plain is not supported/);
    expect(jsonContentTypeProblem('application/json; charset=latin1')).toMatch(/only charset=utf-8/);
    expect(jsonContentTypeProblem(`x/${'y'.repeat(200)}`)?.length).toBeLessThan(120);
  });
});

describe('readBody', () => {
  it('joins the chunks of a body within the limit', async () => {
    expect((await readBody(request(['ab', 'cd']), 4)).toString()).toBe('abcd');
  });

  it('reads a body over the limit to its end, then refuses it with 413', async () => {
    const error = await failure(readBody(request(['abc', 'de']), 4));
    expect(error.status).toBe(413);
    expect(error.body).toEqual({ error: 'payload_too_large', reason: 'request body is larger than 4 bytes' });
    expect(error.headers).toEqual({});
  });

  it('refuses a declared length far over the limit before reading, and closes the connection', async () => {
    const error = await failure(readBody(request(['x'], { 'content-length': String(10 * 1024 * 1024) }), 4));
    expect(error.status).toBe(413);
    expect(error.headers).toEqual({ connection: 'close' });
  });
});

describe('readJson', () => {
  const schema = z.strictObject({ id: z.string() });
  const json = { 'content-type': 'application/json' };

  it('returns the validated value', async () => {
    expect(await readJson(request(['{"id":"a"}'], json), schema)).toEqual({ id: 'a' });
  });

  it('answers 415, then 400 with the reason', async () => {
    expect((await failure(readJson(request(['{}'], { 'content-type': 'text/plain' }), schema))).status).toBe(
      415,
    );
    const notJson = await failure(readJson(request(['{'], json), schema));
    expect(notJson.body).toMatchObject({
      error: 'invalid_request',
      reason: expect.stringMatching(/^not JSON/) as string,
    });
    const extra = await failure(readJson(request(['{"id":"a","x":1}'], json), schema));
    expect(extra.body.reason).toMatch(/Unrecognized key: "x"/);
    const latin1 = await failure(readJson(request([Buffer.from([0x7b, 0xe9, 0x7d])], json), schema));
    expect(latin1.body.reason).toBe('payload is not valid UTF-8');
  });
});
