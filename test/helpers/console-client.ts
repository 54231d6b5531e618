import WebSocket from 'ws';
import type { ServerMessage } from '../../contracts/index.js';
import { CONSOLE_SUBPROTOCOL } from '../../contracts/index.js';
import { waitFor } from './wait.js';

export interface ConsoleClient {
  ws: WebSocket;
  messages: ServerMessage[];
  send(message: unknown): void;
  /** Resolves with the first message of `type` (seen so far or later) that `match` accepts. */
  next<K extends ServerMessage['type']>(
    type: K,
    match?: (m: Extract<ServerMessage, { type: K }>) => boolean,
  ): Promise<Extract<ServerMessage, { type: K }>>;
  close(): Promise<void>;
}

/** Opens the hub console: token in the Authorization header, or as a browser must, in a subprotocol. */
export async function openConsole(
  hubUrl: string,
  token: string,
  via: 'header' | 'subprotocol' = 'header',
): Promise<ConsoleClient> {
  const url = `${hubUrl.replace(/^http/, 'ws')}/ws`;
  const ws =
    via === 'header'
      ? new WebSocket(url, { headers: { authorization: `Bearer ${token}` } })
      : new WebSocket(url, [CONSOLE_SUBPROTOCOL, `bearer.${token}`]);
  const messages: ServerMessage[] = [];
  ws.on('message', (data) => messages.push(JSON.parse((data as Buffer).toString('utf8')) as ServerMessage));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    messages,
    send: (message) => ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
    next: <K extends ServerMessage['type']>(
      type: K,
      match: (m: Extract<ServerMessage, { type: K }>) => boolean = () => true,
    ) =>
      waitFor(
        () =>
          messages.find(
            (m): m is Extract<ServerMessage, { type: K }> =>
              m.type === type && match(m as Extract<ServerMessage, { type: K }>),
          ),
        30_000,
        `a console ${type} message`,
      ),
    close: async () => {
      if (ws.readyState === WebSocket.CLOSED) return;
      const closed = new Promise((resolve) => ws.once('close', resolve));
      ws.close();
      await closed;
    },
  };
}

/** The HTTP status a refused WebSocket handshake got. */
export function refusedUpgradeStatus(
  hubUrl: string,
  headers: Record<string, string>,
  protocols?: string[],
): Promise<number> {
  const ws = new WebSocket(`${hubUrl.replace(/^http/, 'ws')}/ws`, protocols, { headers });
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.once('open', () => {
      ws.terminate();
      reject(new Error('the hub accepted a WebSocket it should have refused'));
    });
    ws.once('error', () => undefined);
  });
}
