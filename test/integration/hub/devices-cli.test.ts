import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDevicesCli, startHubProcess, type HubProcess } from '../../helpers/hub-process.js';
import { useTestTopics } from '../../helpers/kafka.js';

describe('devices CLI against a running hub', () => {
  const ctx = useTestTopics({ partitions: 1 });
  const token = `op-${randomBytes(24).toString('base64url')}`;
  let hub: HubProcess;

  beforeAll(async () => {
    hub = await startHubProcess({ KAFKA_TOPIC_PREFIX: ctx.prefix, HUB_OPERATOR_TOKEN: token });
  });
  afterAll(async () => {
    await hub?.stop('SIGKILL');
  });

  const cli = (...args: string[]) =>
    runDevicesCli(['--url', hub.url, ...args], { HUB_OPERATOR_TOKEN: token, HUB_PORT: undefined });
  const parsed = (stdout: string) => JSON.parse(stdout) as Record<string, unknown>;

  it('adds, lists, rotates and removes a device, and fails clearly', async () => {
    const added = await cli('add', 'cli-pump', '--attr', 'site=north', '--attr', 'floor=2');
    expect(added.code).toBe(0);
    expect(parsed(added.stdout)).toMatchObject({ id: 'cli-pump', attributes: { site: 'north', floor: '2' } });
    const secret = parsed(added.stdout).secret as string;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const listed = await cli('list');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([
      { id: 'cli-pump', createdAt: expect.any(Number) as number, attributes: { site: 'north', floor: '2' } },
    ]);

    const rotated = await cli('rotate', 'cli-pump');
    expect(rotated.code).toBe(0);
    expect(parsed(rotated.stdout).id).toBe('cli-pump');
    expect(parsed(rotated.stdout).secret).not.toBe(secret);

    const removed = await cli('remove', 'cli-pump');
    expect(removed.code).toBe(0);
    expect(parsed(removed.stdout)).toEqual({ id: 'cli-pump', removed: true });

    const again = await cli('remove', 'cli-pump');
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toBe('devices: remove failed: 404 not_found: no device cli-pump\n');

    const wrongToken = await runDevicesCli(['--url', hub.url, '--token', 'nope', 'list'], {});
    expect(wrongToken.code).toBe(1);
    expect(wrongToken.stderr).toMatch(/^devices: list failed: 401 unauthorized: /);

    const usage = await cli('frobnicate');
    expect(usage.code).toBe(64);
    expect(usage.stderr).toMatch(/^devices: unknown command "frobnicate"\n\nusage: /);
  });
});
