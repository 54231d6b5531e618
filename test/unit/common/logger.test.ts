import type { ClientRequest, IncomingMessage } from 'node:http';
import { RequestError } from 'influx/lib/src/pool.js';
import { describe, expect, it } from 'vitest';
import { serializeError } from '../../../common/logger.js';

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
