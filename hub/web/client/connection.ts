import type { z } from 'zod';
import {
  CONSOLE_BEARER_SUBPROTOCOL_PREFIX,
  CONSOLE_PATH,
  CONSOLE_SUBPROTOCOL,
  clientMessageSchema,
  serverMessageSchema,
  type ServerMessage,
} from '../../../contracts/console-protocol.js';
import { summarizeIssues } from '../../../contracts/decode.js';
import { reconnectDelayMs } from './backoff.js';

export type ClientMessageInput = z.input<typeof clientMessageSchema>;

export type ConnectionStatus =
  | { kind: 'connecting' }
  | { kind: 'open' }
  | { kind: 'waiting'; retryAt: number }
  | { kind: 'refused'; reason: string };

export interface HubConnectionOptions {
  token: string;
  onMessage(message: ServerMessage): void;
  onStatus(status: ConnectionStatus): void;
  /** Whether the hub takes the token; only asked after a handshake failed, which a browser cannot explain. */
  checkToken(): Promise<'accepted' | 'refused' | 'unknown'>;
}

/**
 * The console's WebSocket: opens with the token as a subprotocol, validates every message it gets
 * with the protocol's schemas, and reconnects with backoff until the hub refuses the token.
 */
export class HubConnection {
  private ws: WebSocket | undefined;
  private attempt = 0;
  private timer: number | undefined;
  private stopped = false;
  invalidMessages = 0;

  constructor(private readonly o: HubConnectionOptions) {}

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    window.clearTimeout(this.timer);
    this.ws?.close(1000, 'signed out');
    this.ws = undefined;
  }

  /** Sends a client message after checking it against the protocol; returns why not, when not. */
  send(message: ClientMessageInput): string | undefined {
    const parsed = clientMessageSchema.safeParse(message);
    if (!parsed.success) return summarizeIssues(parsed.error.issues);
    if (this.ws?.readyState !== WebSocket.OPEN) return 'not connected to the hub; try again in a moment';
    this.ws.send(JSON.stringify(parsed.data));
    return undefined;
  }

  private open(): void {
    this.o.onStatus({ kind: 'connecting' });
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${CONSOLE_PATH}`;
    const ws = new WebSocket(url, [
      CONSOLE_SUBPROTOCOL,
      `${CONSOLE_BEARER_SUBPROTOCOL_PREFIX}${this.o.token}`,
    ]);
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.attempt = 0;
      this.o.onStatus({ kind: 'open' });
    };
    ws.onmessage = (event: MessageEvent<unknown>) => this.receive(event.data);
    ws.onclose = () => {
      if (this.ws !== ws || this.stopped) return;
      this.ws = undefined;
      void this.retry(opened);
    };
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      this.invalidMessages++;
      return;
    }
    const parsed = serverMessageSchema.safeParse(json);
    if (!parsed.success) {
      this.invalidMessages++;
      console.warn(
        'console: ignored a message the protocol does not allow',
        summarizeIssues(parsed.error.issues),
      );
      return;
    }
    this.o.onMessage(parsed.data);
  }

  private async retry(wasOpen: boolean): Promise<void> {
    // A refused handshake looks like any network failure from here; the HTTP API can tell them apart.
    if (!wasOpen && (await this.o.checkToken()) === 'refused') {
      this.stopped = true;
      this.o.onStatus({ kind: 'refused', reason: 'The hub refused this operator token.' });
      return;
    }
    if (this.stopped) return;
    const delay = reconnectDelayMs(this.attempt++);
    this.o.onStatus({ kind: 'waiting', retryAt: Date.now() + delay });
    this.timer = window.setTimeout(() => this.open(), delay);
  }
}
