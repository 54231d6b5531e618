import { readJson } from '../http/body.js';
import { HttpError, notFound, unavailable } from '../http/errors.js';
import { json, type Route } from '../http/route.js';
import type { Accepted, CommandService, IssueOutcome } from './command-service.js';
import { issueRequestSchema, parseCommandIdParam, parseListQuery } from './requests.js';

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
  const bodySchema = issueRequestSchema(commands.limits);
  return [
    {
      method: 'POST',
      path: '/api/commands',
      auth: 'operator',
      name: 'commands.issue',
      handle: async ({ req }) => {
        const body = await readJson(req, bodySchema);
        const value = accepted(await commands.issue(body, 'http'));
        return json(202, value, { location: `/api/commands/${encodeURIComponent(value.id)}` });
      },
    },
    {
      method: 'GET',
      path: '/api/commands',
      auth: 'operator',
      name: 'commands.list',
      handle: ({ query }) => {
        const { deviceId, limit } = parseListQuery(query);
        return Promise.resolve(json(200, { commands: commands.list(limit, deviceId), limit }));
      },
    },
    {
      method: 'GET',
      path: '/api/commands/:id',
      auth: 'operator',
      name: 'commands.get',
      handle: ({ params }) => {
        const id = parseCommandIdParam(params.id);
        const view = commands.get(id);
        if (!view) throw notFound(`no command ${id}`);
        return Promise.resolve(json(200, view));
      },
    },
  ];
}
