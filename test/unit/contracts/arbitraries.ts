import fc from 'fast-check';
import { COMMAND_NAME_PATTERN, DEVICE_ID_PATTERN } from '../../../contracts/index.js';

export const deviceIdArb = fc.stringMatching(DEVICE_ID_PATTERN);
export const commandNameArb = fc.stringMatching(COMMAND_NAME_PATTERN);
