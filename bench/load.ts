import { performance } from 'node:perf_hooks';
import type { BenchDevice } from './devices.js';
import { telemetryPayload } from './devices.js';
import { LatencyHistogram } from './latency.js';
import { runPaced } from './pacer.js';

export interface LoadResult {
  /** Messages the load wanted to send (paced: rate x time). */
  offered: number;
  /** Messages handed to mqtt.js. */
  published: number;
  /** QoS 1: PUBACKed; QoS 0: written to the socket. */
  completed: number;
  /** Publishes that failed (connection lost). */
  failed: number;
  /** Paced: sends not made because the device already had `maxOutstanding` uncompleted messages. */
  skipped: number;
  /** Time the load was offered for. */
  offeredSeconds: number;
  /** From the first send to the last completion. */
  seconds: number;
  /** QoS 1: publish to PUBACK. */
  ackLatency: LatencyHistogram;
}

function publishTelemetry(device: BenchDevice, qos: 0 | 1, done: (ok: boolean) => void): void {
  const payload = telemetryPayload(device.seq++, Date.now());
  device.client.publish(device.topic, payload, { qos }, (error) => done(!error));
}

/** Closed loop: every device keeps `window` QoS 1 messages unacknowledged until `seconds` pass. */
export async function runWindowLoad(
  devices: BenchDevice[],
  window: number,
  seconds: number,
): Promise<LoadResult> {
  const ackLatency = new LatencyHistogram();
  let published = 0;
  let completed = 0;
  let failed = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const lane = async (device: BenchDevice): Promise<void> => {
    while (performance.now() < deadline) {
      const sentAt = performance.now();
      published++;
      const ok = await new Promise<boolean>((resolve) => publishTelemetry(device, 1, resolve));
      if (!ok) {
        failed++;
        return;
      }
      completed++;
      ackLatency.record(performance.now() - sentAt);
    }
  };
  await Promise.all(devices.flatMap((device) => Array.from({ length: window }, () => lane(device))));
  const elapsed = (performance.now() - started) / 1000;
  return {
    offered: published,
    published,
    completed,
    failed,
    skipped: 0,
    offeredSeconds: seconds,
    seconds: elapsed,
    ackLatency,
  };
}

export interface PacedLoadOptions {
  ratePerSecond: number;
  seconds: number;
  qos: 0 | 1;
  /** Uncompleted messages one device may have before further sends are skipped (and counted). */
  maxOutstanding: number;
  /** How long to wait for the last completions after the load ends. */
  drainTimeoutMs: number;
}

/** Open loop: `ratePerSecond` messages spread round-robin over the devices, whatever the gateway does. */
export async function runPacedLoad(devices: BenchDevice[], options: PacedLoadOptions): Promise<LoadResult> {
  const ackLatency = new LatencyHistogram();
  let published = 0;
  let completed = 0;
  let failed = 0;
  let skipped = 0;
  const started = performance.now();
  let lastCompletion = started;
  let onSettled: (() => void) | undefined;
  const paced = await runPaced(options.ratePerSecond, options.seconds, (k) => {
    const device = devices[k % devices.length];
    if (!device || device.outstanding >= options.maxOutstanding) {
      skipped++;
      return;
    }
    device.outstanding++;
    published++;
    const sentAt = performance.now();
    publishTelemetry(device, options.qos, (ok) => {
      device.outstanding--;
      lastCompletion = performance.now();
      if (!ok) failed++;
      else {
        completed++;
        if (options.qos === 1) ackLatency.record(lastCompletion - sentAt);
      }
      if (completed + failed === published) onSettled?.();
    });
  });
  if (completed + failed < published) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.drainTimeoutMs);
      onSettled = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  return {
    offered: paced.sent,
    published,
    completed,
    failed,
    skipped,
    offeredSeconds: paced.seconds,
    seconds: (Math.max(lastCompletion, started + paced.seconds * 1000) - started) / 1000,
    ackLatency,
  };
}
