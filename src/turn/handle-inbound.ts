/** @module The one place that sequences a turn: store, understand, decide, render, commit, send. */
import type { Catalogue } from '../content/catalogue.js';
import { countSegments } from '../content/count-segments.js';
import { fillPlaceholders, renderReply } from '../content/render-reply.js';
import type { Channel } from '../channels/channel.js';
import { decide } from '../conversation/decide.js';
import type { Decision, InboundMessage } from '../conversation/types.js';
import { understand, type Understander, type Understanding } from '../conversation/understand.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { maskAddress } from '../lib/mask.js';
import type { OutboxKick } from '../outbound/outbox.js';
import type { Db } from '../store/db.js';
import type { GroupCommit } from '../store/group-commit.js';
import type { ConversationStore } from '../store/conversation-store.js';
import type { EventStore } from '../store/event-store.js';
import type { MessageStore, StoredInbound } from '../store/message-store.js';
import pLimit from 'p-limit';
import { ConversationQueue } from './conversation-queue.js';
import type { Handoffs, RelayResult } from '../handoff/handoffs.js';
import type { LiveUpdates } from '../handoff/live-updates.js';
import type { Rota } from '../handoff/rota.js';
import type { StaffRow, StaffStore } from '../store/staff-store.js';
import type { TranslationService } from '../translation/translation-service.js';
import type { GroundedAnswerer } from '../retrieval/grounded-answer.js';
import type { ModelTopicClassifier } from '../intents/classify-with-model.js';
import type { HybridRanker } from '../retrieval/hybrid-ranker.js';
import type { Metrics } from '../lib/metrics.js';

export interface TurnDeps {
  db: Db;
  /** Stores messages and commits turns in transactions shared with other writes of the same moment. */
  writes: GroupCommit;
  conversations: ConversationStore;
  messages: MessageStore;
  events: EventStore;
  catalogue: Catalogue;
  understander: Understander;
  channel: Channel;
  outbox: OutboxKick;
  clock: Clock;
  logger: Logger;
  handoffs: Handoffs;
  rota: Rota;
  staff: StaffStore;
  live: LiveUpdates;
  translation: TranslationService;
  /** The optional answer model for the retrieval rung. */
  answerer?: GroundedAnswerer;
  /** The optional outside model, asked which topic a message is about when the embedded readers are unsure. */
  classifier?: ModelTopicClassifier;
  /** Optional embeddings beside BM25 for the retrieval rung. */
  hybrid?: HybridRanker;
  metrics?: Metrics;
}

/** What one finished turn decided and said; `simulate` prints it, logs and metrics read it. */
export interface TurnOutcome {
  inboundId: number;
  conversationId: number;
  decision: Decision;
  language: string;
  replies: string[];
  segments: number;
  durationMs: number;
}

/**
 * Turns read and decided at once before their commits. Commits are shared (group commit) and happen on a later
 * turn of the event loop, so without a bound a burst from many conversations would all be read before any was
 * answered, and the first reply would wait for the last message's reading.
 */
const TURNS_AT_ONCE = 8;

/** The staff text (content/system/en.yaml) a PA gets back for each outcome of a text from their phone. */
const RELAY_TEXTS: Readonly<Record<RelayResult, string>> = { sent: 'relay_sent', unknown: 'relay_unknown', claimed: 'relay_claimed', opted_out: 'relay_opted_out', not_sent: 'relay_failed' };
const RELAY_WHY: Readonly<Record<RelayResult, string>> = {
  sent: 'relayed from a staff phone',
  unknown: 'staff phone, no open conversation with that code',
  claimed: 'staff phone, the conversation is claimed by someone else',
  opted_out: 'staff phone, but the young person has opted out',
  not_sent: 'staff phone, the text could not be sent',
};

export interface Received {
  duplicate: boolean;
  conversationId: number;
  messageId: number;
}

export class TurnRunner {
  readonly #d: TurnDeps;
  readonly #queue = new ConversationQueue();
  /** Slots for the part of a turn that uses the CPU and the database; waits on providers happen outside them. */
  readonly #slots = pLimit(TURNS_AT_ONCE);
  /** Runs queued behind another of the same conversation that have not yet read its messages. */
  readonly #notStarted = new Map<number, Promise<TurnOutcome[]>>();

  constructor(deps: TurnDeps) {
    this.#d = deps;
  }

  /**
   * Stores the message durably before the channel is told "received" (resolves once committed). A second
   * delivery of the same provider id is reported as a duplicate and changes nothing.
   */
  receive(m: InboundMessage): Promise<Received> {
    const { writes, conversations, messages } = this.#d;
    return writes.run((): Received => {
      const conversation = conversations.findOrCreate(m.channel, m.from, m.receivedAt);
      const stored = messages.insertInbound(conversation.id, m);
      if (!stored.duplicate) conversations.noteInbound(conversation.id, m.receivedAt);
      return { duplicate: stored.duplicate, conversationId: conversation.id, messageId: stored.id };
    });
  }

  /**
   * Processes, in order, every stored but unprocessed message of the conversation; returns what each turn did.
   * While a run of the conversation is queued and not yet started, asking again joins it: that run reads every
   * message stored before it starts. So a burst of messages costs one run per conversation, not one per message.
   */
  process(conversationId: number): Promise<TurnOutcome[]> {
    const queued = this.#notStarted.get(conversationId);
    if (queued) return queued;
    const outcomes: TurnOutcome[] = [];
    const run = this.#queue.run(conversationId, async () => {
      this.#notStarted.delete(conversationId);
      for (const inbound of this.#d.messages.unprocessedFor(conversationId)) {
        try {
          const outcome = await this.#answer(inbound);
          if (outcome) outcomes.push(outcome);
        } catch (err) {
          this.#failed(inbound, err);
        }
      }
    }).then(() => outcomes);
    this.#notStarted.set(conversationId, run);
    return run;
  }

  /** After a restart: every message stored but not yet answered is answered now. */
  async recover(): Promise<number> {
    const pending = this.#d.messages.unprocessed();
    const conversationIds = [...new Set(pending.map((p) => p.conversationId))];
    await Promise.all(conversationIds.map((id) => this.process(id)));
    return pending.length;
  }

  /** Resolves when no turn is running; for graceful shutdown. */
  idle(): Promise<void> {
    return this.#queue.idle();
  }

  /**
   * A turn that throws (a bug, bad content) must not leave the young person unanswered or block every later
   * message of the conversation: the message is closed as failed, an apology with the safety line is queued,
   * and a message that screens as urgent still raises the urgent handoff.
   */
  #failed(inbound: StoredInbound, err: unknown): void {
    const { db, conversations, messages, events, catalogue, understander, outbox, clock } = this.#d;
    const log = this.#d.logger.child({ messageSid: inbound.providerId, conversationId: inbound.conversationId });
    log.error({ err }, 'turn failed');
    const now = clock.now();
    if (this.#staffPhone(inbound)) {
      // A staff phone never gets the young person's safety reply or raises a handoff on the PA's own number.
      const text = renderReply({ parts: [{ kind: 'system', key: RELAY_TEXTS.not_sent }] }, catalogue, 'en');
      db.transaction(() => {
        if (!messages.markFailedTurn(inbound.id, now)) return;
        messages.queueReply({ conversationId: inbound.conversationId, replyTo: inbound.id, seq: 0, body: text, language: 'en', origin: 'bot',
          segments: countSegments(text), ignoreOptOut: true, at: now });
        events.append({ conversationId: inbound.conversationId, messageId: inbound.id, kind: 'turn.failed', detail: { error: err instanceof Error ? err.name : 'unknown', staff: true }, at: now });
      }).immediate();
      outbox.kick();
      return;
    }
    let urgent = false;
    try {
      urgent = understander.screen.screen(inbound.text)?.level === 'urgent';
    } catch {
      urgent = true; // cannot tell: treat as the safer case
    }
    // Rendered without the turn's own steps, which just failed: the general safety reply, honest about time.
    const text = urgent
      ? renderReply({ parts: [{ kind: 'safety', reply: 'suicide' }, { kind: 'system', key: 'crisis_unknown' }] }, catalogue, 'en')
      : catalogue.system.get('en')?.['error'] ?? '';
    db.transaction(() => {
      if (!messages.markFailedTurn(inbound.id, now)) return;
      if (text) {
        messages.queueReply({ conversationId: inbound.conversationId, replyTo: inbound.id, seq: 0, body: fillPlaceholders(text, catalogue.contacts),
          language: 'en', origin: 'bot', segments: countSegments(text), ignoreOptOut: urgent, at: now });
      }
      const conversation = conversations.get(inbound.conversationId);
      if (urgent && conversation) {
        conversations.update(conversation, { mode: conversation.mode === 'with_pa' ? 'with_pa' : 'waiting', handoffLevel: 'urgent', handoffReason: 'risk (turn failed)',
          state: conversation.state, language: conversation.language, optedOut: conversation.optedOut }, now);
        this.#d.handoffs.request(conversation, 'urgent', 'risk (turn failed)', now);
        events.append({ conversationId: inbound.conversationId, messageId: inbound.id, kind: 'handoff.requested', detail: { level: 'urgent', reason: 'risk (turn failed)' }, at: now });
      }
      events.append({ conversationId: inbound.conversationId, messageId: inbound.id, kind: 'turn.failed', detail: { error: err instanceof Error ? err.name : 'unknown' }, at: now });
    }).immediate();
    outbox.kick();
  }

  /** A text from a registered staff phone is a PA replying ("K7Q2 message"), never a question for the assistant. */
  #relay(inbound: StoredInbound, staffMember: StaffRow, started: number): TurnOutcome | null {
    const { db, messages, events, catalogue, outbox, clock } = this.#d;
    const { conversationId } = inbound;
    const now = clock.now();
    const result = db.transaction(() => {
      if (!messages.markProcessed(inbound.id, 'en', now)) return null;
      const relayed = this.#d.handoffs.relayFromStaffPhone(staffMember, inbound.text);
      const body = renderReply({ parts: [{ kind: 'system', key: RELAY_TEXTS[relayed.result], vars: { code: relayed.code ?? '' } }] }, catalogue, 'en');
      messages.queueReply({ conversationId, replyTo: inbound.id, seq: 0, body, language: 'en', origin: 'bot', segments: countSegments(body), ignoreOptOut: true, at: now });
      events.append({ conversationId, messageId: inbound.id, kind: 'staff.relay', detail: { delivered: relayed.result === 'sent', result: relayed.result }, at: now });
      return { relayed, body };
    }).immediate();
    if (!result) return null;
    outbox.kick();
    return {
      inboundId: inbound.id, conversationId, language: 'en', replies: [result.body], segments: countSegments(result.body),
      durationMs: performance.now() - started,
      decision: { intent: 'relay', topic: null, handoff: 'none', replies: [], mode: 'bot', state: {}, language: 'en', languageSource: null, why: [RELAY_WHY[result.relayed.result]] },
    };
  }

  /**
   * With a translation provider, a message not in English is also read in English (for matching, for the risk
   * screen as a second net, and for staff). Time-limited; without a provider or on failure, null.
   */
  async #english(inbound: StoredInbound): Promise<string | null> {
    const t = this.#d.translation;
    if (!t.enabled || inbound.text.trim() === '') return null;
    const guess = this.#d.understander.detector.detect(inbound.text);
    if (!guess.code || guess.code === 'en') return null;
    return t.translate(inbound.text, guess.code, 'en');
  }

  /**
   * Reads the message once, decides and commits. Only a message no intent matches (never one showing risk, a
   * command, or a text from staff) goes on to the optional, time-limited steps: embeddings ranking and the answer
   * model. Those wait on providers, so they run outside the turn's slot.
   */
  async #answer(inbound: StoredInbound): Promise<TurnOutcome | null> {
    // A PA's text is never read as a young person's: no translation, no risk screen, no intents.
    const staffMember = this.#staffPhone(inbound);
    if (staffMember) return this.#slots(() => this.#relay(inbound, staffMember, performance.now()));
    const english = await this.#english(inbound);
    const read = await this.#slots(async (): Promise<{ done: true; outcome: TurnOutcome | null } | { done: false; u: Understanding }> => {
      const u = understand(inbound.text, inbound.mediaCount, this.#d.understander, english);
      return this.#wantsOptionalSteps(inbound, u) ? { done: false, u } : { done: true, outcome: await this.#turn(inbound, u) };
    });
    if (read.done) return read.outcome;
    const question = english ?? inbound.text;
    const { hybrid, answerer, classifier } = this.#d;
    if (classifier && this.#asksClassifier(read.u)) {
      const topic = await classifier.classify(question);
      if (topic) {
        const understanding = { ...read.u, match: this.#d.understander.topics.chosenOutside(read.u.match, topic) };
        return this.#slots(() => this.#turn(inbound, understanding));
      }
      if (!this.#asksRetrieval(read.u)) return this.#slots(() => this.#turn(inbound, read.u));
    }
    const ranked = hybrid?.ready ? await hybrid.rank(question) : null;
    const generated = answerer ? await answerer.answer(question, this.#d.understander.retriever.search(question).map((p) => p.doc)) : null;
    const understanding = { ...read.u, generated, retrieved: ranked ?? read.u.retrieved };
    return this.#slots(() => this.#turn(inbound, understanding));
  }

  /** Never a message showing risk, a command, or one that is empty: those are decided here and now. */
  #wantsOptionalSteps(inbound: StoredInbound, u: Understanding): boolean {
    if (u.risk || u.command || inbound.text.trim() === '') return false;
    return this.#asksClassifier(u) || this.#asksRetrieval(u);
  }

  /** The outside topic model, when configured, for what the embedded readers were unsure of (not a pick, a follow-up or a person). */
  #asksClassifier(u: Understanding): boolean {
    return this.#d.classifier !== undefined && u.match.verdict !== 'confident' && !u.person && !u.followup && u.menuChoice === null && u.languageName === null;
  }

  /** Embeddings and the answer model, when configured, for what no intent matched at all. */
  #asksRetrieval(u: Understanding): boolean {
    return (this.#d.answerer !== undefined || this.#d.hybrid?.ready === true) && u.match.verdict === 'none';
  }

  /**
   * The member of staff whose registered phone sent this SMS, if any. A simulator message is never one: anyone
   * can type a PA's number into the simulator.
   */
  #staffPhone(inbound: StoredInbound): StaffRow | undefined {
    if (inbound.simulated) return undefined;
    const conversation = this.#d.conversations.get(inbound.conversationId);
    return conversation?.channel === 'sms' ? this.#d.staff.byPhone(conversation.address) : undefined;
  }

  async #turn(inbound: StoredInbound, understanding: Understanding): Promise<TurnOutcome | null> {
    const started = performance.now();
    const { writes, conversations, messages, events, catalogue, understander, channel, outbox, clock } = this.#d;
    const log = this.#d.logger.child({ messageSid: inbound.providerId, conversationId: inbound.conversationId });
    const conversation = conversations.get(inbound.conversationId);
    if (!conversation) throw new Error(`conversation ${inbound.conversationId} is missing`);

    const now = clock.now();
    const decision = decide({
      conversation,
      understanding,
      mainMenu: catalogue.menus.main,
      cardMenu: catalogue.menus.card,
      carrierConfirmsOptOut: channel.confirmsOptOut(conversation.channel),
      office: this.#d.rota.officeState(now),
      languages: [...catalogue.languages.keys()],
      languageScripts: understander.detector.scripts(),
    });
    const language = decision.language;
    const replies = decision.replies
      .map((plan) => ({ plan, text: renderReply(plan, catalogue, language) }))
      .filter((r) => r.text.trim() !== '')
      .map((r) => ({ ...r, segments: countSegments(r.text) }));
    const optedOut = decision.optOut === 'stop' ? true : decision.optOut === 'start' ? false : conversation.optedOut;
    const level = decision.withdrawHandoff ? 'none' : decision.handoff === 'urgent' || conversation.handoffLevel === 'urgent'
      ? 'urgent'
      : decision.handoff === 'routine' || conversation.handoffLevel === 'routine' ? 'routine' : 'none';

    const committed = await writes.run(() => {
      // The guard makes a turn happen once even if two processes raced for the same message.
      if (!messages.markProcessed(inbound.id, language, now)) return false;
      if (understanding.english) messages.setTranslation(inbound.id, understanding.english);
      replies.forEach((r, seq) =>
        messages.queueReply({
          conversationId: conversation.id, replyTo: inbound.id, seq, body: r.text, language, origin: 'bot',
          segments: r.segments, ignoreOptOut: r.plan.ignoreOptOut === true, at: now,
        }),
      );
      conversations.update(conversation, {
        mode: decision.mode, handoffLevel: level, handoffReason: decision.handoffReason, state: decision.state,
        language: decision.languageSource ? decision.language : conversation.language, languageSource: decision.languageSource, optedOut,
      }, now);
      events.append({
        conversationId: conversation.id, messageId: inbound.id, kind: 'turn',
        detail: { intent: decision.intent, topic: decision.topic, handoff: decision.handoff, why: decision.why,
          match: understanding.match.ranked.slice(0, 3).map((r) => ({ intent: r.intent, coverage: Number(r.coverage.toFixed(3)) })) },
        at: now,
      });
      if (decision.handoff !== 'none') {
        this.#d.handoffs.request(conversation, decision.handoff, decision.handoffReason ?? decision.intent, now);
        // Every risk finding is kept for the PA, even when the handoff was already at this level.
        if (level !== conversation.handoffLevel || decision.handoffSignals) {
          events.append({ conversationId: conversation.id, messageId: inbound.id, kind: 'handoff.requested', detail: { level, reason: decision.handoffReason, signals: decision.handoffSignals }, at: now });
        }
      }
      if (decision.withdrawHandoff) this.#d.handoffs.withdraw(conversation.id, now);
      if (decision.source && conversations.setSource(conversation.contactId, decision.source)) {
        events.append({ conversationId: conversation.id, messageId: inbound.id, kind: `source.${decision.source}`, detail: {}, at: now });
      }
      if (decision.optOut) {
        events.append({ conversationId: conversation.id, messageId: inbound.id, kind: `optout.${decision.optOut}`, detail: {}, at: now });
      }
      return true;
    });
    if (!committed) return null;
    outbox.kick();
    // Staff watching a handed-over conversation see the new message at once.
    if (decision.mode !== 'bot' || conversation.mode !== 'bot') this.#d.live.publish({ conversationId: conversation.id, what: 'message' });

    const texts = replies.map((r) => r.text);
    const outcome: TurnOutcome = {
      inboundId: inbound.id,
      conversationId: conversation.id,
      decision,
      language,
      replies: texts,
      segments: replies.reduce((sum, r) => sum + r.segments, 0),
      durationMs: performance.now() - started,
    };
    this.#d.metrics?.messagesIn.inc({ channel: conversation.channel });
    this.#d.metrics?.turnSeconds.observe(outcome.durationMs / 1000);
    if (decision.handoff !== 'none') this.#d.metrics?.handoffs.inc({ level: decision.handoff });
    log.info({
      intent: decision.intent, topic: decision.topic, handoff: decision.handoff, replies: texts.length,
      contact: maskAddress(conversation.address), durationMs: Number(outcome.durationMs.toFixed(2)),
    }, 'turn');
    if (decision.handoff === 'urgent') log.warn({ reason: decision.handoffReason }, 'urgent handoff requested');
    return outcome;
  }
}
