import { z } from 'zod';
import {
  commandIdSchema,
  commandPayloadSchema,
  decodeJson,
  summarizeIssues,
  type CommandPayload,
  type CommandResultPayload,
  type JsonObject,
} from '../../contracts/index.js';
import {
  calibrateParamsSchema,
  rebootParamsSchema,
  setLoadParamsSchema,
  setSampleRateParamsSchema,
} from './params.js';
import type { RecentIds } from './recent-ids.js';

export const COMMAND_NAMES = ['set-sample-rate', 'reboot', 'set-load', 'calibrate'] as const;
export type SimCommandName = (typeof COMMAND_NAMES)[number];

/** What the device must do after answering; the handler itself touches nothing but `seen`. */
export type CommandEffect =
  | { kind: 'set-interval'; intervalMs: number }
  | { kind: 'reboot'; delayMs: number }
  | { kind: 'set-load'; load: number }
  | { kind: 'calibrate' };

export interface CommandContext {
  /** Wall-clock epoch ms: `expiresAt` is set by operators in real time, not simulated time. */
  nowMs: number;
  machineFailed: boolean;
  /** Ids already answered; devices must tolerate the same command twice. */
  seen: RecentIds;
}

export type CommandOutcome =
  | { kind: 'answer'; result: CommandResultPayload; effect: CommandEffect | null }
  | { kind: 'duplicate'; id: string }
  /** No usable id, so there is nobody to answer. */
  | { kind: 'undecodable'; reason: string };

const idOnlySchema = z.object({ id: commandIdSchema });

export function handleCommand(name: string, payload: Buffer | string, ctx: CommandContext): CommandOutcome {
  const decoded = decodeJson(commandPayloadSchema, payload);
  if (!decoded.ok) {
    const salvaged = decodeJson(idOnlySchema, payload);
    if (!salvaged.ok) return { kind: 'undecodable', reason: decoded.reason };
    const id = salvaged.value.id;
    if (!ctx.seen.add(id)) return { kind: 'duplicate', id };
    return reply(id, 'rejected', `invalid command payload: ${decoded.reason}`);
  }
  const command = decoded.value;
  if (!ctx.seen.add(command.id)) return { kind: 'duplicate', id: command.id };
  if (command.expiresAt < ctx.nowMs) {
    return reply(command.id, 'rejected', `expired at ${new Date(command.expiresAt).toISOString()}`);
  }
  return execute(name, command, ctx);
}

function execute(name: string, command: CommandPayload, ctx: CommandContext): CommandOutcome {
  const { id, params } = command;
  switch (name) {
    case 'set-sample-rate':
      return withParams(id, setSampleRateParamsSchema, params, ({ intervalMs }) =>
        reply(id, 'succeeded', undefined, { kind: 'set-interval', intervalMs }, { intervalMs }),
      );
    case 'reboot':
      return withParams(id, rebootParamsSchema, params, ({ delayMs }) =>
        reply(id, 'succeeded', `rebooting, back in about ${delayMs} ms`, { kind: 'reboot', delayMs }),
      );
    case 'set-load':
      return withParams(id, setLoadParamsSchema, params, ({ load }) =>
        ctx.machineFailed
          ? reply(id, 'failed', 'machine has failed; load cannot be changed')
          : reply(id, 'succeeded', undefined, { kind: 'set-load', load }, { load }),
      );
    case 'calibrate':
      return withParams(id, calibrateParamsSchema, params, () =>
        ctx.machineFailed
          ? reply(id, 'failed', 'machine has failed; sensors cannot be calibrated')
          : reply(id, 'succeeded', 'sensor offsets reset', { kind: 'calibrate' }),
      );
    default:
      return reply(
        id,
        'rejected',
        `unknown command ${JSON.stringify(name)}; known: ${COMMAND_NAMES.join(', ')}`,
      );
  }
}

function withParams<T>(
  id: string,
  schema: z.ZodType<T>,
  params: JsonObject,
  run: (parsed: T) => CommandOutcome,
): CommandOutcome {
  const parsed = schema.safeParse(params);
  if (!parsed.success)
    return reply(id, 'rejected', `invalid params: ${summarizeIssues(parsed.error.issues)}`);
  return run(parsed.data);
}

function reply(
  id: string,
  status: CommandResultPayload['status'],
  detail?: string,
  effect: CommandEffect | null = null,
  data?: JsonObject,
): CommandOutcome {
  const result: CommandResultPayload = { id, status };
  if (detail !== undefined) result.detail = detail;
  if (data !== undefined) result.data = data;
  return { kind: 'answer', result, effect };
}
