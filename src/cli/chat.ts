/** @module `cli chat`: talk to the assistant in the terminal, one conversation, through the full pipeline. */
import { createInterface } from 'node:readline/promises';
import { converse, createLocalService, parseFlags } from './local-service.js';

export async function chat(args: string[]): Promise<number> {
  const flags = parseFlags(args);
  const service = createLocalService({ db: flags['db'], now: flags['now'] });
  const from = flags['from'] ?? '+447700900000';
  const channel = flags['channel'] === 'whatsapp' ? 'whatsapp' : 'sms';
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  process.stdout.write(`Chatting as ${from} by ${channel}. Ctrl+D to end.\n`);
  rl.setPrompt('you> ');
  rl.prompt();
  for await (const text of rl) {
    const o = await converse(service, from, channel, text);
    for (const reply of o?.replies ?? []) process.stdout.write(`\n${reply}\n`);
    if (o) process.stdout.write(`  [${o.decision.intent}${o.decision.topic ? ` ${o.decision.topic}` : ''}, handoff ${o.decision.handoff}, ${o.segments} segments]\n\n`);
    rl.prompt();
  }
  await service.outbox.stop();
  service.db.close();
  return 0;
}
