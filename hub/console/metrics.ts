import { Counter, Gauge, type Registry } from 'prom-client';

export class ConsoleMetrics {
  readonly connections: Gauge;
  readonly messagesSent: Counter<'type'>;
  readonly messagesDropped: Counter<'type'>;
  readonly coalesced: Counter<'type'>;
  readonly slowClosed: Counter;
  readonly clientErrors: Counter<'code'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.connections = new Gauge({
      name: 'hub_console_connections',
      help: 'Operator console WebSocket connections open now',
      registers,
    });
    this.messagesSent = new Counter({
      name: 'hub_console_messages_sent_total',
      help: 'Messages sent to consoles, by type',
      labelNames: ['type'] as const,
      registers,
    });
    this.messagesDropped = new Counter({
      name: 'hub_console_messages_dropped_total',
      help: 'Droppable messages not sent because the console was not reading fast enough, by type',
      labelNames: ['type'] as const,
      registers,
    });
    this.coalesced = new Counter({
      name: 'hub_console_coalesced_total',
      help: 'Items a slow console did not get because a newer one replaced them (readings, fleet rows), by message type',
      labelNames: ['type'] as const,
      registers,
    });
    this.slowClosed = new Counter({
      name: 'hub_console_slow_closed_total',
      help: 'Console connections cut because their send buffer passed the hard cap',
      registers,
    });
    this.clientErrors = new Counter({
      name: 'hub_console_client_errors_total',
      help: 'Error replies to console messages, by code',
      labelNames: ['code'] as const,
      registers,
    });
  }
}
