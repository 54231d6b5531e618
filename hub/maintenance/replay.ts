// tsx hub/maintenance/replay.ts --from <iso|ms> [--write-state]: rebuilds device_health from Kafka.
import { hostname } from 'node:os';
import { loadConfigOrExit } from '../../config/index.js';
import { openKafka } from '../../common/kafka/bootstrap.js';
import { createLogger } from '../../common/logger.js';
import { createInfluxClient } from '../influx/client.js';
import { REPLAY_USAGE, parseReplayArgs } from './replay-args.js';
import { runReplay } from './replay-run.js';

const args = parseReplayArgs(process.argv.slice(2));
if ('help' in args) {
  process.stdout.write(REPLAY_USAGE);
  process.exit(0);
}
if ('error' in args) {
  process.stderr.write(`${args.error}\n\n${REPLAY_USAGE}`);
  process.exit(2);
}
const config = loadConfigOrExit();
const logger = createLogger('maintenance-replay', config.log.level);
const kafka = openKafka(config.kafka, config.kafka.clientId ?? `maintenance-replay-${hostname()}`, logger);
try {
  const summary = await runReplay({
    config,
    kafka,
    influx: createInfluxClient(config.influx.url, { requestTimeoutMs: 30_000 }),
    logger,
    fromMs: args.fromMs,
    writeState: args.writeState,
  });
  process.stdout.write(`${JSON.stringify(summary)}\n`);
} catch (error) {
  logger.fatal({ err: error }, 'replay failed');
  process.exit(1);
}
