import type { Producer } from 'kafkajs';

type LifecycleEvent = Producer['events']['CONNECT'] | Producer['events']['DISCONNECT'];

/**
 * One idempotent kafkajs producer at a time, replaced by a new one, with a new producer id, when
 * its sequence numbers no longer match the brokers'. That happens after a produce request that
 * partly failed: kafkajs rewinds the sequence of every partition in the request, also of those
 * the broker appended, and the broker then answers OUT_OF_ORDER_SEQUENCE_NUMBER to every later
 * send to them.
 */
export class RenewableProducer {
  private producer: Producer;
  private readonly listeners: { event: LifecycleEvent; listener: () => void }[] = [];

  constructor(
    private readonly create: () => Producer,
    private readonly onRenewed: () => void = () => undefined,
  ) {
    this.producer = create();
  }

  get current(): Producer {
    return this.producer;
  }

  get events(): Producer['events'] {
    return this.producer.events;
  }

  /** Listens to the lifecycle of whichever producer is current, not of one being replaced. */
  on(event: LifecycleEvent, listener: () => void): void {
    this.listeners.push({ event, listener });
    this.attach(this.producer, event, listener);
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  /** Connects a new producer and only then retires the current one; the current one stays if that fails. */
  async renew(): Promise<void> {
    const next = this.create();
    for (const { event, listener } of this.listeners) this.attach(next, event, listener);
    try {
      await next.connect();
    } catch (error) {
      await next.disconnect().catch(() => undefined);
      throw error;
    }
    const previous = this.producer;
    this.producer = next;
    this.onRenewed();
    await previous.disconnect().catch(() => undefined);
  }

  private attach(producer: Producer, event: LifecycleEvent, listener: () => void): void {
    producer.on(event, () => {
      if (producer === this.producer) listener();
    });
  }
}
