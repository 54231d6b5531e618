import {
  createServer as createTcpServer,
  type AddressInfo,
  type Server as TcpServer,
  type Socket,
} from 'node:net';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTlsServer } from 'node:tls';
import type { Duplex } from 'node:stream';
import cluster from 'node:cluster';
import type { Aedes } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';
import type { Client } from 'aedes';
import type { PendingConnections } from './admission/pending-connections.js';
import {
  FirstPacketNotConnectError,
  GuardedConnection,
  PacketTooLargeError,
} from './broker/packet-size-guard.js';

export interface Listener {
  name: string;
  port(): number;
  /** Stops accepting new connections; existing ones are closed by the broker. */
  close(): Promise<void>;
}

export type RefusedConnection =
  | 'pending_per_address'
  | 'pending_total'
  | 'first_packet_not_connect'
  | 'connect_too_large'
  | 'tls_handshake_failed'
  | 'http_request_failed'
  | 'socket_handler_failed';

export interface ListenerPolicy {
  host: string;
  maxConnections: number;
  maxPacketBytes: number;
  /** The largest first packet: a CONNECT carrying the largest Will a device may have. */
  connectMaxBytes: number;
  /** Time a TLS handshake, or the HTTP request that upgrades to WebSocket, may take. */
  handshakeTimeoutMs: number;
  /** False refuses the connection before any MQTT is read (per-address rate limit, connection cap). */
  admit(remoteAddress: string | undefined): boolean;
  /** Connections not yet authenticated, capped per address. */
  pending: PendingConnections;
  onOversizedPacket(): void;
  onRefused(reason: RefusedConnection, error?: unknown): void;
}

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
}

/**
 * Connections the kernel holds for the gateway to accept (capped by net.core.somaxconn). When the
 * queue is full the kernel drops SYNs, and a device retries only after 1, 3, 7, 15 s: in a
 * reconnect storm it is better that the gateway accepts and refuses the surplus at once
 * (GATEWAY_MAX_PENDING_CONNECTIONS), so devices back off on their own jittered schedule.
 */
const LISTEN_BACKLOG = 4096;

function listen(server: TcpServer | HttpServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * At most `max` sockets open on `server`. In a node:cluster worker net's own `maxConnections`
 * is not used: under round robin a connection it refuses goes back to the primary, which deals it
 * to the next worker, and round again while every worker is full (GATEWAY_WORKERS); counting here
 * refuses it at once under either scheduling policy.
 */
function capOpenSockets(server: TcpServer | HttpServer, max: number): void {
  if (!cluster.isWorker) {
    server.maxConnections = max;
    return;
  }
  let open = 0;
  server.prependListener('connection', (socket: Socket) => {
    if (open >= max) {
      socket.destroy();
      return;
    }
    open++;
    socket.once('close', () => open--);
  });
}

function closeServer(server: TcpServer | HttpServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** The MQTT byte stream aedes reads, with oversized packets cut off before they are buffered. */
function guarded(stream: Duplex, policy: ListenerPolicy): GuardedConnection {
  const connection = new GuardedConnection(stream, policy.maxPacketBytes, {
    maxBytes: policy.connectMaxBytes,
  });
  connection.once('error', (error) => {
    if (error instanceof FirstPacketNotConnectError) policy.onRefused('first_packet_not_connect');
    else if (error instanceof PacketTooLargeError) {
      if (error.beforeConnect) policy.onRefused('connect_too_large');
      else policy.onOversizedPacket();
    }
  });
  return connection;
}

/**
 * Hands a device's stream to aedes once it is admitted, counting it as pending until its CONNECT
 * is accepted. Returns false when the stream was refused (the caller closes it).
 */
function handOver(
  broker: Aedes,
  policy: ListenerPolicy,
  stream: Duplex,
  address: string | undefined,
  request?: IncomingMessage,
): boolean {
  const release = policy.pending.admit(address ?? 'unknown');
  if (typeof release !== 'function') {
    policy.onRefused(release);
    return false;
  }
  const connection = guarded(stream, policy);
  connection.once('close', release);
  const client = broker.handle(connection, request) as Client & NodeJS.EventEmitter;
  client.once('connected', release);
  return true;
}

function handleSocket(broker: Aedes, policy: ListenerPolicy, socket: Socket): void {
  // Closed already by the cap on open sockets.
  if (socket.destroyed) return;
  try {
    if (!policy.admit(socket.remoteAddress)) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    if (!handOver(broker, policy, socket, socket.remoteAddress)) socket.destroy();
  } catch (error) {
    policy.onRefused('socket_handler_failed', error);
    socket.destroy();
  }
}

/** HTTP servers carrying MQTT over WebSocket: a slow or malformed upgrade request is cut off. */
function limitRequests(http: HttpServer, policy: ListenerPolicy): void {
  http.headersTimeout = policy.handshakeTimeoutMs;
  http.requestTimeout = policy.handshakeTimeoutMs;
  http.on('clientError', (error: Error, socket: Duplex) => {
    policy.onRefused('http_request_failed', error);
    socket.destroy();
  });
}

function attachWebSocket(broker: Aedes, policy: ListenerPolicy, server: HttpServer): WebSocketServer {
  const wss = new WebSocketServer({
    server,
    maxPayload: policy.maxPacketBytes,
    handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : false),
    verifyClient: (info: { req: IncomingMessage }) => policy.admit(info.req.socket.remoteAddress),
  });
  wss.on('connection', (ws, request) => {
    try {
      const stream = createWebSocketStream(ws);
      stream.on('error', () => ws.terminate());
      if (!handOver(broker, policy, stream, request.socket.remoteAddress, request)) ws.terminate();
    } catch (error) {
      policy.onRefused('socket_handler_failed', error);
      ws.terminate();
    }
  });
  return wss;
}

async function webSocketListener(
  name: string,
  broker: Aedes,
  policy: ListenerPolicy,
  http: HttpServer,
  port: number,
): Promise<Listener> {
  limitRequests(http, policy);
  const wss = attachWebSocket(broker, policy, http);
  await listen(http, port, policy.host);
  return {
    name,
    port: () => (http.address() as AddressInfo).port,
    close: async () => {
      wss.close();
      for (const client of wss.clients) client.terminate();
      await closeServer(http);
    },
  };
}

function upgradeOnly(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(426, { 'content-type': 'text/plain' }).end('MQTT over WebSocket only\n');
}

export async function listenMqttTcp(broker: Aedes, port: number, policy: ListenerPolicy): Promise<Listener> {
  const server = createTcpServer((socket) => handleSocket(broker, policy, socket));
  capOpenSockets(server, policy.maxConnections);
  await listen(server, port, policy.host);
  return {
    name: 'mqtt',
    port: () => (server.address() as AddressInfo).port,
    close: () => closeServer(server),
  };
}

export async function listenMqttTls(
  broker: Aedes,
  port: number,
  policy: ListenerPolicy,
  tls: TlsMaterial,
): Promise<Listener> {
  const server = createTlsServer(
    { cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2', handshakeTimeout: policy.handshakeTimeoutMs },
    (socket) => handleSocket(broker, policy, socket),
  );
  server.on('tlsClientError', (error) => policy.onRefused('tls_handshake_failed', error));
  capOpenSockets(server, policy.maxConnections);
  await listen(server, port, policy.host);
  return {
    name: 'mqtts',
    port: () => (server.address() as AddressInfo).port,
    close: () => closeServer(server),
  };
}

export function listenMqttWebSocket(broker: Aedes, port: number, policy: ListenerPolicy): Promise<Listener> {
  const http = createHttpServer(upgradeOnly);
  capOpenSockets(http, policy.maxConnections);
  return webSocketListener('mqtt-ws', broker, policy, http, port);
}

export function listenMqttSecureWebSocket(
  broker: Aedes,
  port: number,
  policy: ListenerPolicy,
  tls: TlsMaterial,
): Promise<Listener> {
  const https = createHttpsServer(
    { cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2', handshakeTimeout: policy.handshakeTimeoutMs },
    upgradeOnly,
  );
  https.on('tlsClientError', (error) => policy.onRefused('tls_handshake_failed', error));
  capOpenSockets(https, policy.maxConnections);
  return webSocketListener('mqtt-wss', broker, policy, https, port);
}
