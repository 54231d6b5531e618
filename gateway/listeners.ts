import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Aedes } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';

export interface Listener {
  name: string;
  port(): number;
  /** Stops accepting new connections; existing ones are closed by the broker. */
  close(): Promise<void>;
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

export async function listenMqttTcp(
  broker: Aedes,
  port: number,
  host: string,
  maxConnections: number,
): Promise<Listener> {
  const server = createTcpServer((socket) => {
    socket.setNoDelay(true);
    broker.handle(socket);
  });
  server.maxConnections = maxConnections;
  await listen(server, port, host);
  return {
    name: 'mqtt',
    port: () => (server.address() as AddressInfo).port,
    close: () => closeServer(server),
  };
}

export async function listenMqttWebSocket(
  broker: Aedes,
  port: number,
  host: string,
  maxPayload: number,
): Promise<Listener> {
  const http = createHttpServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' }).end('MQTT over WebSocket only\n');
  });
  const wss = new WebSocketServer({
    server: http,
    maxPayload,
    handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : false),
  });
  wss.on('connection', (ws, request) => {
    const stream = createWebSocketStream(ws);
    stream.on('error', () => ws.terminate());
    broker.handle(stream, request);
  });
  await listen(http, port, host);
  return {
    name: 'mqtt-ws',
    port: () => (http.address() as AddressInfo).port,
    close: async () => {
      wss.close();
      for (const client of wss.clients) client.terminate();
      await closeServer(http);
    },
  };
}
