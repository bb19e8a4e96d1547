/** @module The durable outbound path: sends queued rows, records the result, retries with backoff, resumes after a crash. */
import type { Channel } from '../channels/channel.js';
import { SendError } from '../channels/channel.js';
import type { Clock } from '../lib/clock.js';
import type { Metrics } from '../lib/metrics.js';
import type { Logger } from '../lib/logger.js';
import { maskAddress } from '../lib/mask.js';
import type { ConversationStore } from '../store/conversation-store.js';
import type { EventStore } from '../store/event-store.js';
import type { MessageStore, OutboxRow } from '../store/message-store.js';
import type { GroupCommit } from '../store/group-commit.js';

export interface OutboxDeps {
  messages: MessageStore;
  conversations: ConversationStore;
  events: EventStore;
  channel: Channel;
  clock: Clock;
  logger: Logger;
  maxAttempts: number;
  retryBaseMs: number;
  /** Told when the provider refuses a message for good (21610, 63016...), to keep it on the contact for staff. */
  onRefused?: (conversationId: number, code: string) => void;
  metrics?: Metrics;
  /** Commits the outbox's marks together with other writes of the same moment. */
  writes: GroupCommit;
}

/** What code that queues a message needs of the outbox: a nudge to send soon. */
export interface OutboxKick {
  kick(): void;
}

const BATCH = 50;
/** Longest wait before looking again, so a retry is never forgotten even if a timer is lost. */
const MAX_IDLE_MS = 30_000;

export class Outbox implements OutboxKick {
  readonly #d: OutboxDeps;
  #running: Promise<void> | null = null;
  #again = false;
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;

  constructor(deps: OutboxDeps) {
    this.#d = deps;
  }

  /** At start: rows a crash left mid-send are sent again (at least once beats never), then the queue drains. */
  start(): void {
    const requeued = this.#d.messages.requeueInterrupted(this.#d.clock.now());
    if (requeued > 0) this.#d.logger.warn({ requeued }, 'outbox: resending messages interrupted by a restart');
    this.#stopped = false;
    this.kick();
  }

  /** Asks for a drain soon; cheap to call after every turn. */
  kick(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    // A drain that fails (the database busy or closing) must not end the process: it is tried again later.
    this.#running = this.drain().catch((err: unknown) => this.#d.logger.error({ err }, 'outbox: drain failed; will try again')).finally(() => {
      this.#running = null;
      if (this.#again) {
        this.#again = false;
        this.kick();
      } else this.#arm();
    });
  }

  /** Sends everything due now. Rows of one conversation go in order; conversations go side by side. */
  async drain(): Promise<void> {
    for (;;) {
      const rows = this.#d.messages.due(this.#d.clock.now(), BATCH);
      if (rows.length === 0) return;
      const groups = new Map<number, OutboxRow[]>();
      for (const r of rows) groups.set(r.conversationId, [...(groups.get(r.conversationId) ?? []), r]);
      await Promise.all([...groups.values()].map((g) => this.#sendInOrder(g)));
      if (rows.length < BATCH) return;
    }
  }

  /** Graceful shutdown: sends everything due now (what the last turns queued included), then stops. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running;
    // Turns that finished while that drain ran queued replies it did not see: they go now, not at next start.
    await this.drain().catch((err: unknown) => this.#d.logger.error({ err }, 'outbox: last drain failed; the rest goes at next start'));
  }

  #arm(): void {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    let wait: number;
    try {
      const now = this.#d.clock.now();
      const next = this.#d.messages.nextDueAt(now);
      if (!next) return;
      wait = Math.min(MAX_IDLE_MS, Math.max(10, next.getTime() - now.getTime()));
    } catch (err) {
      this.#d.logger.error({ err }, 'outbox: could not read the queue; will look again');
      wait = MAX_IDLE_MS;
    }
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.kick();
    }, wait);
    this.#timer.unref();
  }

  async #sendInOrder(rows: OutboxRow[]): Promise<void> {
    for (const row of rows) {
      const delivered = await this.#sendOne(row);
      // A later reply must not overtake an earlier one that is waiting for a retry.
      if (!delivered) return;
    }
  }

  /** True when the row is finished with (sent or failed for good); false when it waits for a retry. */
  async #sendOne(row: OutboxRow): Promise<boolean> {
    const { messages, events, conversations, channel, clock, logger, writes } = this.#d;
    const log = logger.child({ conversationId: row.conversationId, outboundId: row.id });
    if (row.optedOut && !row.ignoreOptOut) {
      messages.markFailed(row.id, 'opted-out', clock.now());
      log.info('outbox: not sent, contact has opted out');
      return true;
    }
    if (!(await writes.run(() => messages.markSending(row.id, clock.now())))) return true;
    try {
      const result = await channel.send({
        channel: row.channel, to: row.address, body: row.body, ref: row.id,
        ...(row.contentSid ? { template: { contentSid: row.contentSid, variables: JSON.parse(row.contentVariables ?? '{}') as Record<string, string> } } : {}),
      });
      // Twilio answers 'queued' or 'accepted' for a message it has taken on; to us that is 'sent', never our own
      // 'queued' (which would put it back in the outbox and send it twice).
      const status = ['delivered', 'read', 'sent'].includes(result.status) ? result.status : 'sent';
      await writes.run(() => messages.markSent(row.id, result.providerId, status, result.segments, clock.now()));
      this.#d.metrics?.messagesOut.inc({ channel: row.channel });
      log.info({ messageSid: result.providerId, contact: maskAddress(row.address), attempt: row.attempts + 1 }, 'outbox: sent');
      return true;
    } catch (err) {
      const e = err instanceof SendError ? err : new SendError('internal', true, 'unexpected send failure');
      const attempts = row.attempts + 1;
      const now = clock.now();
      if (!e.retryable) this.#d.onRefused?.(row.conversationId, e.code);
      this.#d.metrics?.sendFailures.inc({ code: e.code, final: String(!e.retryable || attempts >= this.#d.maxAttempts) });
      if (e.optedOut) {
        messages.markFailed(row.id, e.code, now);
        conversations.markOptedOut(row.conversationId, now);
        events.append({ conversationId: row.conversationId, messageId: row.id, kind: 'send.refused', detail: { code: e.code, reason: 'recipient opted out' }, at: now });
        log.warn({ code: e.code }, 'outbox: recipient has opted out with the carrier');
        return true;
      }
      if (e.retryable && attempts < this.#d.maxAttempts) {
        const delay = this.#d.retryBaseMs * 2 ** (attempts - 1);
        messages.markRetry(row.id, e.code, new Date(now.getTime() + delay), now);
        log.warn({ code: e.code, attempt: attempts, retryInMs: delay }, 'outbox: send failed, will retry');
        return false;
      }
      messages.markFailed(row.id, e.code, now);
      events.append({ conversationId: row.conversationId, messageId: row.id, kind: 'send.failed', detail: { code: e.code, attempts }, at: now });
      log.error({ code: e.code, attempt: attempts }, 'outbox: send failed for good');
      return true;
    }
  }
}
