import { isRecordRejected } from '../../common/kafka/errors.js';
import type {
  CommandRecord,
  CommandStatusRecord,
  IssueCommandRequest,
  IssueLimits,
} from '../../contracts/index.js';
import type { Logger } from '../../common/logger.js';
import type { Result } from '../../common/result.js';
import type { CommandLog } from './command-log.js';
import type { CommandSummary, CommandTracker, CommandView } from './command-tracker.js';
import { paramsBytes } from './requests.js';

export interface CommandServiceOptions {
  /** The device registry: a command goes only to a device it holds. */
  devices: { get(deviceId: string): unknown };
  log: CommandLog;
  tracker: CommandTracker;
  limits: IssueLimits;
  now(): number;
  newId(): string;
  logger: Logger;
  onIssued?(via: IssueChannel): void;
}

/** How the operator reached the hub; the command's issuedBy is `operator:{channel}`. */
export type IssueChannel = 'http' | 'console';

export interface Accepted {
  id: string;
  status: 'queued';
  expiresAt: number;
}

export type IssueOutcome = Result<Accepted, 'payload_too_large' | 'not_found' | 'unavailable'>;

/** Issues commands and answers what the tracker knows of them; shared by the HTTP API and the console. */
export class CommandService {
  constructor(private readonly options: CommandServiceOptions) {}

  get limits(): IssueLimits {
    return this.options.limits;
  }

  /** A fresh command id, for a caller that must know it before `issue` resolves. */
  newId(): string {
    return this.options.newId();
  }

  /** `request` has passed `issueCommandRequestSchema`. */
  async issue(
    request: IssueCommandRequest,
    via: IssueChannel,
    id: string = this.newId(),
  ): Promise<IssueOutcome> {
    const { limits, devices, log, tracker, logger } = this.options;
    const bytes = paramsBytes(request.params);
    if (bytes > limits.maxParamsBytes)
      return {
        ok: false,
        code: 'payload_too_large',
        reason: `params are ${bytes} bytes as JSON; at most ${limits.maxParamsBytes} are allowed`,
      };
    if (devices.get(request.deviceId) === undefined)
      return { ok: false, code: 'not_found', reason: `no device ${request.deviceId}` };

    const issuedAt = this.options.now();
    const command: CommandRecord = {
      id,
      deviceId: request.deviceId,
      name: request.name,
      params: request.params,
      issuedAt,
      expiresAt: issuedAt + request.ttlMs,
      issuedBy: `operator:${via}`,
    };
    const queued: CommandStatusRecord = {
      id: command.id,
      deviceId: command.deviceId,
      status: 'queued',
      at: issuedAt,
    };
    try {
      // `queued` goes first: a gateway can only write `sent` after reading the command, so in the
      // device's status partition `queued` always comes before anything a gateway writes.
      await log.writeStatuses([queued]);
      await log.writeCommand(command);
    } catch (error) {
      logger.warn(
        {
          commandId: command.id,
          deviceId: command.deviceId,
          err: error instanceof Error ? error.message : String(error),
        },
        'command write failed',
      );
      // Kafka refused these records for good (too large for the topic): the request is at fault.
      if (isRecordRejected(error)) {
        return {
          ok: false,
          code: 'payload_too_large',
          reason: `Kafka refused command ${command.id}: ${error.message}`,
        };
      }
      return {
        ok: false,
        code: 'unavailable',
        reason:
          `Kafka did not acknowledge command ${command.id}; it may still be delivered: ` +
          `look it up with GET /api/commands/${command.id} before issuing it again`,
      };
    }
    // Read-your-writes: the tracker would see the command from Kafka shortly; GET must see it now.
    tracker.addCommand(command);
    this.options.onIssued?.(via);
    logger.info({ commandId: command.id, deviceId: command.deviceId, name: command.name }, 'command issued');
    return { ok: true, value: { id: command.id, status: 'queued', expiresAt: command.expiresAt } };
  }

  get(id: string): CommandView | undefined {
    return this.options.tracker.get(id);
  }

  list(limit: number, deviceId?: string): CommandSummary[] {
    return this.options.tracker.list(limit, deviceId);
  }
}
