/** @module The turn thread: its own service on its own database connection, answering what the HTTP thread stored. */
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { readConfig } from '../config.js';
import { systemClock } from '../lib/clock.js';
import { createLogger } from '../lib/logger.js';
import { createService } from '../service.js';
import type { FromTurnThread, ToTurnThread } from './turn-thread.js';

const port = parentPort!;

// Storing a message and acknowledging Twilio must never wait behind answering a burst of others: every message
// is already safe in the database, so under load this thread gives way to the HTTP thread. On Linux the nice value
// belongs to the thread, so only this one is lowered; on a machine that is not busy it changes nothing.
try {
  setPriority(10);
} catch {
  // Not permitted here: the threads simply compete as equals.
}
const post = (m: FromTurnThread) => port.postMessage(m);

// The HTTP thread validated the same settings before starting this thread.
const config = readConfig(process.env);
const logger = createLogger(config.logLevel).child({ thread: 'turns' });
// Process metrics (memory, CPU, event loop) are the HTTP thread's to report; these are the turns' and sends'.
const service = createService({ config, clock: systemClock, logger, collectProcessMetrics: false });
service.live.subscribe((change) => post({ kind: 'live', change }));

port.on('message', (m: ToTurnThread) => {
  switch (m.kind) {
    case 'process':
      for (const id of m.conversationIds) {
        service.runner.process(id).catch((err: unknown) => logger.error({ err }, 'turn failed; it will run again at restart'));
      }
      return;
    case 'kick':
      service.outbox.kick();
      return;
    case 'phrasings':
      service.usePhrasings(m.added);
      return;
    case 'metrics':
      void service.metrics.registry.getMetricsAsJSON().then((metrics) => post({ kind: 'metrics', id: m.id, metrics }));
      return;
    case 'stop':
      void (async () => {
        await service.runner.idle();
        await service.outbox.stop();
        service.db.close();
        post({ kind: 'stopped' });
      })();
      return;
  }
});

// Embedding the content for hybrid retrieval runs in the background; BM25 answers alone until it is done.
void service.hybrid?.prepare().then((ok) => ok && logger.info('hybrid retrieval ready'));
// Sends cut off by the last stop go again, and every message stored but not answered is answered, before "ready".
service.outbox.start();
const recovered = await service.runner.recover();
if (recovered > 0) logger.info({ recovered }, 'answered messages left unprocessed by the last run');
post({ kind: 'ready' });
