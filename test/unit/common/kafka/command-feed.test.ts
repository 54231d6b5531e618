import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { SCHEMAS, buildHeaders, kafkaTopicNames, type CommandRecord } from '../../../../contracts/index.js';
import { CommandFeed } from '../../../../common/kafka/command-feed.js';
import { KafkaConsumerMonitor } from '../../../../common/kafka/consumer-monitor.js';
import { kafkajsPort } from '../../../../common/kafka/kafkajs-port.js';
import { fakeKafka } from './fake-consumer.js';

const topics = kafkaTopicNames('iot');

function command(id: string, params: Record<string, unknown> = {}): CommandRecord {
  return {
    id,
    deviceId: 'dev-1',
    name: 'reboot',
    params,
    issuedAt: 1_700_000_000_000,
    expiresAt: 1_700_000_060_000,
    issuedBy: 'test',
  };
}

async function skipped(registry: Registry): Promise<Record<string, number>> {
  const metric = (await registry.getMetricsAsJSON()).find(
    (m) => m.name === 'gateway_kafka_records_skipped_total',
  );
  return Object.fromEntries(
    (metric?.values ?? []).map((v) => [`${String(v.labels.topic)} ${String(v.labels.reason)}`, v.value]),
  );
}

describe('CommandFeed', () => {
  it('counts hostile records by topic and reason and hands every good one on', async () => {
    const { kafka, consumers } = fakeKafka();
    const registry = new Registry();
    const feed = new CommandFeed(
      kafkajsPort(kafka),
      topics,
      'g',
      pino({ level: 'silent' }),
      new KafkaConsumerMonitor('gateway', registry),
    );
    const seen: string[] = [];
    const invalid: string[] = [];
    await feed.start(0, {
      onCommand: (c) => {
        if (c.id === 'cmd-throws') throw new RangeError('Maximum call stack size exceeded');
        seen.push(c.id);
      },
      onStatus: (s) => seen.push(`status ${s.id}`),
      onInvalid: (topic) => invalid.push(topic),
    });
    const consumer = consumers[0];
    if (consumer === undefined) throw new Error('no consumer');
    const headers = buildHeaders({ deviceId: 'dev-1', schema: SCHEMAS.commands });
    const deep = `{"a":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
    const records: [string, string | null, Record<string, string>][] = [
      [topics.commands, JSON.stringify(command('cmd-1')), headers],
      [topics.commands, JSON.stringify(command('cmd-2')), { ...headers, schema: 'command/9' }],
      [topics.commands, 'not json', headers],
      [topics.commands, null, headers],
      [topics.commands, JSON.stringify(command('cmd-3')).replace('{}', deep), headers],
      [topics.commands, JSON.stringify(command('cmd-throws')), headers],
      [topics.commandStatus, JSON.stringify({ id: 'cmd-1' }), { schema: SCHEMAS.commandStatus }],
      [topics.commands, JSON.stringify(command('cmd-4')), headers],
    ];
    let offset = 0;
    for (const [topic, value, h] of records)
      await consumer.deliver(topic, 0, String(offset++), value, { headers: h });

    expect(seen).toEqual(['cmd-1', 'cmd-4']);
    expect(await skipped(registry)).toEqual({
      'iot.commands schema_mismatch': 1,
      'iot.commands invalid_json': 1,
      'iot.commands no_value': 1,
      'iot.commands invalid_payload': 1,
      'iot.commands handler_error': 1,
      'iot.command-status invalid_payload': 1,
    });
    expect(invalid).toEqual(Array(4).fill(topics.commands));
    await feed.stop();
  });
});
