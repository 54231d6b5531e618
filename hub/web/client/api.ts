import { deviceHistorySchema, type DeviceHistory } from '../../../contracts/console-protocol.js';

/** The parts of the HTTP API the page uses, with the operator token. */
export class HubApi {
  constructor(private readonly token: string) {}

  async checkToken(): Promise<'accepted' | 'refused' | 'unknown'> {
    try {
      const response = await this.get('/api/devices?limit=1');
      if (response.status === 401) return 'refused';
      return response.ok ? 'accepted' : 'unknown';
    } catch {
      return 'unknown';
    }
  }

  async history(deviceId: string): Promise<DeviceHistory> {
    const response = await this.get(`/api/devices/${encodeURIComponent(deviceId)}/history`);
    if (!response.ok) throw new Error(`history: the hub answered ${response.status}`);
    return deviceHistorySchema.parse(await response.json());
  }

  private get(path: string): Promise<Response> {
    return fetch(path, { headers: { authorization: `Bearer ${this.token}` }, cache: 'no-store' });
  }
}
