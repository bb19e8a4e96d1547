/** @module Handing a conversation to a person: request, alert and escalate, claim, reply, note, hand back, close. */
import { randomInt } from 'node:crypto';
import type { Catalogue } from '../content/catalogue.js';
import { countSegments } from '../content/count-segments.js';
import { renderReply } from '../content/render-reply.js';
import type { Conversation } from '../conversation/types.js';
import { isPhoneNumber } from '../lib/address.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { OutboxKick } from '../outbound/outbox.js';
import type { ConversationStore } from '../store/conversation-store.js';
import type { Db } from '../store/db.js';
import type { EventStore } from '../store/event-store.js';
import type { HandoffRow, HandoffStore } from '../store/handoff-store.js';
import type { MessageStore } from '../store/message-store.js';
import type { StaffRow, StaffStore } from '../store/staff-store.js';
import type { LiveUpdates } from './live-updates.js';
import type { Metrics } from '../lib/metrics.js';
import { parseRelay } from './relay-code.js';
import type { Rota, StaffDef } from './rota.js';

export interface HandoffDeps {
  db: Db;
  conversations: ConversationStore;
  messages: MessageStore;
  events: EventStore;
  handoffs: HandoffStore;
  staff: StaffStore;
  rota: Rota;
  catalogue: Catalogue;
  outbox: OutboxKick;
  live: LiveUpdates;
  clock: Clock;
  logger: Logger;
  /** Where staff open the console; alert texts link to it. */
  consoleBaseUrl: string;
  metrics?: Metrics;
}

// No 0/O or 1/I/L: codes are read off a phone screen and typed back.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const newCode = () => Array.from({ length: 4 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');

/** How a PA's reply goes out: by default as free text on the conversation's channel. */
export interface ReplyOptions {
  /** 'sms' to text a WhatsApp user whose 24-hour window has closed. */
  channel?: 'sms' | 'whatsapp';
  template?: { contentSid: string; variables: Record<string, string> };
  /** The PA's own words when `text` is a machine translation of them. */
  original?: string;
}

/** What became of a PA's text from their phone: each has its own staff text in content/system/en.yaml. */
export type RelayResult = 'sent' | 'unknown' | 'claimed' | 'opted_out' | 'not_sent';

/** Managers and admins may end a handoff another member of staff has claimed (a PA off sick, a shift over); PAs may not. */
export const mayEndOthersClaim = (staff: StaffRow): boolean => staff.role !== 'pa';

/** What a PA is told when the young person has opted out: staff text, like the console's own. */
const OPTED_OUT =
  'Not sent: this young person has opted out of texts (they texted STOP), so nothing can be sent to them until they text START. Contact them another way if you need to.';

export class HandoffError extends Error {
  constructor(message: string, readonly status = 409) {
    super(message);
    this.name = 'HandoffError';
  }
}

export class Handoffs {
  readonly #d: HandoffDeps;

  constructor(deps: HandoffDeps) {
    this.#d = deps;
  }

  /**
   * Records that a person is needed. Call inside the turn's transaction. A new handoff alerts the first
   * person on the chain at once (routine ones out of hours wait for the next opening); an urgent message in
   * a routine handoff makes it urgent and alerts again from the top.
   */
  request(conversation: Conversation, level: 'routine' | 'urgent', reason: string, now: Date): { outOfHours: boolean } {
    const { handoffs, events, rota } = this.#d;
    // Only a known closed office delays a routine alert; unknown hours alert at once.
    const outOfHours = rota.officeState(now) === 'closed';
    const existing = handoffs.open(conversation.id);
    if (existing) {
      if (level === 'urgent' && existing.level === 'routine') {
        handoffs.upgradeToUrgent(existing.id, reason, now);
        events.append({ conversationId: conversation.id, messageId: null, kind: 'handoff.upgraded', detail: { reason }, at: now });
        if (existing.status === 'waiting') this.#alertStep({ ...existing, level: 'urgent' }, 0, now);
      }
      this.#d.live.publish({ conversationId: conversation.id, what: 'handoff' });
      return { outOfHours };
    }
    const firstAlertAt = level === 'urgent' || !outOfHours ? now : rota.nextOpening(now);
    const id = handoffs.create({ conversationId: conversation.id, level, reason, outOfHours, at: now, nextAlertAt: firstAlertAt });
    handoffs.ensureShortCode(conversation.id, newCode);
    if (firstAlertAt.getTime() <= now.getTime()) {
      this.#alertStep(handoffs.open(conversation.id)!, 0, now);
    }
    events.append({ conversationId: conversation.id, messageId: null, kind: 'handoff.opened', detail: { id, level, reason, outOfHours }, at: now });
    this.#d.live.publish({ conversationId: conversation.id, what: 'handoff' });
    return { outOfHours };
  }

  /** Alerts whoever is next for every unclaimed handoff whose time has come. The scheduler calls this. */
  escalateDue(): number {
    const now = this.#d.clock.now();
    const due = this.#d.handoffs.due(now);
    for (const h of due) this.#d.db.transaction(() => this.#alertStep(h, h.alertStep + 1, now)).immediate();
    if (due.length > 0) this.#d.outbox.kick();
    return due.length;
  }

  /** Alerts the person at `step` of the chain (the last one again once the list runs out) and sets the next alert time. */
  #alertStep(h: HandoffRow, step: number, now: Date): void {
    const { rota, conversations, handoffs, events } = this.#d;
    const conversation = conversations.get(h.conversationId)!;
    const details = conversations.details(conversation.id)!;
    const chain = rota.alertChain(now, details.team, details.paEmail);
    const target = chain[Math.min(step, chain.length - 1)];
    const next = h.level === 'urgent'
      ? new Date(now.getTime() + rota.urgentAfterMinutes * 60_000)
      : rota.endOfWorkingDay(new Date(now.getTime() + 60_000));
    handoffs.alerted(h.id, step, next);
    if (!target) return;
    const code = handoffs.ensureShortCode(h.conversationId, newCode);
    if (target.phone) this.#textStaff(target, h.level === 'urgent' ? 'alert_urgent' : 'alert_routine', { code, link: this.#link(h.conversationId) }, now);
    events.append({ conversationId: h.conversationId, messageId: null, kind: 'handoff.alert', detail: { handoff: h.id, step, to: target.email, level: h.level }, at: now });
    this.#d.logger.info({ conversationId: h.conversationId, handoffId: h.id, step, level: h.level }, 'handoff alert');
  }

  #link(conversationId: number): string {
    return `${this.#d.consoleBaseUrl}/console/conversations/${conversationId}`;
  }

  /** Queues a system text to a member of staff through the same durable outbound path as every reply. */
  #textStaff(staff: StaffDef, key: string, vars: Record<string, string>, now: Date): void {
    const conversation = this.#d.conversations.findOrCreate('sms', staff.phone!, now);
    const body = renderReply({ parts: [{ kind: 'system', key, vars }] }, this.#d.catalogue, 'en');
    this.#d.messages.queueReply({
      conversationId: conversation.id, replyTo: null, seq: 0, body, language: 'en', origin: 'bot',
      segments: countSegments(body), ignoreOptOut: true, at: now,
    });
  }

  #openOrFail(conversationId: number): HandoffRow {
    const h = this.#d.handoffs.open(conversationId);
    if (!h) throw new HandoffError('This conversation is not waiting for a person.');
    return h;
  }

  /** A member of staff takes the conversation: the assistant stops answering questions in it. */
  claim(conversationId: number, staff: StaffRow): void {
    const now = this.#d.clock.now();
    this.#d.db.transaction(() => {
      const h = this.#openOrFail(conversationId);
      if (h.status === 'claimed' && h.claimedBy !== staff.id) throw new HandoffError('Another member of staff has already claimed this conversation.');
      if (h.status === 'waiting') this.#d.metrics?.timeToClaimSeconds.observe({ level: h.level }, (now.getTime() - new Date(h.raisedAt).getTime()) / 1000);
      this.#d.handoffs.claim(h.id, staff.id, now);
      this.#setMode(conversationId, 'with_pa', h.level, now);
      this.#d.staff.audit(staff.id, 'claim', conversationId, { handoff: h.id }, now);
    }).immediate();
    this.#d.live.publish({ conversationId, what: 'claimed' });
  }

  /** Sends a member of staff's message to the young person through the service's number. */
  reply(conversationId: number, staff: StaffRow, text: string, options: ReplyOptions = {}): number {
    const body = text.trim();
    if (body === '') throw new HandoffError('Write a message first.', 400);
    if (body.length > 1600) throw new HandoffError('A message can be at most 1,600 characters.', 400);
    const address = this.#d.conversations.get(conversationId)?.address ?? '';
    if (options.channel === 'sms' && !isPhoneNumber(address)) {
      throw new HandoffError('They have not shared a phone number (WhatsApp hides it), so they cannot be texted by SMS.', 400);
    }
    const now = this.#d.clock.now();
    const id = this.#d.db.transaction(() => {
      const h = this.#openOrFail(conversationId);
      // The outbox would refuse it anyway; the PA must hear now that it will not reach them, not "Sent.".
      if (this.#d.conversations.get(conversationId)?.optedOut) throw new HandoffError(OPTED_OUT);
      if (h.status === 'waiting') {
        this.#d.handoffs.claim(h.id, staff.id, now);
        this.#setMode(conversationId, 'with_pa', h.level, now);
        this.#d.staff.audit(staff.id, 'claim', conversationId, { handoff: h.id, by: 'reply' }, now);
      } else if (h.claimedBy !== staff.id) {
        throw new HandoffError('Another member of staff has claimed this conversation.');
      }
      const messageId = this.#d.messages.queueReply({
        conversationId, replyTo: null, seq: 0, body, language: this.#d.conversations.get(conversationId)?.language ?? 'en',
        origin: 'pa', segments: countSegments(body), ignoreOptOut: false, at: now, staffId: staff.id, ...options,
      });
      this.#d.staff.audit(staff.id, 'reply', conversationId, { message: messageId, characters: body.length }, now);
      return messageId;
    }).immediate();
    this.#d.outbox.kick();
    this.#d.live.publish({ conversationId, what: 'reply' });
    return id;
  }

  note(conversationId: number, staff: StaffRow, text: string): void {
    const body = text.trim();
    if (body === '') throw new HandoffError('Write a note first.', 400);
    const now = this.#d.clock.now();
    this.#d.db.transaction(() => {
      this.#d.handoffs.addNote(conversationId, staff.id, body, now);
      this.#d.staff.audit(staff.id, 'note', conversationId, {}, now);
    }).immediate();
    this.#d.live.publish({ conversationId, what: 'note' });
  }

  /** Returns the conversation to the assistant and tells the young person so. */
  handBack(conversationId: number, staff: StaffRow): void {
    this.#end(conversationId, staff, 'returned');
  }

  /** Ends the handoff: the conversation is done for now; the assistant answers whatever comes next. */
  close(conversationId: number, staff: StaffRow): void {
    this.#end(conversationId, staff, 'closed');
  }

  #end(conversationId: number, staff: StaffRow, status: 'returned' | 'closed'): void {
    const now = this.#d.clock.now();
    this.#d.db.transaction(() => {
      const h = this.#openOrFail(conversationId);
      // A claimed conversation is the claimer's: another PA ending it would cut off a conversation in progress.
      const othersClaim = h.status === 'claimed' && h.claimedBy !== null && h.claimedBy !== staff.id;
      if (othersClaim && !mayEndOthersClaim(staff)) {
        throw new HandoffError('Another member of staff has claimed this conversation: only they or a manager can hand it back or close it.', 403);
      }
      this.#d.handoffs.end(h.id, status, staff.id, now);
      this.#setMode(conversationId, 'bot', 'none', now);
      if (status === 'returned') {
        const conversation = this.#d.conversations.get(conversationId)!;
        const body = renderReply({ parts: [{ kind: 'system', key: 'handed_back' }] }, this.#d.catalogue, conversation.language ?? 'en');
        this.#d.messages.queueReply({
          conversationId, replyTo: null, seq: 0, body, language: conversation.language ?? 'en', origin: 'bot',
          segments: countSegments(body), ignoreOptOut: false, at: now,
        });
      }
      this.#d.staff.audit(staff.id, status === 'returned' ? 'hand_back' : 'close', conversationId, { handoff: h.id, ...(othersClaim ? { claimedBy: h.claimedBy } : {}) }, now);
    }).immediate();
    this.#d.outbox.kick();
    this.#d.live.publish({ conversationId, what: 'ended' });
  }

  #setMode(conversationId: number, mode: 'bot' | 'with_pa', level: 'routine' | 'urgent' | 'none', now: Date): void {
    const c = this.#d.conversations.get(conversationId)!;
    // Back with the assistant, the questions it asked while a person was awaited no longer stand.
    const state = mode === 'bot' ? { ...c.state, checkIn: undefined, cancelAsked: undefined } : c.state;
    this.#d.conversations.update(c, { mode, handoffLevel: level, state, language: c.language, optedOut: c.optedOut }, now);
  }

  /**
   * The young person no longer needs the routine request they made ("never mind", then no). Call inside the
   * turn's transaction. An urgent handoff is never withdrawn by the assistant: only a person closes it.
   */
  withdraw(conversationId: number, now: Date): boolean {
    const h = this.#d.handoffs.open(conversationId);
    if (!h || h.level !== 'routine') return false;
    this.#d.handoffs.end(h.id, 'closed', null, now);
    this.#d.events.append({ conversationId, messageId: null, kind: 'handoff.withdrawn', detail: { id: h.id }, at: now });
    this.#d.live.publish({ conversationId, what: 'ended' });
    return true;
  }

  /**
   * A PA's text from their registered phone: "K7Q2 message" goes to that conversation. Whatever happens, the answer
   * is for the PA: a conversation someone else has claimed, or a text that cannot be sent, is reported to them and
   * never treated as a young person's message.
   */
  relayFromStaffPhone(staff: StaffRow, text: string): { result: RelayResult; code: string | null } {
    const parsed = parseRelay(text);
    const code = parsed?.code ?? null;
    const conversationId = code ? this.#d.handoffs.conversationByCode(code) : undefined;
    const h = conversationId === undefined ? undefined : this.#d.handoffs.open(conversationId);
    if (!parsed || !h || parsed.message.trim() === '') return { result: 'unknown', code };
    if (h.status === 'claimed' && h.claimedBy !== staff.id) return { result: 'claimed', code };
    if (this.#d.conversations.get(h.conversationId)?.optedOut) return { result: 'opted_out', code };
    try {
      this.reply(h.conversationId, staff, parsed.message);
    } catch (err) {
      if (!(err instanceof HandoffError)) throw err;
      return { result: 'not_sent', code };
    }
    return { result: 'sent', code };
  }
}
