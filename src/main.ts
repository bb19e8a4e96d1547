/** @module Composition root: read config, build the service, serve HTTP, recover unfinished work, shut down cleanly. */
import type { Server } from 'node:http';
import { createApp } from './app.js';
import { ConfigError, readConfig } from './config.js';
import { systemClock } from './lib/clock.js';
import { createLogger } from './lib/logger.js';
import { createService } from './service.js';

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
  const service = createService({ config, clock: systemClock, logger, understandingThread: true });
  let ready = false;
  const app = createApp(service, () => ready);

  const server: Server = await new Promise((resolve) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port, twilio: Boolean(config.twilio), simulator: config.simulatorEnabled, database: config.databasePath }, 'offerline listening');
  if (!config.twilio) logger.warn(config.twilioDisabledReason);
  if (config.simulatorEnabled) logger.info(`simulator: http://localhost:${port}/`);

  service.outbox.start();
  service.escalation.start();
  service.campaigns.start();
  service.retention.start();
  // Embedding the content for hybrid retrieval runs in the background; BM25 answers alone until it is done.
  void service.hybrid?.prepare().then((ok) => ok && logger.info('hybrid retrieval ready'));
  // Ready means messages are read on their own thread (or, if it could not start, here: never unanswered).
  if (!(await service.reader.ready)) logger.error('understanding thread did not start; reading on the main thread');
  const recovered = await service.runner.recover();
  if (recovered > 0) logger.info({ recovered }, 'answered messages left unprocessed by the last run');
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
    await service.runner.idle();
    await service.reader.close();
    await service.outbox.stop();
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
