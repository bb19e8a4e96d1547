/** @module createApp(service): the Express app with every route; no listening, so tests and main share it. */
import { join } from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import express from 'express';
import helmet from 'helmet';
import { errorHandler } from './http/error-handler.js';
import { healthRoutes } from './http/health-routes.js';
import { simulatorRoutes } from './http/simulator-routes.js';
import { twilioWebhookRoutes } from './http/twilio-webhooks.js';
import { consoleRoutes } from './http/console/console-routes.js';
import { warnUntrustedProxy } from './http/proxy-check.js';
import { projectRoot } from './lib/project-root.js';
import type { Service } from './service.js';

export function createApp(s: Service, isReady: () => boolean): express.Express {
  const app = express();
  app.disable('x-powered-by');
  if (s.config.trustProxy !== undefined) app.set('trust proxy', s.config.trustProxy);
  app.use(warnUntrustedProxy(s.logger));
  app.use(helmet());
  app.use(healthRoutes(s.db, isReady));
  app.get('/metrics', async (req, res) => {
    // Off unless a token is configured; compared in constant time so the token cannot be guessed byte by byte.
    const token = s.config.metricsToken;
    const given = Buffer.from(req.get('authorization') ?? '');
    const expected = Buffer.from(`Bearer ${token ?? ''}`);
    if (!token) return res.status(404).type('text/plain').send('Not found');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return res.status(401).type('text/plain').send('Metrics need the bearer token');
    res.type(s.metrics.registry.contentType).send(await s.metricsText());
  });
  app.use(
    twilioWebhookRoutes({
      twilio: s.config.twilio, disabledReason: s.config.twilioDisabledReason, accept: (m) => s.accept(m), writes: s.writes, messages: s.messages,
      conversations: s.conversations, events: s.events, clock: s.clock, logger: s.logger,
      showsRisk: (text) => s.knowledge.understander.screen.screen(text) !== null,
      perSenderPerMinute: s.config.webhookPerSenderPerMinute,
    }),
  );
  app.use('/assets', express.static(join(projectRoot(), 'public', 'console'), { index: false, fallthrough: false }));
  app.use(
    consoleRoutes({
      db: s.db, staff: s.staff, handoffStore: s.handoffStore, handoffs: s.handoffs, conversations: s.conversations, messages: s.messages,
      events: s.events, live: s.live, templates: s.templates, clock: s.clock, logger: s.logger, sessionSecret: s.config.sessionSecret,
      translation: s.translation,
      contentChanges: s.contentChanges, intentIds: s.knowledge.intents.intents.map((i) => i.id),
      onPhrasingAdded: () => s.usePhrasings(s.contentChanges.phrasings()), targets: s.rota.targets,
    }),
  );
  if (s.config.simulatorEnabled) {
    app.use(simulatorRoutes({ runner: s.runner, messages: s.messages, conversations: s.conversations, clock: s.clock, publicDir: join(projectRoot(), 'public') }));
  }
  app.use((_req, res) => {
    res.status(404).type('text/plain').send('Not found');
  });
  app.use(errorHandler(s.logger));
  return app;
}
