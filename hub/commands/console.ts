import {
  issueCommandRequestSchema,
  summarizeIssues,
  type CommandStatusMessage,
  type ServerMessage,
} from '../../contracts/index.js';
import type { ConsoleServer } from '../console/console-server.js';
import { errorMessage, requestIdOf } from '../console/console-server.js';
import type { CommandService } from './command-service.js';
import type { CommandTracker, StatusChange } from './command-tracker.js';

function statusMessage({ command, entry }: StatusChange): CommandStatusMessage {
  const message: CommandStatusMessage = {
    type: 'commandStatus',
    id: command.id,
    deviceId: command.deviceId,
    status: entry.status,
    at: entry.at,
  };
  if (entry.gatewayId !== undefined) message.gatewayId = entry.gatewayId;
  if (entry.detail !== undefined) message.detail = entry.detail;
  return message;
}

/** Commands on the console: issueCommand requests, and every status change pushed to every console. */
export function serveCommandsOnConsole(
  console: ConsoleServer,
  service: CommandService,
  tracker: CommandTracker,
): void {
  const schema = issueCommandRequestSchema(service.limits);

  // Statuses of a command a console is issuing wait until its commandAccepted is out, so that
  // console learns the id before it sees the id's first status.
  const held = new Map<string, StatusChange[]>();
  const release = (id: string): void => {
    const changes = held.get(id) ?? [];
    held.delete(id);
    for (const change of changes) console.broadcast(statusMessage(change));
  };

  console.handle('issueCommand', async (message): Promise<ServerMessage> => {
    const { type: _type, requestId, ...fields } = message;
    const request = schema.safeParse(fields);
    if (!request.success)
      return errorMessage('invalid_request', summarizeIssues(request.error.issues), requestId);
    const id = service.newId();
    held.set(id, []);
    try {
      const outcome = await service.issue(request.data, 'console', id);
      if (!outcome.ok) return errorMessage(outcome.code, outcome.reason, requestId);
      return { type: 'commandAccepted', ...requestIdOf({ requestId }), ...outcome.value };
    } finally {
      // The console server sends this handler's answer within the current turn; release after it.
      setImmediate(() => release(id));
    }
  });

  tracker.on('change', (change) => {
    const waiting = held.get(change.command.id);
    if (waiting) waiting.push(change);
    else console.broadcast(statusMessage(change));
  });
}
