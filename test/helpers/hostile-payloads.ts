/** Payloads built to hurt a JSON pipeline: deep, wide, huge, at the edges of size limits. */

/** `[[[...1...]]]`, two bytes per level: the cheapest deep JSON. */
export function nestedArrays(depth: number, leaf = '1'): string {
  return '['.repeat(depth) + leaf + ']'.repeat(depth);
}

/** `{"a":{"a":...1...}}`, six bytes per level. */
export function nestedObjects(depth: number, key = 'a'): string {
  return `{"${key}":`.repeat(depth) + '1' + '}'.repeat(depth);
}

/** An event whose `data` holds `inner` (any JSON text) under key `x`. */
export function eventWith(inner: string, type = 'attack'): string {
  return `{"type":"${type}","severity":"warning","data":{"x":${inner}}}`;
}

/** An object with `keys` members `k0..`, each `value` (JSON text). */
export function wideObject(keys: number, value = '1', keyPrefix = 'k'): string {
  const members: string[] = [];
  for (let i = 0; i < keys; i++) members.push(`"${keyPrefix}${i}":${value}`);
  return `{${members.join(',')}}`;
}

/** A valid event of exactly `bytes` bytes of UTF-8 (at least 40), padded in a data string. */
export function eventOfSize(bytes: number, padChar = 'p'): Buffer {
  const head = '{"type":"pad","data":{"s":"';
  const tail = '"}}';
  const room = bytes - head.length - tail.length;
  if (room < 0) throw new RangeError(`an event cannot be ${bytes} bytes`);
  const pad = Buffer.byteLength(padChar);
  const text = head + padChar.repeat(Math.floor(room / pad)) + 'p'.repeat(room % pad) + tail;
  return Buffer.from(text);
}

/** Bytes that are not JSON (nor anything else), of exactly `bytes` length. */
export function notJson(bytes: number): Buffer {
  const pattern = Buffer.from('this is not JSON \x00\xff ');
  const out = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) out[i] = pattern[i % pattern.length] ?? 0;
  return out;
}
