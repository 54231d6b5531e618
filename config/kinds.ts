import { z } from 'zod';
import type { Kind } from './setting.js';

export function port(): Kind<z.ZodInt> {
  // 0 asks the OS for a free port, which tests use to run side by side.
  return { schema: z.int().min(0).max(65535), expected: 'an integer port 0-65535', envType: 'integer' };
}

export function integer(min: number, max: number, unit?: string): Kind<z.ZodInt> {
  const suffix = unit === undefined ? '' : ` (${unit})`;
  return {
    schema: z.int().min(min).max(max),
    expected: `an integer ${min}-${max}${suffix}`,
    envType: 'integer',
  };
}

export function text(pattern: RegExp, expected: string): Kind<z.ZodString> {
  return { schema: z.string().regex(pattern), expected, envType: 'string' };
}

export function oneOf<const T extends readonly [string, ...string[]]>(
  values: T,
): Kind<z.ZodEnum<{ [K in T[number]]: K }>> {
  return { schema: z.enum(values), expected: `one of ${values.join(', ')}`, envType: 'string' };
}

export function fromSchema<S extends z.ZodType<string>>(schema: S, expected: string): Kind<S> {
  return { schema, expected, envType: 'string' };
}

const HOST_PORT = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})):(\d{1,5})$/;

function isHostPort(s: string): boolean {
  const match = HOST_PORT.exec(s);
  const portNumber = Number(match?.[1]);
  return match !== null && portNumber >= 1 && portNumber <= 65535;
}

export function hostPortList(): Kind<z.ZodArray<z.ZodString>> {
  return {
    schema: z.array(z.string().refine(isHostPort)).min(1),
    expected: 'a comma-separated list of host:port such as 127.0.0.1:9092',
    envType: 'list',
  };
}

// The hub takes the database from the URL path, so a URL without one is a mistake.
function isInfluxUrl(s: string): boolean {
  if (!URL.canParse(s)) return false;
  const url = new URL(s);
  return (
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    /^\/[A-Za-z0-9_-]{1,64}\/?$/.test(url.pathname) &&
    url.search === '' &&
    url.hash === ''
  );
}

export function influxUrl(): Kind<z.ZodString> {
  return {
    schema: z.string().refine(isInfluxUrl),
    expected: 'an http(s) URL with a database path such as http://127.0.0.1:8086/iot',
    envType: 'string',
  };
}
