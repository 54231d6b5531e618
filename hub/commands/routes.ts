import {
  COMMANDS_PATH,
  commandPath,
  issueCommandRequestSchema,
  type AcceptedCommand,
  type CommandList,
  type CommandView,
} from '../../contracts/index.js';
import { readJson } from '../http/body.js';
import { HttpError, notFound, unavailable } from '../http/errors.js';
import { json, type Route } from '../http/route.js';
import type { Accepted, CommandService, IssueOutcome } from './command-service.js';
import { parseCommandIdParam, parseListQuery } from './requests.js';

function accepted(outcome: IssueOutcome): Accepted {
  if (outcome.ok) return outcome.value;
  switch (outcome.code) {
    case 'payload_too_large':
      throw new HttpError(413, 'payload_too_large', outcome.reason);
    case 'not_found':
      throw notFound(outcome.reason);
    case 'unavailable':
      throw unavailable(outcome.reason);
  }
}

/** /api/commands: issue, look up, list. */
export function commandRoutes(commands: CommandService): Route[] {
  const bodySchema = issueCommandRequestSchema(commands.limits);
  return [
    {
      method: 'POST',
      path: COMMANDS_PATH,
      auth: 'operator',
      name: 'commands.issue',
      handle: async ({ req }) => {
        const body = await readJson(req, bodySchema);
        const value: AcceptedCommand = accepted(await commands.issue(body, 'http'));
        return json(202, value, { location: commandPath(value.id) });
      },
    },
    {
      method: 'GET',
      path: COMMANDS_PATH,
      auth: 'operator',
      name: 'commands.list',
      handle: ({ query }) => {
        const { deviceId, limit } = parseListQuery(query);
        const list: CommandList = { commands: commands.list(limit, deviceId), limit };
        return Promise.resolve(json(200, list));
      },
    },
    {
      method: 'GET',
      path: `${COMMANDS_PATH}/:id`,
      auth: 'operator',
      name: 'commands.get',
      handle: ({ params }) => {
        const id = parseCommandIdParam(params.id);
        const view: CommandView | undefined = commands.get(id);
        if (!view) throw notFound(`no command ${id}`);
        return Promise.resolve(json(200, view));
      },
    },
  ];
}
