import { DEVICES_PATH } from '../../../contracts/http-devices.js';
import {
  deviceHistoryPath,
  deviceHistorySchema,
  type DeviceHistory,
} from '../../../contracts/http-history.js';

/** The parts of the HTTP API the page uses, with the operator token. */
export class HubApi {
  constructor(private readonly token: string) {}

  async checkToken(): Promise<'accepted' | 'refused' | 'unknown'> {
    try {
      const response = await this.get(`${DEVICES_PATH}?limit=1`);
      if (response.status === 401) return 'refused';
      return response.ok ? 'accepted' : 'unknown';
    } catch {
      return 'unknown';
    }
  }

  async history(deviceId: string): Promise<DeviceHistory> {
    const response = await this.get(deviceHistoryPath(deviceId));
    if (!response.ok) throw new Error(`history: the hub answered ${response.status}`);
    return deviceHistorySchema.parse(await response.json());
  }

  private get(path: string): Promise<Response> {
    return fetch(path, { headers: { authorization: `Bearer ${this.token}` }, cache: 'no-store' });
  }
}
