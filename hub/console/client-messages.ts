import {
  checkJsonDepth,
  checkJsonValue,
  DEFAULT_JSON_LIMITS,
  CLIENT_MESSAGE_TYPES,
  clientMessageSchema,
  requestIdSchema,
  summarizeIssues,
  type ClientMessage,
} from '../../contracts/index.js';
import { failure, success, type Result } from '../../common/result.js';

/** A client message, or why the frame is not one (with its requestId when that was valid). */
export type ParsedClientMessage = Result<ClientMessage, 'invalid_message', { requestId?: string }>;

const invalid = (reason: string, requestId: { requestId?: string } = {}): ParsedClientMessage =>
  failure('invalid_message', reason, requestId);

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads one client frame. Never throws; a bad frame keeps its requestId when it had a valid one. */
export function parseClientMessage(data: Buffer, isBinary: boolean): ParsedClientMessage {
  if (isBinary) return invalid('send JSON in text frames, not binary frames');
  let text: string;
  let json: unknown;
  try {
    text = utf8.decode(data);
  } catch {
    return invalid('message is not JSON text');
  }
  // An operator's frame is bounded like a device's payload: deep `params` must not cost stack.
  const depth = checkJsonDepth(text, DEFAULT_JSON_LIMITS.maxDepth);
  if (!depth.ok) return invalid(depth.reason);
  try {
    json = JSON.parse(text);
  } catch {
    return invalid('message is not JSON text');
  }
  const bounded = checkJsonValue(json, DEFAULT_JSON_LIMITS);
  if (!bounded.ok) return invalid(bounded.reason);
  if (!isObject(json)) return invalid('message must be a JSON object with a "type"');
  const id = requestIdSchema.safeParse(json.requestId);
  const requestId = id.success ? { requestId: id.data } : {};
  const type = json.type;
  if (typeof type !== 'string' || !(CLIENT_MESSAGE_TYPES as readonly string[]).includes(type)) {
    const shown = typeof type === 'string' ? JSON.stringify(type.slice(0, 64)) : 'missing';
    return invalid(`unknown message type ${shown}; known: ${CLIENT_MESSAGE_TYPES.join(', ')}`, requestId);
  }
  const parsed = clientMessageSchema.safeParse(json);
  if (!parsed.success) return invalid(summarizeIssues(parsed.error.issues), requestId);
  return success(parsed.data);
}
