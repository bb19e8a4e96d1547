/** @module The service as the CLI runs it: fake channel, no network, in-memory or named database. */
import { pino } from 'pino';
import { readConfig } from '../config.js';
import { FakeChannel } from '../channels/fake-channel.js';
import { FixedClock, systemClock, type Clock } from '../lib/clock.js';
import { createService, type Service } from '../service.js';
import { randomBytes } from 'node:crypto';
import type { ChannelKind } from '../conversation/types.js';
import type { TurnOutcome } from '../turn/handle-inbound.js';

export interface LocalOptions {
  db?: string;
  now?: string;
}

export function createLocalService(o: LocalOptions): Service {
  // Only the database matters here; Twilio settings in the environment are ignored on purpose.
  const config = { ...readConfig({}), databasePath: o.db ?? ':memory:' };
  const clock: Clock = o.now ? new FixedClock(o.now) : systemClock;
  // Logs go to stderr so stdout carries nothing but answers.
  const logger = pino({ level: process.env['LOG_LEVEL'] ?? 'silent' }, pino.destination(2));
  return createService({ config, clock, logger, channel: new FakeChannel() });
}

/** Sends one text through the full pipeline and waits for its turn. */
export async function converse(s: Service, from: string, channel: ChannelKind, text: string): Promise<TurnOutcome | undefined> {
  const received = await s.runner.receive({
    providerId: `SM${randomBytes(16).toString('hex')}`, channel, from, to: '+440000000000', text, media: [], receivedAt: s.clock.now(),
  });
  const outcomes = await s.runner.process(received.conversationId);
  return outcomes.find((o) => o.inboundId === received.messageId);
}

export function parseFlags(args: string[]): Record<string, string> {
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--')) {
      const [k, v] = a.slice(2).split('=', 2) as [string, string | undefined];
      flags[k] = v ?? args[++i] ?? '';
    }
  }
  return flags;
}
