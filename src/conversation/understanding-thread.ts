/** @module The understanding thread: reads messages (risk screen, language, intents) off the HTTP thread. */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { matcherWith } from '../intents/matcher-with.js';
import { loadKnowledge } from '../knowledge.js';
import { understand } from './understand.js';
import type { FromThread, ThreadInit, ToThread } from './understanding-protocol.js';

const init = workerData as ThreadInit;
const port = parentPort!;

// Storing a message and acknowledging Twilio must never wait behind reading a burst of others: each message
// is already safe in the database, so under load this thread gives way to the HTTP thread. On Linux the
// nice value belongs to the thread, so only this thread is lowered; when the machine is not busy it changes nothing.
try {
  setPriority(init.niceness);
} catch {
  // Not permitted here: reading simply competes as an equal.
}

const knowledge = loadKnowledge();
const understander = { ...knowledge.understander, cardKeyword: init.cardKeyword };
if (init.phrasings.length > 0) understander.matcher = matcherWith(knowledge.intents, init.phrasings);

port.on('message', (m: ToThread) => {
  if (m.kind === 'phrasings') {
    understander.matcher = matcherWith(knowledge.intents, m.added);
    return;
  }
  let reply: FromThread;
  try {
    reply = { kind: 'read', id: m.id, understanding: understand(m.text, m.mediaCount, understander, m.english) };
  } catch (err) {
    reply = { kind: 'read', id: m.id, error: err instanceof Error ? `${err.name}: ${err.message}` : 'unknown error' };
  }
  port.postMessage(reply);
});
port.postMessage({ kind: 'ready' } satisfies FromThread);
