import {
  CLIENT_MESSAGE_TYPES,
  clientMessageSchema,
  requestIdSchema,
  summarizeIssues,
  type ClientMessage,
} from '../../contracts/index.js';

export type ParsedClientMessage =
  { ok: true; message: ClientMessage } | { ok: false; reason: string; requestId?: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads one client frame. Never throws; a bad frame keeps its requestId when it had a valid one. */
export function parseClientMessage(data: Buffer, isBinary: boolean): ParsedClientMessage {
  if (isBinary) return { ok: false, reason: 'send JSON in text frames, not binary frames' };
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(data));
  } catch {
    return { ok: false, reason: 'message is not JSON text' };
  }
  if (!isObject(json)) return { ok: false, reason: 'message must be a JSON object with a "type"' };
  const id = requestIdSchema.safeParse(json.requestId);
  const requestId = id.success ? { requestId: id.data } : {};
  const type = json.type;
  if (typeof type !== 'string' || !(CLIENT_MESSAGE_TYPES as readonly string[]).includes(type)) {
    const shown = typeof type === 'string' ? JSON.stringify(type.slice(0, 64)) : 'missing';
    return {
      ok: false,
      reason: `unknown message type ${shown}; known: ${CLIENT_MESSAGE_TYPES.join(', ')}`,
      ...requestId,
    };
  }
  const parsed = clientMessageSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: summarizeIssues(parsed.error.issues), ...requestId };
  return { ok: true, message: parsed.data };
}
