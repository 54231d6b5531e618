import { describe, expect, it } from 'vitest';
import type { Client } from 'aedes';
import { InboundQos2, type IncomingStore } from '../../../../gateway/broker/inbound-qos2.js';

function store(): IncomingStore & { ids: Set<number> } {
  const ids = new Set<number>();
  return {
    ids,
    incomingGetPacket: (_client, packet) =>
      ids.has(packet.messageId ?? -1) ? Promise.resolve({}) : Promise.reject(new Error('no such packet')),
    incomingDelPacket: (_client, packet) => {
      ids.delete(packet.messageId ?? -1);
      return Promise.resolve();
    },
  };
}

const client = (id: string): Client => ({ id, clean: true }) as Client;

describe('InboundQos2', () => {
  it('admits a message id once; a resend while the first is on its way waits for it, then is a duplicate', async () => {
    const incoming = store();
    const qos2 = new InboundQos2(incoming);
    const device = client('d');
    const first = await qos2.admit(device, 7);
    expect(first.kind).toBe('first');
    let duplicateSettled = false;
    const resend = qos2.admit(device, 7).then((admission) => {
      duplicateSettled = true;
      return admission;
    });
    await Promise.resolve();
    expect(duplicateSettled).toBe(false);
    if (first.kind === 'first') first.settled();
    expect((await resend).kind).toBe('duplicate');
  });

  it('treats an id aedes already stored (for example before a reconnect) as a duplicate', async () => {
    const incoming = store();
    incoming.ids.add(9);
    const qos2 = new InboundQos2(incoming);
    expect((await qos2.admit(client('d'), 9)).kind).toBe('duplicate');
  });

  it('forgets an id at PUBREL, so the id can carry a new message afterwards', async () => {
    const incoming = store();
    const qos2 = new InboundQos2(incoming);
    const device = client('d');
    const first = await qos2.admit(device, 3);
    if (first.kind === 'first') first.settled();
    await incoming.incomingDelPacket(device, { messageId: 3 });
    expect((await qos2.admit(device, 3)).kind).toBe('first');
  });

  it('keeps sessions apart', async () => {
    const qos2 = new InboundQos2(store());
    expect((await qos2.admit(client('a'), 1)).kind).toBe('first');
    expect((await qos2.admit(client('b'), 1)).kind).toBe('first');
  });
});
