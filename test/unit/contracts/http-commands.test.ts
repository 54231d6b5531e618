import { describe, expect, it } from 'vitest';
import {
  acceptedCommandSchema,
  commandListSchema,
  commandPath,
  commandViewSchema,
  issueCommandRequestSchema,
  summarizeIssues,
  type CommandView,
} from '../../../contracts/index.js';

const schema = issueCommandRequestSchema({ defaultTtlMs: 60_000, maxTtlMs: 3_600_000, maxParamsBytes: 8192 });

function problem(body: unknown): string {
  const result = schema.safeParse(body);
  if (result.success) throw new Error(`accepted ${JSON.stringify(body)}`);
  return summarizeIssues(result.error.issues);
}

describe('issueCommandRequestSchema', () => {
  it('fills in params and the default TTL', () => {
    expect(schema.parse({ deviceId: 'pump-1', name: 'reboot' })).toEqual({
      deviceId: 'pump-1',
      name: 'reboot',
      params: {},
      ttlMs: 60_000,
    });
    expect(schema.parse({ deviceId: 'p', name: 'set-load', params: { load: 1 }, ttlMs: 1000 }).ttlMs).toBe(
      1000,
    );
  });

  it('never defaults beyond the maximum', () => {
    const tight = issueCommandRequestSchema({ defaultTtlMs: 60_000, maxTtlMs: 5000, maxParamsBytes: 8192 });
    expect(tight.parse({ deviceId: 'p', name: 'reboot' }).ttlMs).toBe(5000);
  });

  it('refuses what breaks a rule, saying which', () => {
    const base = { deviceId: 'pump-1', name: 'reboot' };
    expect(problem({ ...base, ttlMs: 999 })).toMatch(/ttlMs: ttlMs must be at least 1000/);
    expect(problem({ ...base, ttlMs: 3_600_001 })).toMatch(
      /ttlMs must be at most 3600000 \(COMMAND_MAX_TTL_MS\)/,
    );
    expect(problem({ ...base, ttlMs: 1000.5 })).toMatch(/ttlMs must be an integer/);
    expect(problem({ ...base, ttlMs: '5000' })).toMatch(/ttlMs/);
    expect(problem({ ...base, params: [] })).toMatch(/^params:/);
    expect(problem({ ...base, params: null })).toMatch(/^params:/);
    expect(problem({ ...base, name: 'Reboot' })).toMatch(/command name must match/);
    expect(problem({ ...base, name: 'a/b' })).toMatch(/command name must match/);
    expect(problem({ ...base, deviceId: '-x' })).toMatch(/device id must match/);
    expect(problem({ name: 'reboot' })).toMatch(/deviceId/);
    expect(problem({ ...base, expiresAt: 1 })).toMatch(/Unrecognized key: "expiresAt"/);
  });
});

describe('command replies', () => {
  const view: CommandView = {
    command: {
      id: 'erp:42',
      deviceId: 'pump-1',
      name: 'reboot',
      params: {},
      issuedAt: 1000,
      expiresAt: 61_000,
      issuedBy: 'operator:http',
    },
    status: 'delivered',
    updatedAt: 1200,
    history: [
      { status: 'queued', at: 1000 },
      { status: 'sent', at: 1100, gatewayId: 'gw-1' },
      { status: 'delivered', at: 1200, gatewayId: 'gw-1' },
    ],
  };

  it('read what the hub answers', () => {
    expect(commandPath('erp:42')).toBe('/api/commands/erp%3A42');
    expect(acceptedCommandSchema.parse({ id: 'erp:42', status: 'queued', expiresAt: 61_000 })).toEqual({
      id: 'erp:42',
      status: 'queued',
      expiresAt: 61_000,
    });
    expect(commandViewSchema.parse(view)).toEqual(view);
    const { history: _history, ...summary } = view;
    expect(commandListSchema.parse({ commands: [summary], limit: 50 })).toEqual({
      commands: [summary],
      limit: 50,
    });
  });

  it('refuse an unknown status, a command without its fields, or a history that is not a list', () => {
    expect(acceptedCommandSchema.safeParse({ id: 'c', status: 'sent', expiresAt: 1 }).success).toBe(false);
    expect(commandViewSchema.safeParse({ ...view, status: 'lost' }).success).toBe(false);
    expect(commandViewSchema.safeParse({ ...view, command: { id: 'c' } }).success).toBe(false);
    expect(commandViewSchema.safeParse({ ...view, history: {} }).success).toBe(false);
  });
});
