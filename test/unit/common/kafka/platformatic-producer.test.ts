import {
  MultipleErrors,
  NetworkError,
  ProtocolError,
  compatibilityPartitioner,
  defaultPartitioner,
} from '@platformatic/kafka';
import { Partitioners } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { classifyProduceError, isRetriable } from '../../../../common/kafka/errors.js';
import {
  clientOptions,
  produceFailure,
  toClientMessage,
} from '../../../../common/kafka/platformatic-producer.js';

const options = {
  clientId: 'gw-test',
  brokers: ['127.0.0.1:9092'],
  connectionTimeoutMs: 5_000,
  requestTimeoutMs: 30_000,
  retries: 8,
  retryDelayMs: { initial: 100, max: 5_000 },
};

const deviceIds = Array.from({ length: 2_000 }, (_, i) => `device-${i}.line-${i % 7}`);

function kafkajsPartition(key: string, partitions: number): number {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
    partitionId,
    leader: 1,
    replicas: [1],
    isr: [1],
    partitionErrorCode: 0,
  }));
  return partitioner({ topic: 't', partitionMetadata, message: { key, value: null } });
}

describe('platformatic producer', () => {
  it('sends the same key, value and headers as the kafkajs path, a null value as a tombstone', () => {
    const headers = { 'device-id': 'd-1', schema: 'telemetry/1' };
    expect(
      toClientMessage({ topic: 'iot.telemetry', key: 'd-1', value: Buffer.from('{}'), headers }),
    ).toEqual({ topic: 'iot.telemetry', key: 'd-1', value: Buffer.from('{}'), headers });
    expect(toClientMessage({ topic: 'iot.devices', key: 'd-1', value: null, headers }).value).toBeUndefined();
  });

  it('is idempotent with acks=all and bounded retries', () => {
    const o = clientOptions({ ...options, retries: 0 });
    expect(o).toMatchObject({ idempotent: true, acks: -1, autocreateTopics: false });
    // The client turns retries of 0 or 1 into "forever" for an idempotent producer.
    expect(o.retries).toBe(2);
    expect(clientOptions(options).retries).toBe(8);
  });

  it('puts every device on the partition kafkajs puts it on', () => {
    const { partitioner } = clientOptions(options);
    expect(partitioner).toBe(compatibilityPartitioner);
    for (const partitions of [1, 3, 6, 12]) {
      for (const key of deviceIds) {
        const message = { topic: 't', key };
        const ours = compatibilityPartitioner(message, Buffer.from(key)) % partitions;
        expect(ours, key).toBe(kafkajsPartition(key, partitions));
      }
    }
  });

  it("would not with the client's default partitioner", () => {
    const moved = deviceIds.filter(
      (key) => defaultPartitioner({ topic: 't', key }, Buffer.from(key)) % 6 !== kafkajsPartition(key, 6),
    );
    expect(moved.length).toBeGreaterThan(0);
  });

  it('hands the batcher the protocol error that decided a failed produce', () => {
    const wrapped = (id: string) =>
      new MultipleErrors('Producing messages failed.', [
        new MultipleErrors('produce failed 3 times.', [new ProtocolError(id)]),
      ]);
    expect(classifyProduceError(produceFailure(wrapped('MESSAGE_TOO_LARGE')))).toEqual({
      action: 'reject',
      reason: 'MESSAGE_TOO_LARGE',
      wholeTopic: false,
    });
    expect(classifyProduceError(produceFailure(wrapped('TOPIC_AUTHORIZATION_FAILED')))).toMatchObject({
      action: 'reject',
      wholeTopic: true,
    });
    expect(classifyProduceError(produceFailure(wrapped('OUT_OF_ORDER_SEQUENCE_NUMBER')))).toMatchObject({
      action: 'renew',
    });
    expect(classifyProduceError(produceFailure(wrapped('NOT_LEADER_OR_FOLLOWER')))).toMatchObject({
      action: 'retry',
    });
    const network = produceFailure(new NetworkError('Connection closed'));
    expect(network.type).toBeUndefined();
    expect(classifyProduceError(network)).toMatchObject({ action: 'retry' });
    expect(isRetriable(network)).toBe(true);
    expect(isRetriable(produceFailure(wrapped('MESSAGE_TOO_LARGE')))).toBe(false);
  });
});
