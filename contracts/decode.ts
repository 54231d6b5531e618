import type { z } from 'zod';
import { DEFAULT_JSON_LIMITS, checkJsonDepth, checkJsonValue, type JsonLimits } from './json-limits.js';

export type DecodeResult<T> =
  { ok: true; value: T } | { ok: false; code: 'invalid_json' | 'invalid_payload'; reason: string };

const MAX_REASON_CHARS = 300;
const MAX_ISSUES_IN_REASON = 3;

// RFC 8259 JSON is UTF-8; decoding strictly keeps mangled bytes from becoming U+FFFD text.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses JSON bytes and validates them. Never throws: bad input is a value with a reason. A document
 * beyond `limits` is `invalid_payload`; one nested too deep is refused before it is parsed.
 */
export function decodeJson<T>(
  schema: z.ZodType<T>,
  bytes: Uint8Array | string,
  limits: JsonLimits = DEFAULT_JSON_LIMITS,
): DecodeResult<T> {
  let text: string;
  try {
    text = typeof bytes === 'string' ? bytes : utf8.decode(bytes);
  } catch {
    return { ok: false, code: 'invalid_json', reason: 'payload is not valid UTF-8' };
  }
  if (text.trim() === '') return { ok: false, code: 'invalid_json', reason: 'payload is empty' };

  const depth = checkJsonDepth(text, limits.maxDepth);
  if (!depth.ok) return { ok: false, code: 'invalid_payload', reason: clip(depth.reason) };

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, code: 'invalid_json', reason: clip(`not JSON: ${messageOf(err)}`) };
  }

  const shape = checkJsonValue(json, limits);
  if (!shape.ok) return { ok: false, code: 'invalid_payload', reason: clip(shape.reason) };

  try {
    const result = schema.safeParse(json);
    if (result.success) return { ok: true, value: result.data };
    return { ok: false, code: 'invalid_payload', reason: summarizeIssues(result.error.issues) };
  } catch (err) {
    return { ok: false, code: 'invalid_payload', reason: clip(`validation failed: ${messageOf(err)}`) };
  }
}

export function summarizeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const parts = issues
    .slice(0, MAX_ISSUES_IN_REASON)
    .map((issue) => describeIssue(issue, []))
    .join('; ');
  const more = issues.length > MAX_ISSUES_IN_REASON ? ` (+${issues.length - MAX_ISSUES_IN_REASON} more)` : '';
  return clip(parts + more);
}

function describeIssue(issue: z.core.$ZodIssue, base: readonly PropertyKey[]): string {
  const path = [...base, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const branch = deepestBranch(issue.errors);
    const first = branch[0];
    if (first !== undefined) return describeIssue(first, path);
  }
  // zod's own message for a record key is only "Invalid key in record"; the key schema says why.
  if (issue.code === 'invalid_key') {
    const first = issue.issues[0];
    if (first !== undefined) return describeIssue(first, path);
  }
  return `${formatPath(path)}: ${issue.message}`;
}

// The union branch that got furthest into the value is the one the sender most likely meant.
function deepestBranch(branches: readonly (readonly z.core.$ZodIssue[])[]): readonly z.core.$ZodIssue[] {
  let best: readonly z.core.$ZodIssue[] = branches[0] ?? [];
  let bestDepth = -1;
  for (const branch of branches) {
    const depth = Math.max(-1, ...branch.map((i) => i.path.length));
    if (depth > bestDepth) {
      best = branch;
      bestDepth = depth;
    }
  }
  return best;
}

export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function clip(s: string): string {
  return s.length <= MAX_REASON_CHARS ? s : `${s.slice(0, MAX_REASON_CHARS - 3)}...`;
}
