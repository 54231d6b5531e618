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
import type { Aedes } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { GuardedConnection, PacketTooLargeError } from './broker/packet-size-guard.js';

export interface Listener {
  name: string;
  port(): number;
  /** Stops accepting new connections; existing ones are closed by the broker. */
  close(): Promise<void>;
}

export interface ListenerPolicy {
  host: string;
  maxConnections: number;
  maxPacketBytes: number;
  /** False refuses the connection before any MQTT is read (per-address rate limit). */
  admit(remoteAddress: string | undefined): boolean;
  onOversizedPacket(): void;
}

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
}

function listen(server: TcpServer | HttpServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: TcpServer | HttpServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** The MQTT byte stream aedes reads, with oversized packets cut off before they are buffered. */
function guarded(stream: Duplex, policy: ListenerPolicy): Duplex {
  const connection = new GuardedConnection(stream, policy.maxPacketBytes);
  connection.once('error', (error) => {
    if (error instanceof PacketTooLargeError) policy.onOversizedPacket();
  });
  return connection;
}

function handleSocket(broker: Aedes, policy: ListenerPolicy, socket: Socket): void {
  if (!policy.admit(socket.remoteAddress)) {
    socket.destroy();
    return;
  }
  socket.setNoDelay(true);
  broker.handle(guarded(socket, policy));
}

function attachWebSocket(broker: Aedes, policy: ListenerPolicy, server: HttpServer): WebSocketServer {
  const wss = new WebSocketServer({
    server,
    maxPayload: policy.maxPacketBytes,
    handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : false),
    verifyClient: (info: { req: IncomingMessage }) => policy.admit(info.req.socket.remoteAddress),
  });
  wss.on('connection', (ws, request) => {
    const stream = createWebSocketStream(ws);
    stream.on('error', () => ws.terminate());
    broker.handle(guarded(stream, policy), request);
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
  server.maxConnections = policy.maxConnections;
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
  const server = createTlsServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }, (socket) =>
    handleSocket(broker, policy, socket),
  );
  server.maxConnections = policy.maxConnections;
  await listen(server, port, policy.host);
  return {
    name: 'mqtts',
    port: () => (server.address() as AddressInfo).port,
    close: () => closeServer(server),
  };
}

export function listenMqttWebSocket(broker: Aedes, port: number, policy: ListenerPolicy): Promise<Listener> {
  const http = createHttpServer(upgradeOnly);
  http.maxConnections = policy.maxConnections;
  return webSocketListener('mqtt-ws', broker, policy, http, port);
}

export function listenMqttSecureWebSocket(
  broker: Aedes,
  port: number,
  policy: ListenerPolicy,
  tls: TlsMaterial,
): Promise<Listener> {
  const https = createHttpsServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }, upgradeOnly);
  https.maxConnections = policy.maxConnections;
  return webSocketListener('mqtt-wss', broker, policy, https, port);
}
