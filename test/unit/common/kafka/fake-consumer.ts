import type { ConsumerConfig, ConsumerRunConfig, Kafka, KafkaMessage, TopicPartitionOffset } from 'kafkajs';

const CRASH = 'consumer.crash';

/** The part of a kafkajs consumer the helper uses, driven by the test. */
export class FakeConsumer {
  readonly events = { CRASH };
  readonly seeks: TopicPartitionOffset[] = [];
  runConfig: ConsumerRunConfig | undefined;
  connected = false;
  private readonly crashListeners: ((event: { payload: { error: Error; restart: boolean } }) => void)[] = [];

  constructor(
    readonly config: ConsumerConfig,
    private readonly failConnect: Error | undefined,
  ) {}

  on(event: string, listener: (event: { payload: { error: Error; restart: boolean } }) => void): void {
    if (event === CRASH) this.crashListeners.push(listener);
  }

  connect(): Promise<void> {
    if (this.failConnect) return Promise.reject(this.failConnect);
    this.connected = true;
    return Promise.resolve();
  }

  subscribe(): Promise<void> {
    return Promise.resolve();
  }

  /** When set, the consumer crashes with it while `run` joins the group, as kafkajs can. */
  crashDuringRun: Error | undefined;
  private crashed = false;

  run(config: ConsumerRunConfig): Promise<void> {
    this.runConfig = config;
    if (this.crashDuringRun) this.crash(this.crashDuringRun);
    return Promise.resolve();
  }

  seek(position: TopicPartitionOffset): void {
    // kafkajs: "Consumer group was not initialized, consumer#run must be called first".
    if (this.crashed)
      throw new Error('Consumer group was not initialized, consumer#run must be called first');
    this.seeks.push(position);
  }

  disconnect(): Promise<void> {
    this.connected = false;
    return Promise.resolve();
  }

  crash(error: Error): void {
    this.crashed = true;
    for (const listener of this.crashListeners) listener({ payload: { error, restart: false } });
  }

  /** Hands one record to the handler kafkajs would call. */
  async deliver(
    topic: string,
    partition: number,
    offset: string,
    value: string | null = 'v',
    options: { key?: string; headers?: Record<string, string> } = {},
  ): Promise<void> {
    const message = {
      offset,
      value: value === null ? null : Buffer.from(value),
      key: options.key === undefined ? null : Buffer.from(options.key),
      headers: options.headers ?? {},
    } as unknown as KafkaMessage;
    await this.runConfig?.eachMessage?.({
      topic,
      partition,
      message,
      heartbeat: () => Promise.resolve(),
      pause: () => () => undefined,
    });
  }

  async deliverBatch(topic: string, partition: number, offsets: string[]): Promise<void> {
    const messages = offsets.map((offset) => ({ offset, value: Buffer.from('v'), key: null, headers: {} }));
    await this.runConfig?.eachBatch?.({
      batch: { topic, partition, messages },
      isRunning: () => true,
      isStale: () => false,
    } as unknown as Parameters<NonNullable<ConsumerRunConfig['eachBatch']>>[0]);
  }
}

export interface FakeTopics {
  /** Each topic's one partition: where it starts and ends. */
  low?: string;
  high?: string;
  /** The offset `fetchTopicOffsetsByTimestamp` finds, -1 for none. */
  atTimestamp?: string;
}

/** A kafkajs client whose topics have one partition each (empty by default) and whose consumers are fakes. */
export function fakeKafka(topics: FakeTopics = {}): { kafka: Kafka; consumers: FakeConsumer[] } {
  const { low = '0', high = '0', atTimestamp = '-1' } = topics;
  const consumers: FakeConsumer[] = [];
  const admin = {
    connect: () => Promise.resolve(),
    disconnect: () => Promise.resolve(),
    fetchTopicOffsets: () => Promise.resolve([{ partition: 0, offset: low, high, low }]),
    fetchTopicOffsetsByTimestamp: () => Promise.resolve([{ partition: 0, offset: atTimestamp }]),
  };
  const kafka = {
    admin: () => admin,
    consumer: (config: ConsumerConfig) => {
      const consumer = new FakeConsumer(config, undefined);
      consumers.push(consumer);
      return consumer;
    },
  } as unknown as Kafka;
  return { kafka, consumers };
}
