import { afterEach, describe, expect, it } from 'vitest';
import { Aedes, type Client, type PublishPacket } from 'aedes';
import { guardBrokerEvents, routeOnlyGatewayMessages } from '../../../../gateway/broker/broker-guards.js';
import { Boundary } from '../../../../gateway/safety/boundary.js';

const brokers: Aedes[] = [];
afterEach(async () => {
  await Promise.all(brokers.splice(0).map((b) => new Promise<void>((resolve) => b.close(() => resolve()))));
});

async function broker(): Promise<Aedes> {
  const b = await Aedes.createBroker({ heartbeatInterval: 60_000 });
  brokers.push(b);
  return b;
}

const packet = (topic: string): PublishPacket => ({
  cmd: 'publish',
  topic,
  payload: Buffer.from('x'),
  qos: 1,
  retain: false,
  dup: false,
});

function publish(b: Aedes, p: PublishPacket, client?: Client): Promise<void> {
  const route = (b as unknown as { publish: (p: PublishPacket, c: Client | null, done: () => void) => void })
    .publish;
  return new Promise((resolve) => route.call(b, p, client ?? null, resolve));
}

describe('routeOnlyGatewayMessages', () => {
  it('routes what the gateway publishes and nothing a client published', async () => {
    const b = await broker();
    routeOnlyGatewayMessages(b);
    const seen: string[] = [];
    await new Promise<void>((resolve) =>
      b.subscribe(
        'devices/+/commands/#',
        (p: { payload: Buffer | string }, done: () => void) => {
          seen.push(String(p.payload));
          done();
        },
        resolve,
      ),
    );
    await publish(b, { ...packet('devices/b/commands/unlock'), payload: Buffer.from('forged') }, {
      id: 'a',
    } as Client);
    await publish(b, { ...packet('devices/b/commands/unlock'), payload: Buffer.from('gateway') });
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['gateway']);
  });
});

describe('guardBrokerEvents', () => {
  it('counts a throwing listener instead of letting the exception out of emit', async () => {
    const b = await broker();
    const counts: string[] = [];
    guardBrokerEvents(
      b,
      new Boundary({ inc: ({ boundary }) => counts.push(boundary) }, { error: () => undefined } as never),
    );
    b.on('clientReady', () => {
      throw new Error('listener defect');
    });
    expect(() => b.emit('clientReady', { id: 'x' })).not.toThrow();
    b.emit('error', new Error('persistence failed'));
    expect(counts).toEqual(['broker_event_clientReady', 'broker_error']);
  });
});
