import { randomUUID } from 'node:crypto';
import type { Registry } from 'prom-client';
import type { TopicKind } from '../../contracts/index.js';
import type { Config } from '../../config/index.js';
import type { Logger } from '../../common/logger.js';
import type { ConsumerMonitor } from '../../common/kafka/consumer-monitor.js';
import type { KafkaPort, RecordProducer } from '../../common/kafka/port.js';
// The gateway's feed is generic over the two command topics; both processes read them the same way.
import { CommandFeed } from '../../common/kafka/command-feed.js';
import type { Feature, HealthFragment } from '../../common/process/feature.js';
import type { Route } from '../http/route.js';
import { KafkaCommandLog } from './command-log.js';
import { CommandService } from './command-service.js';
import { CommandTracker } from './command-tracker.js';
import { ExpiryEnforcer } from './expiry-enforcer.js';
import { CommandMetrics } from './metrics.js';
import { MAX_PARAMS_BYTES } from './requests.js';
import { commandRoutes } from './routes.js';

/**
 * Read beyond the longest TTL: record timestamps come from the writers' clocks, and a command that
 * expired just before a restart still needs its `expired` written.
 */
export const HISTORY_MARGIN_MS = 5 * 60_000;
const PRUNE_EVERY_MS = 60_000;
const EXPIRY_RETRY_MS = 5_000;

export interface CommandsDeps {
  kafka: KafkaPort;
  producer: RecordProducer;
  topics: Readonly<Record<TopicKind, string>>;
  devices: { get(deviceId: string): unknown };
  config: Pick<Config, 'commands' | 'kafka'>;
  registry: Registry;
  consumerMonitor?: ConsumerMonitor;
  logger: Logger;
  now?: () => number;
}

/**
 * Commands in one hub: the tracker read from Kafka, expiry, the service and its routes. Built
 * whole in the constructor; `start()` reads the history and starts expiry, `stop()` undoes it and
 * is safe to call after a failed or missing start.
 */
export class CommandsFeature implements Feature<Route> {
  readonly name = 'commands';
  readonly tracker: CommandTracker;
  readonly service: CommandService;
  readonly routes: Route[];
  private readonly metrics: CommandMetrics;
  private readonly feed: CommandFeed;
  private readonly expiry: ExpiryEnforcer;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly historyMs: number;
  private pruner: NodeJS.Timeout | undefined;

  constructor(deps: CommandsDeps) {
    this.now = deps.now ?? Date.now;
    const { commands: limits } = deps.config;
    this.historyMs = limits.maxTtlMs + HISTORY_MARGIN_MS;
    this.logger = deps.logger.child({ component: 'commands' });
    this.tracker = new CommandTracker({
      retentionMs: this.historyMs,
      orphanTtlMs: 10 * 60_000,
      maxOrphans: 100_000,
      now: this.now,
    });
    this.metrics = new CommandMetrics(deps.registry, this.tracker);
    const log = new KafkaCommandLog(deps.producer, deps.topics);
    // Offsets are set from a timestamp at every start and never committed: a group per process.
    this.feed = new CommandFeed(
      deps.kafka,
      deps.topics,
      `${deps.config.kafka.topicPrefix}.hub-commands.${randomUUID()}`,
      this.logger.child({ component: 'command-feed' }),
      deps.consumerMonitor,
    );
    this.expiry = new ExpiryEnforcer({
      tracker: this.tracker,
      log,
      now: this.now,
      retryMs: EXPIRY_RETRY_MS,
      logger: this.logger,
      onExpiredWritten: (count) => this.metrics.expiredWritten.inc(count),
    });
    this.service = new CommandService({
      devices: deps.devices,
      log,
      tracker: this.tracker,
      limits: {
        defaultTtlMs: limits.defaultTtlMs,
        maxTtlMs: limits.maxTtlMs,
        maxParamsBytes: MAX_PARAMS_BYTES,
      },
      now: this.now,
      newId: randomUUID,
      logger: this.logger,
      onIssued: (via) => this.metrics.issued.inc({ via }),
    });
    this.routes = commandRoutes(this.service);
  }

  /** Resolves once the history window is read, so that lookups and expiry see all of it. */
  async start(): Promise<void> {
    const { tracker, metrics, logger } = this;
    await this.feed.start(this.now() - this.historyMs, {
      onCommand: (command) => void tracker.addCommand(command),
      onStatus: (status) => tracker.applyStatus(status),
      onInvalid: (topic, reason) => {
        metrics.invalidRecords.inc({ topic });
        logger.warn({ topic, reason }, 'command record ignored');
      },
    });
    metrics.follow(tracker);
    this.expiry.start();
    this.pruner = setInterval(() => tracker.prune(), PRUNE_EVERY_MS);
    logger.info({ tracked: tracker.size, pending: tracker.pendingCount }, 'command history loaded');
  }

  health(): HealthFragment {
    return { commands: { tracked: this.tracker.size, pending: this.tracker.pendingCount } };
  }

  async stop(): Promise<void> {
    clearInterval(this.pruner);
    this.expiry.stop();
    await this.feed.stop();
  }
}
