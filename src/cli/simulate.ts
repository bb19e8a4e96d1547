/** @module `cli simulate`: JSON lines in, one JSON answer per line out, through the webhook's own pipeline. */
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { converse, createLocalService, parseFlags } from './local-service.js';

const line = z.looseObject({
  from: z.string().regex(/^\+?[1-9]\d{5,14}$/, 'from must be a phone number'),
  text: z.string().max(10_000),
  channel: z.enum(['sms', 'whatsapp']).default('sms'),
});

export async function simulate(args: string[]): Promise<number> {
  const flags = parseFlags(args);
  const service = createLocalService({ db: flags['db'], now: flags['now'] });
  const out = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
  for await (const raw of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    if (raw.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      out({ error: 'not valid JSON' });
      continue;
    }
    const parsed = line.safeParse(json);
    if (!parsed.success) {
      out({ error: `${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}` });
      continue;
    }
    const { from, text, channel } = parsed.data;
    const o = await converse(service, from.startsWith('+') ? from : `+${from}`, channel, text);
    if (!o) {
      out({ error: 'the message was not processed' });
      continue;
    }
    out({
      intent: o.decision.intent,
      topic: o.decision.topic,
      language: o.language,
      handoff: o.decision.handoff,
      reply: o.replies.join('\n\n'),
      segments: o.segments,
    });
  }
  await service.outbox.stop();
  service.db.close();
  return 0;
}
