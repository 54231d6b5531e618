import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFleet, startFleet, type FleetHandle } from '../../../device-sim/index.js';
import { provisioningCredentials } from '../../../device-sim/runtime/provisioning.js';
import { startGatewayProcess, type GatewayProcess } from '../../helpers/gateway-process.js';
import { startHubProcess, type HubProcess } from '../../helpers/hub-process.js';
import { useTestDatabase } from '../../helpers/influx.js';
import { useTestTopics } from '../../helpers/kafka.js';
import { freePort } from '../../helpers/ports.js';

// The functions given to page.waitForFunction and page.evaluate run in the page; the test project
// has no DOM types, so the little of the page they touch is declared here, for this file only.
interface PageElement {
  textContent: string | null;
  getAttribute(name: string): string | null;
}
declare const document: { querySelector(selector: string): PageElement | null };
declare const sessionStorage: { readonly length: number };

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const FLEET = { devices: 5, seed: 3, faults: 0, prefix: 'console-' };
// What each simulated device is, so the registry says the same as its readings.
const MACHINE_TYPES = new Map(
  generateFleet({ ...FLEET, startMs: 0, horizonMs: 86_400_000 }).map((s) => [s.deviceId, s.machineType]),
);
const DEVICES = [...MACHINE_TYPES.keys()];
const ARTIFACTS = 'artifacts';

async function authFailures(hubUrl: string): Promise<number> {
  const text = await (await fetch(`${hubUrl}/metrics`)).text();
  return [...text.matchAll(/^hub_auth_failures_total\{[^}]*\} (\d+)$/gm)].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );
}

describe('the operator console page in a real browser', () => {
  const ctx = useTestTopics({ partitions: 2 });
  const db = useTestDatabase();
  const token = `op-${randomBytes(24).toString('base64url')}`;
  let hub: HubProcess;
  let gateway: GatewayProcess;
  let fleet: FleetHandle | undefined;
  let browser: Browser;
  let hubEnv: Record<string, string>;

  beforeAll(async () => {
    // A fixed port, so the page can find the hub again after it restarts.
    hubEnv = {
      KAFKA_TOPIC_PREFIX: ctx.prefix,
      HUB_OPERATOR_TOKEN: token,
      INFLUX_URL: db.url,
      HUB_PORT: String(await freePort()),
    };
    [hub, gateway] = await Promise.all([
      startHubProcess(hubEnv),
      startGatewayProcess({
        KAFKA_TOPIC_PREFIX: ctx.prefix,
        DEVICE_AUTH: 'registry',
        GATEWAY_ID: 'gw-console',
      }),
    ]);
    const credentials = await provisioningCredentials({
      hubUrl: hub.url,
      operatorToken: token,
      file: join(mkdtempSync(join(tmpdir(), 'console-creds-')), 'credentials.json'),
      attributesFor: (id) => ({ machineType: MACHINE_TYPES.get(id) ?? 'unknown' }),
    });
    fleet = await startFleet({ ...FLEET, url: gateway.mqttUrl, ratePerSec: 2, qos: 1, credentials });
    await fleet.waitForConnected(DEVICES.length, 30_000);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await fleet?.stop();
    await Promise.all([hub?.stop(), gateway?.stop()]);
  });

  async function signIn(page: Page, withToken: string): Promise<void> {
    await page.goto(hub.url);
    await page.fill('#login-token', withToken);
    await page.click('#login-form button[type="submit"]');
  }

  it('shows the devices live, charts the one opened, and follows a command to succeeded', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await signIn(page, token);

    await page.waitForFunction(() => document.querySelector('#connection')?.textContent === 'Live');
    for (const id of DEVICES)
      await page.waitForSelector(`tr[data-device-id="${id}"] .presence.on`, { timeout: 20_000 });
    expect(await page.textContent('#count-online')).toBe(String(DEVICES.length));

    await page.click(`tr[data-device-id="${DEVICES[0]}"]`);
    const chart = '#device-charts figure[data-metric="temperature_c"]';
    await page.waitForSelector(chart);
    const points = async (): Promise<number> => Number(await page.getAttribute(chart, 'data-points'));
    const before = await points();
    // The simulator sends two readings a second; the chart grows as they arrive.
    await page.waitForFunction(
      ([selector, count]) => Number(document.querySelector(selector)?.getAttribute('data-points')) > count,
      [chart, Math.max(before, 6)] as const,
      { timeout: 20_000 },
    );

    await page.fill('#command-name', 'calibrate');
    await page.click('#command-send');
    const command = page.locator('#command-timeline li.command').first();
    await command.locator('[data-status="succeeded"]').waitFor({ timeout: 30_000 });
    expect(
      await command
        .locator('.step')
        .evaluateAll((steps: PageElement[]) => steps.map((s) => s.getAttribute('data-status'))),
    ).toEqual(['queued', 'sent', 'delivered', 'succeeded']);
    expect(await command.locator('strong').textContent()).toBe('calibrate');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.locator('#command-timeline').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'console.png') });
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('refuses a wrong token: the page says so, and the hub opened no WebSocket', async () => {
    const refusalsBefore = await authFailures(hub.url);
    const page = await browser.newPage();
    const opened: string[] = [];
    page.on('websocket', (ws) => ws.on('framereceived', () => opened.push(ws.url())));
    await signIn(page, 'not-the-token');

    await page.waitForFunction(() =>
      /refused/.test(document.querySelector('#login-error')?.textContent ?? ''),
    );
    expect(await page.isVisible('#login-form')).toBe(true);
    expect(await page.textContent('#connection')).toBe('Signed out');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect(opened).toEqual([]);
    // One refused handshake, and one refused check of the token over HTTP.
    expect((await authFailures(hub.url)) - refusalsBefore).toBe(2);
    await page.close();
  });

  it('reconnects by itself after the hub restarts, and watches the open device again', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, token);
    await page.waitForFunction(() => document.querySelector('#connection')?.textContent === 'Live');
    await page.click(`tr[data-device-id="${DEVICES[1]}"]`);
    const chart = '#device-charts figure[data-metric="temperature_c"]';
    await page.waitForSelector(chart);

    await hub.stop();
    await page.waitForFunction(() =>
      /retrying/.test(document.querySelector('#connection')?.textContent ?? ''),
    );
    hub = await startHubProcess(hubEnv);
    await page.waitForFunction(() => document.querySelector('#connection')?.textContent === 'Live', null, {
      timeout: 30_000,
    });
    const before = Number(await page.getAttribute(chart, 'data-points'));
    await page.waitForFunction(
      ([selector, count]) => Number(document.querySelector(selector)?.getAttribute('data-points')) > count,
      [chart, before] as const,
      { timeout: 30_000 },
    );
    expect(await page.locator('tr[data-device-id] .presence.on').count()).toBe(DEVICES.length);
    await page.close();
  });
});
