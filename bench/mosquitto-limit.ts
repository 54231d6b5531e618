import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import mqtt from 'mqtt';
import type { Cleanup } from './cleanup.js';
import { closeDevices, connectDevices, deviceIds, noDelay, tagOf } from './devices.js';
import { LatencyHistogram, latencySummary } from './latency.js';
import { runWindowLoad } from './load.js';
import { startMosquitto, type MosquittoSettings } from './mosquitto.js';
import { UsageMeter } from './usage.js';

export interface MosquittoLimitOptions {
  devices: number;
  window: number;
  seconds: number;
  warmupSeconds: number;
  settings: MosquittoSettings;
}

interface Tally {
  received: number;
  lastAt: number;
  latency: LatencyHistogram;
}

const DRAIN_TIMEOUT_MS = 15_000;

/**
 * An MQTT broker with no Kafka behind it: the same devices and QoS 1 window as the gateway's
 * maximum, publishing to a local mosquitto that relays everything to one mqtt.js subscriber.
 */
export async function measureMosquittoRelay(options: MosquittoLimitOptions, cleanup: Cleanup) {
  const broker = await startMosquitto(options.settings);
  cleanup.add('mosquitto', () => broker.stop());
  const subscriber = noDelay(
    await mqtt.connectAsync(broker.url, {
      clientId: 'bench-subscriber',
      reconnectPeriod: 0,
    }),
  );
  cleanup.add('mosquitto subscriber', () => subscriber.endAsync(true));
  const tallies = new Map<string, Tally>();
  subscriber.on('message', (topic, payload) => {
    const tally = tallies.get(tagOf(topic.split('/')[1] ?? ''));
    if (!tally) return;
    tally.received++;
    tally.lastAt = performance.now();
    const { ts } = JSON.parse(payload.toString()) as { ts?: unknown };
    if (typeof ts === 'number') tally.latency.record(Date.now() - ts);
  });
  await subscriber.subscribeAsync('devices/+/telemetry', { qos: 1 });

  const phase = async (tag: string, seconds: number) => {
    const tally: Tally = { received: 0, lastAt: 0, latency: new LatencyHistogram() };
    tallies.set(tag, tally);
    const devices = await connectDevices(broker.url, deviceIds(tag, options.devices));
    const meter = new UsageMeter({ mosquitto: broker.pid, benchProcess: process.pid }).start();
    const started = performance.now();
    try {
      const load = await runWindowLoad(devices, options.window, seconds);
      const deadline = Date.now() + DRAIN_TIMEOUT_MS;
      while (tally.received < load.completed && Date.now() < deadline) await sleep(50);
      const elapsed = (Math.max(tally.lastAt, started) - started) / 1000;
      return {
        published: load.published,
        acknowledged: load.completed,
        received: tally.received,
        lost: load.completed - tally.received,
        seconds: Math.round(elapsed * 100) / 100,
        recordsPerSecond: elapsed > 0 ? Math.round(tally.received / elapsed) : 0,
        latencyMs: {
          deviceToSubscriber: latencySummary(tally.latency),
          publishToPuback: latencySummary(load.ackLatency),
        },
        usage: meter.stop(),
      };
    } finally {
      await closeDevices(devices);
    }
  };
  await phase('warm', options.warmupSeconds);
  return phase('relay', options.seconds);
}
