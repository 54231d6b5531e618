import { beforeEach, describe, expect, it } from 'vitest';
import {
  issueCommandRequestSchema,
  type CommandRecord,
  type CommandStatusRecord,
} from '../../../../contracts/index.js';
import { createLogger } from '../../../../common/logger.js';
import { CommandService } from '../../../../hub/commands/command-service.js';
import { CommandTracker } from '../../../../hub/commands/command-tracker.js';
import { T0 } from './fixtures.js';

describe('CommandService', () => {
  const limits = { defaultTtlMs: 60_000, maxTtlMs: 3_600_000, maxParamsBytes: 8192 };
  const request = (fields: Record<string, unknown>) =>
    issueCommandRequestSchema(limits).parse({ deviceId: 'pump-1', name: 'reboot', ...fields });
  let writes: (CommandRecord | CommandStatusRecord)[];
  let failCommandWrite: boolean;
  let tracker: CommandTracker;
  let service: CommandService;
  let issued: string[];

  beforeEach(() => {
    writes = [];
    failCommandWrite = false;
    issued = [];
    tracker = new CommandTracker({
      retentionMs: 3_600_000,
      orphanTtlMs: 60_000,
      maxOrphans: 10,
      now: () => T0,
    });
    let n = 0;
    service = new CommandService({
      devices: { get: (id) => (id === 'pump-1' ? {} : undefined) },
      log: {
        writeCommand: (command) => {
          if (failCommandWrite) return Promise.reject(new Error('not leader'));
          writes.push(command);
          return Promise.resolve();
        },
        writeStatuses: (statuses) => {
          writes.push(...statuses);
          return Promise.resolve();
        },
      },
      tracker,
      limits,
      now: () => T0,
      newId: () => `cmd-${++n}`,
      logger: createLogger('test', 'silent'),
      onIssued: (via) => issued.push(via),
    });
  });

  it('writes queued, then the command, and answers with what the tracker already shows', async () => {
    const outcome = await service.issue(request({ params: { delayMs: 5 }, ttlMs: 2000 }), 'http');
    expect(outcome).toEqual({ ok: true, value: { id: 'cmd-1', status: 'queued', expiresAt: T0 + 2000 } });
    expect(writes).toEqual([
      { id: 'cmd-1', deviceId: 'pump-1', status: 'queued', at: T0 },
      {
        id: 'cmd-1',
        deviceId: 'pump-1',
        name: 'reboot',
        params: { delayMs: 5 },
        issuedAt: T0,
        expiresAt: T0 + 2000,
        issuedBy: 'operator:http',
      },
    ]);
    expect(service.get('cmd-1')).toMatchObject({ status: 'queued', command: { issuedBy: 'operator:http' } });
    expect(service.list(10, 'pump-1')).toHaveLength(1);
    expect(issued).toEqual(['http']);
  });

  it('uses an id the caller reserved', async () => {
    const id = service.newId();
    const outcome = await service.issue(request({}), 'console', id);
    expect(outcome).toMatchObject({ ok: true, value: { id } });
    expect(service.get(id)?.command.issuedBy).toBe('operator:console');
  });

  it('refuses large params and unknown devices without writing anything', async () => {
    expect(await service.issue(request({ params: { blob: 'x'.repeat(8190) } }), 'http')).toEqual({
      ok: false,
      code: 'payload_too_large',
      reason: 'params are 8201 bytes as JSON; at most 8192 are allowed',
    });
    expect(await service.issue(request({ deviceId: 'ghost' }), 'http')).toEqual({
      ok: false,
      code: 'not_found',
      reason: 'no device ghost',
    });
    expect(writes).toEqual([]);
    expect(issued).toEqual([]);
  });

  it('reports a failed Kafka write with the id to look up, and does not track the command', async () => {
    failCommandWrite = true;
    const outcome = await service.issue(request({}), 'http');
    expect(outcome).toMatchObject({ ok: false, code: 'unavailable' });
    expect(!outcome.ok && outcome.reason).toMatch(/GET \/api\/commands\/cmd-1/);
    expect(service.get('cmd-1')).toBeUndefined();
  });
});
