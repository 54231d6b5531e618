import { failure, success } from '../../common/result.js';
import { isValidDeviceId } from '../../contracts/index.js';
import type { AuthOutcome, DeviceAuthenticator } from './authenticator.js';

/** DEVICE_AUTH=none, development only: any client id that is a valid device id may connect. */
export class OpenAuthenticator implements DeviceAuthenticator {
  authenticate(clientId: string, username: string | undefined): Promise<AuthOutcome> {
    if (!isValidDeviceId(clientId)) {
      return Promise.resolve(failure('identifier_rejected', 'client id is not a valid device id'));
    }
    if (username !== undefined && username !== '' && username !== clientId) {
      return Promise.resolve(failure('not_authorized', 'username differs from client id'));
    }
    return Promise.resolve(success(clientId));
  }
}
