import { spawn } from 'node:child_process';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { fileURLToPath } from 'node:url';
import { RequestError } from 'influx/lib/src/pool.js';
import { describe, expect, it } from 'vitest';
import { serializeError } from '../../../common/logger.js';

const LOG_THEN_EXIT = fileURLToPath(new URL('./fixtures/log-then-exit.ts', import.meta.url));

/** The `line` numbers a process logging through createLogger wrote, as a slow reader gets them. */
async function linesReadSlowly(): Promise<number[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', LOG_THEN_EXIT], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // The pipe fills while nobody reads, as it does behind a busy collector or many workers.
  child.stdout.pause();
  setTimeout(() => child.stdout.resume(), 300);
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await new Promise((resolve) => child.once('close', resolve));
  return out
    .trim()
    .split('\n')
    .map((text) => (JSON.parse(text) as { line: number }).line);
}

describe('createLogger', () => {
  // pino's asynchronous default reorders lines about three runs in four here, so three runs in
  // order are not luck.
  it('writes every line in order through a full pipe and an immediate process.exit', async () => {
    for (let run = 0; run < 3; run++) {
      const lines = await linesReadSlowly();
      expect(lines).toEqual(Array.from({ length: 400 }, (_, index) => index));
    }
  });
});

describe('serializeError', () => {
  it('drops the HTTP request an influx error carries, whose headers hold the URL credentials', () => {
    const basic = Buffer.from('admin:s3cret-pw').toString('base64');
    const req = {
      _header: `POST /write?db=iot HTTP/1.1\r\nAuthorization: Basic ${basic}\r\n\r\n`,
    } as unknown as ClientRequest;
    const res = { statusCode: 500, statusMessage: 'Internal Server Error' } as IncomingMessage;
    const text = JSON.stringify(serializeError(new RequestError(req, res, 'timeout')));
    expect(text).toContain('A 500 Internal Server Error error occurred: timeout');
    expect(text).not.toContain(basic);
  });

  it('keeps what an ordinary error says', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8086'), { code: 'ECONNREFUSED' });
    expect(serializeError(error)).toMatchObject({
      type: 'Error',
      message: 'connect ECONNREFUSED 127.0.0.1:8086',
      code: 'ECONNREFUSED',
    });
  });
});
