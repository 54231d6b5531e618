import { EX_CONFIG, loadConfigOrExit } from '../config/index.js';
import { createLogger } from '../common/logger.js';
import { resolveOperatorToken } from './auth/operator-token.js';
import { HUB_SHUTDOWN_GRACE_MS, startHub } from './hub.js';
import { stopOnSignals } from '../common/process/stop-on-signals.js';

const loaded = loadConfigOrExit();
const resolved = resolveOperatorToken(loaded);
if (!resolved.ok) {
  process.stderr.write(`invalid configuration: ${resolved.reason}\n`);
  process.exit(EX_CONFIG);
}
const token = resolved.value;
// Straight to stderr, once: the JSON log is collected and kept, and this token opens the API.
if (token.generated) process.stderr.write(`operator token (generated for this run): ${token.token}\n`);

const config = { ...loaded, hub: { ...loaded.hub, operatorToken: token.token } };
const logger = createLogger('hub', config.log.level);

try {
  const hub = await startHub(config, logger);
  stopOnSignals((reason) => hub.stop(reason), HUB_SHUTDOWN_GRACE_MS, logger);
} catch (error) {
  logger.fatal({ err: error }, 'hub failed to start');
  process.exit(1);
}
