import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  CONSOLE_PATH,
  CONSOLE_SUBPROTOCOL,
  type ClientMessage,
  type ClientMessageType,
  type ErrorMessage,
  type HelloMessage,
  type ServerMessage,
  type ServerMessageType,
} from '../../contracts/index.js';
import type { Logger } from '../../common/logger.js';
import { OPERATOR_AUTH_REASONS, type OperatorAuthFailure } from '../auth/operator-auth.js';
import { parseTarget } from '../http/target.js';
import { parseClientMessage } from './client-messages.js';
import {
  ConsoleConnection,
  DEFAULT_BACKPRESSURE,
  frameOf,
  type BackpressureLimits,
  type Coalescer,
  type Frame,
  type SendOutcome,
} from './console-connection.js';
import type { ConsoleMetrics } from './metrics.js';
import { authenticateUpgrade, type UpgradeAuthDeps } from './upgrade-auth.js';

/** One open console, as features see it: to answer it later, push to it, and tell it apart. */
export interface ConsoleClient {
  readonly id: number;
  send(message: ServerMessage): void;
  /** A coalescable message: merged with what is held for this console while it is slow. */
  offer<T>(coalescer: Coalescer<T>, value: T, frame?: Frame): void;
}

export type ClientHandler<T extends ClientMessageType> = (
  message: Extract<ClientMessage, { type: T }>,
  client: ConsoleClient,
) => Promise<ServerMessage>;

type ClientListener = (client: ConsoleClient) => void;

// What a console can do without: it asks again or the next one comes. Everything else is essential.
const DROPPABLE: ReadonlySet<ServerMessageType> = new Set<ServerMessageType>(['pong']);

export interface ConsoleServerOptions {
  server: Server;
  auth: UpgradeAuthDeps;
  hello(): HelloMessage;
  logger: Logger;
  metrics: ConsoleMetrics;
  onAuthFailure?(failure: OperatorAuthFailure): void;
  backpressure?: BackpressureLimits;
  /** A connection that has not answered a WebSocket ping within this is cut. */
  heartbeatMs?: number;
  /** How often held (coalesced) messages are retried on consoles that were slow. */
  flushMs?: number;
  maxMessageBytes?: number;
}

interface Entry {
  connection: ConsoleConnection;
  client: ConsoleClient;
  alive: boolean;
}

const CLOSE_GRACE_MS = 2_000;

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

function refuse(socket: Duplex, status: number, body: object, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'Connection: close',
    'Cache-Control: no-store',
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(text)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.once('finish', () => socket.destroy());
  socket.end(`${lines.join('\r\n')}\r\n\r\n${text}`);
}

/**
 * The operator console's WebSocket at /ws on the hub's HTTP server. Features register a handler
 * per client message type and broadcast server messages; this class owns authentication, parsing,
 * error replies and per-connection backpressure.
 */
export class ConsoleServer {
  private readonly wss: WebSocketServer;
  private readonly entries = new Map<WebSocket, Entry>();
  private readonly handlers = new Map<
    ClientMessageType,
    (message: ClientMessage, client: ConsoleClient) => Promise<ServerMessage>
  >();
  private readonly connectListeners: ClientListener[] = [];
  private readonly disconnectListeners: ClientListener[] = [];
  private readonly heartbeat: NodeJS.Timeout;
  private readonly flusher: NodeJS.Timeout;
  private nextId = 1;
  private closing = false;
  private closed: Promise<void> | undefined;
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void =>
    this.upgrade(req, socket, head);

  constructor(private readonly options: ConsoleServerOptions) {
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      maxPayload: options.maxMessageBytes ?? 64 * 1024,
      handleProtocols: (offered) => (offered.has(CONSOLE_SUBPROTOCOL) ? CONSOLE_SUBPROTOCOL : false),
    });
    options.server.on('upgrade', this.onUpgrade);
    this.handle('ping', (message) =>
      Promise.resolve({ type: 'pong', ...requestIdOf(message), serverTime: Date.now() }),
    );
    this.heartbeat = setInterval(() => this.checkAlive(), options.heartbeatMs ?? 30_000);
    this.heartbeat.unref();
    this.flusher = setInterval(() => this.flushHeld(), options.flushMs ?? 100);
    this.flusher.unref();
  }

  get connectionCount(): number {
    return this.entries.size;
  }

  handle<T extends ClientMessageType>(type: T, handler: ClientHandler<T>): void {
    this.handlers.set(
      type,
      handler as (message: ClientMessage, client: ConsoleClient) => Promise<ServerMessage>,
    );
  }

  /** Called for each new console right after its `hello`, so a feature can send it a snapshot. */
  onConnect(listener: ClientListener): void {
    this.connectListeners.push(listener);
  }

  onDisconnect(listener: ClientListener): void {
    this.disconnectListeners.push(listener);
  }

  broadcast(message: ServerMessage): void {
    const frame = frameOf(message, !DROPPABLE.has(message.type));
    for (const entry of this.entries.values()) this.deliver(entry.connection, frame);
  }

  /** A coalescable message to every console; it is serialized once for all that keep up. */
  offerAll<T>(coalescer: Coalescer<T>, value: T): void {
    if (this.entries.size === 0) return;
    const frame = coalescer.frame(value);
    for (const entry of this.entries.values()) this.offerTo(entry.connection, coalescer, value, frame);
  }

  /** Closes every console (1001 going away) and stops accepting new ones; idempotent. */
  close(): Promise<void> {
    this.closed ??= this.closeAll();
    return this.closed;
  }

  private async closeAll(): Promise<void> {
    this.closing = true;
    clearInterval(this.heartbeat);
    clearInterval(this.flusher);
    this.options.server.off('upgrade', this.onUpgrade);
    const sockets = [...this.entries.keys()];
    const closed = sockets.map((ws) => new Promise<void>((resolve) => ws.once('close', () => resolve())));
    for (const ws of sockets) ws.close(1001, 'hub stopping');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(closed),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS))),
    ]);
    clearTimeout(timer);
    for (const ws of this.entries.keys()) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const target = parseTarget(req.url ?? '/');
    if ('error' in target || target.path !== CONSOLE_PATH) {
      refuse(socket, 404, {
        error: 'not_found',
        reason: `no WebSocket here; the console is at ${CONSOLE_PATH}`,
      });
      return;
    }
    if (this.closing) {
      refuse(socket, 503, { error: 'unavailable', reason: 'the hub is stopping' });
      return;
    }
    const auth = authenticateUpgrade(req, this.options.auth);
    if (!auth.ok) {
      if (auth.status === 400) {
        refuse(socket, 400, { error: 'invalid_request', reason: auth.reason });
        return;
      }
      this.options.onAuthFailure?.(auth.code);
      this.options.logger.warn(
        { failure: auth.code, remote: req.socket.remoteAddress },
        'console authentication failed',
      );
      const error = auth.code === 'wrong_token' ? ', error="invalid_token"' : '';
      refuse(
        socket,
        401,
        { error: 'unauthorized', reason: OPERATOR_AUTH_REASONS[auth.code] },
        { 'WWW-Authenticate': `Bearer realm="hub"${error}` },
      );
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  private accept(ws: WebSocket): void {
    const connection = new ConsoleConnection(ws, this.options.backpressure ?? DEFAULT_BACKPRESSURE);
    const client: ConsoleClient = {
      id: this.nextId++,
      send: (message) => this.reply(connection, message),
      offer: (coalescer, value, frame) => this.offerTo(connection, coalescer, value, frame),
    };
    const entry: Entry = { connection, client, alive: true };
    this.entries.set(ws, entry);
    this.options.metrics.connections.inc();
    ws.on('pong', () => (entry.alive = true));
    ws.on('message', (data, isBinary) => void this.receive(entry, toBuffer(data), isBinary));
    ws.on('error', (error) => this.options.logger.debug({ err: error.message }, 'console socket error'));
    ws.once('close', () => {
      connection.markClosed();
      this.entries.delete(ws);
      this.options.metrics.connections.dec();
      this.notify(this.disconnectListeners, client);
    });
    this.reply(connection, this.options.hello());
    this.notify(this.connectListeners, client);
  }

  private notify(listeners: readonly ClientListener[], client: ConsoleClient): void {
    for (const listener of listeners) {
      try {
        listener(client);
      } catch (error) {
        this.options.logger.error({ err: error }, 'console connection listener failed');
      }
    }
  }

  private async receive({ connection, client }: Entry, data: Buffer, isBinary: boolean): Promise<void> {
    const parsed = parseClientMessage(data, isBinary);
    if (!parsed.ok) {
      const { reason, requestId } = parsed;
      this.reply(connection, errorMessage('invalid_message', reason, requestId));
      return;
    }
    const message = parsed.value;
    const handler = this.handlers.get(message.type);
    if (!handler) {
      this.reply(
        connection,
        errorMessage('invalid_message', `${message.type} is not served by this hub`, message.requestId),
      );
      return;
    }
    try {
      this.reply(connection, await handler(message, client));
    } catch (error) {
      this.options.logger.error({ err: error, type: message.type }, 'console request failed');
      this.reply(
        connection,
        errorMessage('internal_error', 'the hub could not handle this message', message.requestId),
      );
    }
  }

  private reply(connection: ConsoleConnection, message: ServerMessage): void {
    if (message.type === 'error') this.options.metrics.clientErrors.inc({ code: message.code });
    this.deliver(connection, frameOf(message, !DROPPABLE.has(message.type)));
  }

  private deliver(connection: ConsoleConnection, frame: Frame): void {
    this.count(frame.type, connection.send(frame));
  }

  private offerTo<T>(connection: ConsoleConnection, coalescer: Coalescer<T>, value: T, frame?: Frame): void {
    const { outcome, lost } = connection.offer(coalescer, value, frame);
    if (lost > 0) this.options.metrics.coalesced.inc({ type: coalescer.type }, lost);
    this.count(coalescer.type, outcome);
  }

  private count(type: string, outcome: SendOutcome): void {
    const { metrics, logger } = this.options;
    if (outcome === 'sent') metrics.messagesSent.inc({ type });
    else if (outcome === 'dropped') metrics.messagesDropped.inc({ type });
    else if (outcome === 'cut') {
      metrics.slowClosed.inc();
      logger.warn('console connection cut: it stopped reading and its send buffer passed the hard cap');
    }
  }

  private flushHeld(): void {
    for (const { connection } of this.entries.values()) {
      if (!connection.hasHeld) continue;
      for (const { type, outcome } of connection.flush()) this.count(type, outcome);
    }
  }

  private checkAlive(): void {
    for (const [ws, entry] of this.entries) {
      if (!entry.alive) {
        ws.terminate();
        continue;
      }
      entry.alive = false;
      ws.ping();
    }
  }
}

export function requestIdOf(message: { requestId?: string | undefined }): { requestId?: string } {
  return message.requestId === undefined ? {} : { requestId: message.requestId };
}

export function errorMessage(code: ErrorMessage['code'], reason: string, requestId?: string): ErrorMessage {
  return { type: 'error', code, reason, ...requestIdOf({ requestId }) };
}
