/** @module Composition root: read config, build the service, serve HTTP, recover unfinished work, shut down cleanly. */
import type { Server } from 'node:http';
import { createApp } from './app.js';
import { BackupJob } from './backup/backup-job.js';
import { ConfigError, readConfig } from './config.js';
import { systemClock } from './lib/clock.js';
import { createLogger } from './lib/logger.js';
import { createService } from './service.js';
import { TurnThread } from './turn/turn-thread.js';

async function main(): Promise<void> {
  let config;
  try {
    config = readConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee README.md, "Configuration".\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  // Turns and sending run on their own thread with their own database connection; this thread serves HTTP
  // (webhooks, console, simulator) and keeps the timers (escalation, campaigns, retention).
  const service = createService({ config, clock: systemClock, logger, outboxKick: () => thread.kick() });
  const thread = new TurnThread({ logger, live: service.live });
  let ready = false;
  const app = createApp({
    ...service,
    // Stored here, so "received" never waits for a turn; answered on the turn thread.
    accept: async (m) => {
      const received = await service.runner.receive(m);
      if (!received.duplicate) thread.process(received.conversationId);
      return received;
    },
    usePhrasings: (phrasings) => {
      service.usePhrasings(phrasings);
      thread.usePhrasings(phrasings);
    },
    metricsText: () => thread.metricsText(service.metrics),
  }, () => ready);

  const server: Server = await new Promise((resolve) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port, twilio: Boolean(config.twilio), simulator: config.simulatorEnabled, database: config.databasePath }, 'offerline listening');
  if (!config.twilio) logger.warn(config.twilioDisabledReason);
  if (config.simulatorEnabled) logger.info(`simulator: http://localhost:${port}/`);

  service.escalation.start();
  service.campaigns.start();
  service.retention.start();
  const backups = config.backup ? new BackupJob(service.db, config.backup, systemClock, logger) : undefined;
  backups?.start();
  // Here only the simulator's turns use hybrid retrieval (the turn thread prepares its own).
  if (config.simulatorEnabled) void service.hybrid?.prepare();
  // The turn thread answers what the last run left unanswered before it says it is ready.
  if (!(await thread.ready)) logger.error('turn thread did not start; messages are stored here and answered when it does');
  ready = true;

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    ready = false;
    logger.info({ signal }, 'shutting down: finishing turns in flight');
    const force = setTimeout(() => {
      logger.error('shutdown took too long; stopping anyway (unfinished work resumes at next start)');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    service.escalation.stop();
    service.campaigns.stop();
    service.retention.stop();
    await backups?.stop();
    await service.runner.idle();
    await thread.stop();
    service.db.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`offerline failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
