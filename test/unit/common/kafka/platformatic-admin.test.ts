import {
  ResponseError,
  type Admin,
  type CreateTopicsOptions,
  type DescribeConfigsOptions,
} from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { kafkaTopicNames } from '../../../../contracts/index.js';
import { ensureTopics, readRecordLimits } from '../../../../common/kafka/platformatic-admin.js';
import { KAFKA_DEFAULT_MAX_MESSAGE_BYTES } from '../../../../common/kafka/record-limits.js';

// What a broker answers to CreateTopics for a topic another process has just created (code 36).
const alreadyExists = () =>
  new ResponseError(19, 7, { '/topics/0': [36, 'Topic already exists.'] }, undefined);

interface FakeAdminOptions {
  existing?: string[];
  /** Topics another process creates between our listing and our request. */
  racing?: string[];
  /** Config values by resource name; a name missing here cannot be described. */
  configs?: Record<string, Record<string, string>>;
  /** How many metadata answers still show a partition without a leader. */
  leaderless?: number;
}

function fakeAdmin(o: FakeAdminOptions = {}) {
  const requests: CreateTopicsOptions[] = [];
  const described: string[][] = [];
  const metadataAsked: string[][] = [];
  let leaderless = o.leaderless ?? 0;
  const partitions = (count: number, leader: number) => Array.from({ length: count }, () => ({ leader }));
  const admin = {
    listTopics: () => Promise.resolve(o.existing ?? []),
    createTopics: (options: CreateTopicsOptions) => {
      requests.push(options);
      if (o.racing?.includes(options.topics[0] ?? '')) return Promise.reject(alreadyExists());
      return Promise.resolve([]);
    },
    metadata: ({ topics }: { topics: string[] }) => {
      metadataAsked.push(topics);
      const leader = leaderless-- > 0 ? -1 : 1;
      return Promise.resolve({
        brokers: new Map([[7, { host: 'h', port: 9092, rack: null }]]),
        topics: new Map(topics.map((t) => [t, { partitions: partitions(2, leader), partitionsCount: 2 }])),
      });
    },
    describeConfigs: ({ resources }: DescribeConfigsOptions) => {
      described.push(resources.map((r) => r.resourceName));
      const missing = resources.find((r) => o.configs?.[r.resourceName] === undefined);
      if (missing) return Promise.reject(new Error(`cannot describe ${missing.resourceName}`));
      return Promise.resolve(
        resources.map((r) => ({
          resourceType: r.resourceType,
          resourceName: r.resourceName,
          configs: Object.entries(o.configs?.[r.resourceName] ?? {}).map(([name, value]) => ({
            name,
            value,
          })),
        })),
      );
    },
  };
  return { admin: admin as unknown as Admin, requests, described, metadataAsked };
}

describe('ensureTopics on @platformatic/kafka', () => {
  const names = kafkaTopicNames('p');

  it('creates each missing topic with its own settings, after its partitions have leaders', async () => {
    const { admin, requests, metadataAsked } = fakeAdmin({
      existing: Object.values(names).filter((t) => t !== names.telemetry && t !== names.devices),
      leaderless: 2,
    });
    const created = await ensureTopics(admin, { prefix: 'p', partitions: 3, replicationFactor: 1 });
    expect(created).toEqual([names.telemetry, names.devices]);
    // Two answers still without leaders, then one with.
    expect(metadataAsked).toEqual(Array.from({ length: 3 }, () => [names.telemetry, names.devices]));
    expect(requests).toEqual([
      { topics: [names.telemetry], partitions: 3, replicas: 1, configs: [] },
      {
        topics: [names.devices],
        partitions: 3,
        replicas: 1,
        configs: [
          { name: 'cleanup.policy', value: 'compact' },
          { name: 'delete.retention.ms', value: '86400000' },
        ],
      },
    ]);
  });

  it('takes a topic another process created meanwhile as there, and creates nothing that exists', async () => {
    const { admin } = fakeAdmin({ racing: [names.alerts] });
    const created = await ensureTopics(admin, { prefix: 'p', partitions: 1, replicationFactor: 1 });
    expect(created).not.toContain(names.alerts);
    expect(created).toHaveLength(Object.keys(names).length - 1);
    const all = fakeAdmin({ existing: Object.values(names) });
    expect(await ensureTopics(all.admin, { prefix: 'p', partitions: 1, replicationFactor: 1 })).toEqual([]);
    expect(all.requests).toEqual([]);
  });
});

describe('readRecordLimits on @platformatic/kafka', () => {
  it("reads each topic's limit, and the broker's for one it cannot describe", async () => {
    const fallbacks: string[] = [];
    const { admin, described } = fakeAdmin({
      configs: { a: { 'max.message.bytes': '20000' }, '7': { 'message.max.bytes': '500000' } },
    });
    const limits = await readRecordLimits(admin, ['a', 'gone'], {
      maxRequestBytes: 1_048_576,
      onFallback: (what) => fallbacks.push(what),
    });
    expect([limits.maxMessageBytes('a'), limits.maxMessageBytes('gone')]).toEqual([20_000, 500_000]);
    expect(fallbacks).toEqual(['max.message.bytes of gone']);
    expect(described).toEqual([['a', 'gone'], ['a'], ['gone'], ['7']]);
  });

  it("uses Kafka's default when neither the topic nor the broker says", async () => {
    const { admin } = fakeAdmin({ configs: {} });
    const limits = await readRecordLimits(admin, ['a'], { maxRequestBytes: 1_048_576 });
    expect(limits.maxMessageBytes('a')).toBe(KAFKA_DEFAULT_MAX_MESSAGE_BYTES);
  });
});
