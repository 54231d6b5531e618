import type { Logger } from '../../common/logger.js';
import {
  DEVICES_PATH,
  createDeviceRequestSchema,
  devicePath,
  type CreatedDevice,
  type DeviceList,
  type DeviceSummary,
  type RotatedSecret,
} from '../../contracts/index.js';
import { conflict, notFound, unavailable } from '../http/errors.js';
import { readJson } from '../http/body.js';
import { json, type Route } from '../http/route.js';
import type { DeviceOutcome, DeviceService } from './device-service.js';
import { parseDeviceIdParam, parsePageQuery } from './requests.js';

function unwrap<T>(outcome: DeviceOutcome<T>, deviceId: string): T {
  if (outcome.ok) return outcome.value;
  switch (outcome.code) {
    case 'exists':
      throw conflict(`device ${deviceId} already exists`);
    case 'not_found':
      throw notFound(`no device ${deviceId}`);
    case 'busy':
      throw conflict(`another change to device ${deviceId} is in progress; try again`);
  }
}

// The Kafka write may or may not have happened; the caller can look and retry.
async function writing<T>(log: Logger, deviceId: string, change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (error) {
    log.warn(
      { deviceId, err: error instanceof Error ? error.message : String(error) },
      'registry write failed',
    );
    throw unavailable('Kafka did not acknowledge the registry write; check and retry', error);
  }
}

/** /api/devices: provision, list, look up, remove, rotate secrets. */
export function deviceRoutes(devices: DeviceService): Route[] {
  return [
    {
      method: 'POST',
      path: DEVICES_PATH,
      auth: 'operator',
      name: 'devices.create',
      handle: async ({ req, log }) => {
        const body = await readJson(req, createDeviceRequestSchema);
        const created: CreatedDevice = unwrap(
          await writing(log, body.id, () => devices.create(body.id, body.attributes)),
          body.id,
        );
        return json(201, created, { location: devicePath(created.id) });
      },
    },
    {
      method: 'GET',
      path: DEVICES_PATH,
      auth: 'operator',
      name: 'devices.list',
      handle: ({ query }) => {
        const page = parsePageQuery(query);
        const list: DeviceList = { ...devices.list(page), limit: page.limit, offset: page.offset };
        return Promise.resolve(json(200, list));
      },
    },
    {
      method: 'GET',
      path: `${DEVICES_PATH}/:id`,
      auth: 'operator',
      name: 'devices.get',
      handle: ({ params }) => {
        const id = parseDeviceIdParam(params.id);
        const device: DeviceSummary | undefined = devices.get(id);
        if (!device) throw notFound(`no device ${id}`);
        return Promise.resolve(json(200, device));
      },
    },
    {
      method: 'DELETE',
      path: `${DEVICES_PATH}/:id`,
      auth: 'operator',
      name: 'devices.remove',
      handle: async ({ params, log }) => {
        const id = parseDeviceIdParam(params.id);
        unwrap(await writing(log, id, () => devices.remove(id)), id);
        return { status: 204 };
      },
    },
    {
      method: 'POST',
      path: `${DEVICES_PATH}/:id/secret`,
      auth: 'operator',
      name: 'devices.rotateSecret',
      handle: async ({ params, log }) => {
        const id = parseDeviceIdParam(params.id);
        const rotated: RotatedSecret = unwrap(await writing(log, id, () => devices.rotateSecret(id)), id);
        return json(200, rotated);
      },
    },
  ];
}
