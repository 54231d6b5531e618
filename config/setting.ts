import { z } from 'zod';

/** How a setting's environment variable text becomes a value before validation. */
export type EnvType = 'string' | 'integer' | 'list';

export interface SettingMeta {
  env: string;
  description: string;
  /** How a valid value looks; every error message for this setting uses it. */
  expected: string;
  envType: EnvType;
  /** Absent for optional settings. */
  default?: unknown;
  /** Never shown: not in logs, generated docs or configuration error messages. */
  secret: boolean;
}

export const settingRegistry = z.registry<SettingMeta>();

/** The value type of a setting: its schema, and how to describe and read it. */
export interface Kind<S extends z.ZodType> {
  schema: S;
  expected: string;
  envType: EnvType;
}

interface SettingOptions {
  env: string;
  description: string;
  secret?: boolean;
}

export function setting<S extends z.ZodType>(
  kind: Kind<S>,
  opts: SettingOptions & { default: z.output<S> },
): z.ZodDefault<S>;
export function setting<S extends z.ZodType>(
  kind: Kind<S>,
  opts: SettingOptions & { optional: true },
): z.ZodOptional<S>;
export function setting(
  kind: Kind<z.ZodType>,
  opts: SettingOptions & ({ default: unknown } | { optional: true }),
): z.ZodType {
  const hasDefault = 'default' in opts;
  const schema = (hasDefault ? kind.schema.default(opts.default) : kind.schema.optional()).describe(
    opts.description,
  );
  settingRegistry.add(schema, {
    env: opts.env,
    description: opts.description,
    expected: kind.expected,
    envType: kind.envType,
    ...(hasDefault ? { default: opts.default } : {}),
    secret: opts.secret ?? false,
  });
  return schema;
}
