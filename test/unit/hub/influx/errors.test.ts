import { RequestError, ServiceNotAvailableError } from 'influx/lib/src/pool.js';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import {
  INFLUX_WRITE_RETRIABLE,
  InfluxWriteError,
  classifyWriteError,
} from '../../../../hub/influx/errors.js';

function requestError(status: number, body: string): RequestError {
  return new RequestError(
    {} as ClientRequest,
    { statusCode: status, statusMessage: 'x' } as IncomingMessage,
    body,
  );
}

describe('classifyWriteError', () => {
  it('reads partial writes: the rest was stored, and InfluxDB says how many it dropped', () => {
    expect(
      classifyWriteError(
        requestError(400, '{"error":"partial write: points beyond retention policy dropped=3"}'),
      ),
    ).toEqual({ kind: 'partial', dropped: 3, reason: 'points beyond retention policy' });
  });

  it('treats an unparsable request as final, a missing database or an outage as passing', () => {
    expect(classifyWriteError(requestError(400, '{"error":"unable to parse"}'))).toMatchObject({
      kind: 'failed',
      error: { code: 'rejected', retriable: false },
    });
    expect(classifyWriteError(requestError(404, '{"error":"database not found: \\"x\\""}'))).toMatchObject({
      error: { code: 'database_missing', retriable: true },
    });
    expect(classifyWriteError(new ServiceNotAvailableError('No host available'))).toMatchObject({
      error: { code: 'unavailable', retriable: true },
    });
    expect(
      classifyWriteError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    ).toMatchObject({
      error: { code: 'unavailable', retriable: true },
    });
  });
});

describe('InfluxWriteError', () => {
  it('is final only when InfluxDB refused the points themselves', () => {
    expect(INFLUX_WRITE_RETRIABLE).toEqual({
      unavailable: true,
      database_missing: true,
      unauthorized: true,
      rejected: false,
    });
    const cause = new Error('socket hang up');
    expect(new InfluxWriteError('unauthorized', 'authorization failed', { cause })).toMatchObject({
      code: 'unauthorized',
      retriable: true,
      cause,
    });
  });
});
