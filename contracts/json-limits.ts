/**
 * Bounds on the shape of a JSON document. Device payloads and Kafka records are checked against
 * them before zod or `JSON.stringify` (both recursive) ever see the value, so a hostile document
 * costs time linear in its size and a constant amount of call stack.
 */
export interface JsonLimits {
  /** Containers (objects and arrays) nested in one another; `{}` is 1 deep, a bare number 0. */
  maxDepth: number;
  /** Values of every kind in the document, containers and the root included. */
  maxNodes: number;
  maxArrayLength: number;
  /** In UTF-16 code units, as `String#length` counts them. */
  maxStringLength: number;
  maxKeyLength: number;
}

// maxStringLength stays above the hub's 8 KiB limit on command params: a command the API accepted
// must not be refused by the gateways that read it back from Kafka. maxNodes leaves room for a
// batch of telemetry near the default 64 KiB payload limit, which can hold over 10,000 small values.
export const DEFAULT_JSON_LIMITS: Readonly<JsonLimits> = Object.freeze({
  maxDepth: 16,
  maxNodes: 20_000,
  maxArrayLength: 1_000,
  maxStringLength: 16_384,
  maxKeyLength: 256,
});

/** `prototypeKey`: a `__proto__` key, refused whatever the limits (see checkJsonValue). */
export type JsonLimitName = keyof JsonLimits | 'prototypeKey';

export type JsonLimitCheck = { ok: true } | { ok: false; limit: JsonLimitName; path: string; reason: string };

const OK: JsonLimitCheck = { ok: true };

type PathKey = string | number;

const MAX_KEY_CHARS_IN_PATH = 32;
const MAX_PATH_CHARS = 160;

function breach(limit: JsonLimitName, keys: readonly PathKey[], problem: string): JsonLimitCheck {
  const path = formatLimitPath(keys);
  return { ok: false, limit, path, reason: `${path}: ${problem}` };
}

function formatLimitPath(keys: readonly PathKey[]): string {
  if (keys.length === 0) return '(root)';
  let out = '';
  for (const key of keys) {
    if (typeof key === 'number') out += `[${key}]`;
    else {
      const shown = key.length <= MAX_KEY_CHARS_IN_PATH ? key : `${key.slice(0, MAX_KEY_CHARS_IN_PATH)}...`;
      out += out === '' ? shown : `.${shown}`;
    }
    if (out.length > MAX_PATH_CHARS) return `${out.slice(0, MAX_PATH_CHARS)}...`;
  }
  return out;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

interface OpenContainer {
  isObject: boolean;
  /** Array: the index of the current element. */
  index: number;
  /** Object: where the source text of the current key starts and ends (-1 before the first). */
  keyStart: number;
  keyEnd: number;
  expectingKey: boolean;
}

/**
 * Whether JSON text nests containers deeper than `maxDepth`, found by one pass over its characters
 * so that `JSON.parse` never sees a deep document. Brackets inside strings, escaped quotes included,
 * do not count. Text that is not JSON passes or fails here by its brackets; `JSON.parse` judges it.
 */
export function checkJsonDepth(text: string, maxDepth: number): JsonLimitCheck {
  if (fewBrackets(text, maxDepth)) return OK;
  // Never more than maxDepth entries: the scan stops at the first container beyond.
  const open: OpenContainer[] = [];
  let inString = false;
  let stringStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) {
        inString = false;
        const top = open[open.length - 1];
        if (top?.expectingKey) {
          top.keyStart = stringStart;
          top.keyEnd = i;
          top.expectingKey = false;
        }
      }
      continue;
    }
    switch (c) {
      case QUOTE:
        inString = true;
        stringStart = i + 1;
        break;
      case OPEN_BRACE:
      case OPEN_BRACKET:
        if (open.length >= maxDepth) {
          return breach(
            'maxDepth',
            scannedPath(text, open),
            `nested deeper than ${maxDepth} levels (maxDepth)`,
          );
        }
        open.push({
          isObject: c === OPEN_BRACE,
          index: 0,
          keyStart: -1,
          keyEnd: -1,
          expectingKey: c === OPEN_BRACE,
        });
        break;
      case CLOSE_BRACE:
      case CLOSE_BRACKET:
        open.pop();
        break;
      case COMMA: {
        const top = open[open.length - 1];
        if (top?.isObject) top.expectingKey = true;
        else if (top) top.index++;
        break;
      }
    }
  }
  return OK;
}

// Text with at most `maxDepth` opening brackets, in strings or not, cannot nest deeper: such text
// (a typical device message) needs no scan character by character. indexOf runs natively.
function fewBrackets(text: string, maxDepth: number): boolean {
  const braces = occurrences(text, '{', maxDepth);
  return braces <= maxDepth && braces + occurrences(text, '[', maxDepth - braces) <= maxDepth;
}

/** How often `char` occurs in `text`, counted up to `limit + 1`. */
function occurrences(text: string, char: string, limit: number): number {
  let count = 0;
  for (let i = text.indexOf(char); i !== -1 && count <= limit; i = text.indexOf(char, i + 1)) count++;
  return count;
}

function scannedPath(text: string, open: readonly OpenContainer[]): PathKey[] {
  return open.map((c) => (c.isObject ? keyText(text.slice(c.keyStart, c.keyEnd)) : c.index));
}

// Short keys are shown decoded; a long one only needs its start to be recognised.
function keyText(source: string): string {
  if (!source.includes('\\') || source.length > 4 * MAX_KEY_CHARS_IN_PATH) return source;
  try {
    return String(JSON.parse(`"${source}"`));
  } catch {
    return source;
  }
}

interface Pending {
  value: unknown;
  key: PathKey | undefined;
  parent: Pending | undefined;
  depth: number;
}

function pathOf(item: Pending): PathKey[] {
  const keys: PathKey[] = [];
  for (let at: Pending | undefined = item; at?.key !== undefined; at = at.parent) keys.push(at.key);
  return keys.reverse();
}

/**
 * Whether a parsed JSON value stays within `limits`, walked depth first with an explicit stack
 * (no recursion) and abandoned at the first breach it meets.
 *
 * A `__proto__` key is always refused. `JSON.parse` makes it an own property, and zod's
 * `z.record` drops it silently at the top of a record (it builds a fresh `{}` and skips that key)
 * while keeping it inside `z.unknown()` values: a device's data would change shape without a word,
 * and any later copy by assignment (`Object.assign`, `out[key] = value`) would replace the copy's
 * prototype. Every other key, `constructor` and `prototype` included, is safe to keep: JSON.parse
 * and zod's fresh objects store it as an own data property, and this project never merges device
 * data into other objects by path, which is what would make `constructor.prototype` dangerous.
 */
export function checkJsonValue(value: unknown, limits: JsonLimits): JsonLimitCheck {
  if (limits.maxNodes < 1) return breach('maxNodes', [], `more than ${limits.maxNodes} values (maxNodes)`);
  const stack: Pending[] = [{ value, key: undefined, parent: undefined, depth: 0 }];
  let nodes = 1;
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const v = item.value;
    if (typeof v === 'string') {
      if (v.length > limits.maxStringLength) {
        return breach(
          'maxStringLength',
          pathOf(item),
          `string of ${v.length} characters is longer than ${limits.maxStringLength} (maxStringLength)`,
        );
      }
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    const depth = item.depth + 1;
    if (depth > limits.maxDepth) {
      return breach('maxDepth', pathOf(item), `nested deeper than ${limits.maxDepth} levels (maxDepth)`);
    }
    if (Array.isArray(v)) {
      if (v.length > limits.maxArrayLength) {
        return breach(
          'maxArrayLength',
          pathOf(item),
          `array of ${v.length} items is longer than ${limits.maxArrayLength} (maxArrayLength)`,
        );
      }
      nodes += v.length;
      if (nodes > limits.maxNodes) return tooManyNodes(item, limits);
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], key: i, parent: item, depth });
      continue;
    }
    const record = v as Record<string, unknown>;
    const keys = Object.keys(record);
    nodes += keys.length;
    if (nodes > limits.maxNodes) return tooManyNodes(item, limits);
    for (const key of keys) {
      if (key.length > limits.maxKeyLength) {
        return breach(
          'maxKeyLength',
          [...pathOf(item), key],
          `key of ${key.length} characters is longer than ${limits.maxKeyLength} (maxKeyLength)`,
        );
      }
      if (key === '__proto__') {
        return breach('prototypeKey', [...pathOf(item), key], 'the key "__proto__" is not allowed');
      }
    }
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i] as string;
      stack.push({ value: record[key], key, parent: item, depth });
    }
  }
  return OK;
}

function tooManyNodes(item: Pending, limits: JsonLimits): JsonLimitCheck {
  return breach('maxNodes', pathOf(item), `more than ${limits.maxNodes} values in the document (maxNodes)`);
}
