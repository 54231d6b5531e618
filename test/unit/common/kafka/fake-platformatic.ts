import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import type {
  RecordConsumer,
  RecordConsumerOptions,
} from '../../../../common/kafka/platformatic-consumer.js';
import type { ClientMessage } from '../../../../common/kafka/platformatic-records.js';

export interface MessageFields {
  topic?: string;
  partition?: number;
  offset: number;
  key?: string;
  value?: string | null;
  headers?: [string, string | undefined][];
  generation?: number;
}

/** A record as @platformatic/kafka's stream hands it over with the project's deserializers. */
export function clientMessage(fields: MessageFields): ClientMessage {
  const { topic = 't', partition = 0, offset, key, value = 'v', headers = [], generation = 1 } = fields;
  return {
    topic,
    partition,
    offset: BigInt(offset),
    key: key === undefined ? undefined : Buffer.from(key),
    value: value === null ? undefined : Buffer.from(value),
    headers: new Map(
      headers.map(([name, v]) => [Buffer.from(name), v === undefined ? undefined : Buffer.from(v)]),
    ),
    timestamp: 0n,
    metadata: { consumer: { groupId: 'g', memberId: 'm', generationId: generation, coordinatorId: 1 } },
    commit: () => undefined,
    toJSON: () => {
      throw new Error('not used');
    },
  };
}

/** What the consumer under test reads: records are pushed by the test. */
export class FakeStream extends Readable {
  constructor() {
    super({ objectMode: true, read: () => undefined });
  }

  deliver(...messages: ClientMessage[]): void {
    for (const message of messages) this.push(message);
  }
}

/** Just enough of the client's Consumer: it joins (consume), streams, emits, closes. */
export class FakeConsumer extends EventEmitter {
  readonly stream = new FakeStream();
  consumed: { offsets?: { topic: string; partition: number; offset: bigint }[]; mode?: string } | undefined;
  closed = false;

  constructor(
    readonly options: RecordConsumerOptions,
    private readonly failure: Error | undefined,
  ) {
    super();
  }

  consume(options: NonNullable<FakeConsumer['consumed']>): Promise<FakeStream> {
    if (this.failure) return Promise.reject(this.failure);
    this.consumed = options;
    return Promise.resolve(this.stream);
  }

  close(_force: boolean, callback: (error: Error | null) => void): void {
    this.closed = true;
    this.stream.destroy();
    callback(null);
  }
}

/** Builds fakes for `create`, failing the `consume` of the next ones with `failures`. */
export function fakeConsumers() {
  const consumers: FakeConsumer[] = [];
  const failures: (Error | undefined)[] = [];
  const create = (options: RecordConsumerOptions): RecordConsumer => {
    const fake = new FakeConsumer(options, failures.shift());
    consumers.push(fake);
    return fake as unknown as RecordConsumer;
  };
  const latest = (): FakeConsumer => {
    const fake = consumers[consumers.length - 1];
    if (fake === undefined) throw new Error('no consumer created');
    return fake;
  };
  return { consumers, failures, create, latest };
}
