import {
  DEVICES_PATH,
  historyQuerySchema,
  summarizeIssues,
  type DeviceHistory,
  type HistoryQuery,
} from '../../contracts/index.js';
import { parseDeviceIdParam } from '../devices/requests.js';
import { badRequest, notFound, unavailable } from '../http/errors.js';
import { json, type Route } from '../http/route.js';
import { historyWindow } from './influx-queries.js';
import type { FleetStore } from './influx-store.js';

/** The longest history one request may ask for. */
export const MAX_HISTORY_WINDOW_MS = 7 * 24 * 3_600_000;

/** `?since=&metric=`; a repeated or unknown parameter is a 400, as elsewhere in the API. */
export function parseHistoryQuery(query: URLSearchParams): HistoryQuery {
  const raw: Record<string, string> = {};
  for (const [key, value] of query) {
    if (Object.hasOwn(raw, key))
      throw badRequest(`query parameter ${key.slice(0, 64)} is given more than once`);
    raw[key] = value;
  }
  const parsed = historyQuerySchema.safeParse(raw);
  if (!parsed.success) throw badRequest(summarizeIssues(parsed.error.issues));
  return parsed.data;
}

export interface HistoryRouteDeps {
  fleet: { has(deviceId: string): boolean; latestTs(deviceId: string): number | undefined };
  store: FleetStore;
  now: () => number;
}

/** GET /api/devices/{id}/history: the device view's last hour, from InfluxDB. */
export function fleetRoutes({ fleet, store, now }: HistoryRouteDeps): Route[] {
  return [
    {
      method: 'GET',
      path: `${DEVICES_PATH}/:id/history`,
      auth: 'operator',
      name: 'devices.history',
      handle: async ({ params, query, log }) => {
        const deviceId = parseDeviceIdParam(params.id);
        const request = parseHistoryQuery(query);
        if (!fleet.has(deviceId)) throw notFound(`no device ${deviceId}`);
        const window = historyWindow({ deviceId, ...request }, now(), fleet.latestTs(deviceId));
        if (window.since >= window.until) throw badRequest('since must be before now');
        if (window.until - window.since > MAX_HISTORY_WINDOW_MS)
          throw badRequest(`since may be at most ${MAX_HISTORY_WINDOW_MS / 3_600_000} hours back`);
        try {
          const history: DeviceHistory = await store.history(window);
          return json(200, history);
        } catch (error) {
          log.warn(
            { deviceId, err: error instanceof Error ? error.message : String(error) },
            'history read failed',
          );
          throw unavailable('InfluxDB did not answer the history query; try again', error);
        }
      },
    },
  ];
}
