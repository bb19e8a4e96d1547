/** @module Sends the birthday follow-ups when they fall due: checked every minute, decided once per person per year. */
import type { Catalogue } from '../content/catalogue.js';
import { countSegments } from '../content/count-segments.js';
import { renderReply } from '../content/render-reply.js';
import type { Clock } from '../lib/clock.js';
import { localParts } from '../lib/local-time.js';
import type { Logger } from '../lib/logger.js';
import type { OutboxKick } from '../outbound/outbox.js';
import type { CampaignCandidate, CampaignStore } from '../store/campaign-store.js';
import type { Db } from '../store/db.js';
import type { EventStore } from '../store/event-store.js';
import type { MessageStore } from '../store/message-store.js';
import { birthdayDue } from './birthday-schedule.js';
import type { BirthdayCampaign } from './campaign-config.js';

const CAMPAIGN = 'birthday';
/** A follow-up more than this late (the service was down, or they joined the register after) is not sent. */
const LATEST_DAYS = 14;
const WHATSAPP_WINDOW_MS = 24 * 3600_000;
const TICK_MS = 60_000;

export interface PlannedSend {
  contactId: number;
  due: Date;
  /** null: it would be sent; otherwise why not. */
  skip: string | null;
  channel: 'sms' | 'whatsapp';
  template: boolean;
  language: string;
}

export interface CampaignDeps {
  db: Db;
  campaigns: CampaignStore;
  messages: MessageStore;
  events: EventStore;
  outbox: OutboxKick;
  catalogue: Catalogue;
  clock: Clock;
  logger: Logger;
  campaign: BirthdayCampaign;
  timeZone: string;
}

export class CampaignRunner {
  #timer: NodeJS.Timeout | null = null;

  constructor(private readonly d: CampaignDeps) {}

  /** What applies to one person for the year `now` falls in: not due yet (undefined), or due with a decision. */
  plan(p: CampaignCandidate, now: Date): PlannedSend | undefined {
    const c = this.d.campaign;
    const year = localParts(now, this.d.timeZone).year;
    const due = birthdayDue(p.dateOfBirth, year, c, this.d.timeZone);
    if (!due) return undefined;
    const lastIn = p.lastInboundAt ? new Date(p.lastInboundAt) : null;
    const windowOpen = p.channel === 'whatsapp' && lastIn !== null && now.getTime() - lastIn.getTime() < WHATSAPP_WINDOW_MS;
    const template = p.channel === 'whatsapp' && !windowOpen;
    let skip: string | null = null;
    if (p.optedOut) skip = 'opted out';
    else if (p.mode !== 'bot') skip = 'talking with a PA';
    else if (lastIn && due.getTime() - lastIn.getTime() < c.skip_if_texted_within_days * 24 * 3600_000) skip = 'texted us recently';
    else if (now.getTime() - due.getTime() > LATEST_DAYS * 24 * 3600_000) skip = 'too late this year';
    else if (template && !c.whatsapp_template) skip = 'WhatsApp window closed and no approved template configured';
    return { contactId: p.contactId, due, skip, channel: p.channel, template, language: p.language ?? 'en' };
  }

  /** Decides and queues every follow-up that is due now; safe to run any number of times. */
  tick(): number {
    if (!this.d.campaign.enabled) return 0;
    const now = this.d.clock.now();
    const year = localParts(now, this.d.timeZone).year;
    let queued = 0;
    for (const p of this.d.campaigns.candidates()) {
      const plan = this.plan(p, now);
      if (!plan || plan.due > now || this.d.campaigns.alreadyDecided(p.contactId, CAMPAIGN, year)) continue;
      this.d.db.transaction(() => {
        // The unique (person, campaign, year) record is written first: a second tick, a restart or a clock
        // that went back finds it and sends nothing.
        if (!this.d.campaigns.record(p.contactId, CAMPAIGN, year, plan.skip ? 'skipped' : 'queued', plan.skip, now)) return;
        if (plan.skip) return;
        const body = renderReply({ parts: [{ kind: 'system', key: this.d.campaign.content }] }, this.d.catalogue, plan.language);
        const t = this.d.campaign.whatsapp_template;
        const id = this.d.messages.queueReply({
          conversationId: p.conversationId, replyTo: null, seq: 0, body, language: plan.language, origin: 'bot',
          segments: countSegments(body), ignoreOptOut: false, at: now,
          ...(plan.template && t ? { template: { contentSid: t.content_sid, variables: t.variables } } : {}),
        });
        this.d.campaigns.attachMessage(p.contactId, CAMPAIGN, year, id);
        this.d.events.append({ conversationId: p.conversationId, messageId: id, kind: 'campaign.sent', detail: { campaign: CAMPAIGN, year }, at: now });
        queued++;
      }).immediate();
    }
    if (queued > 0) {
      this.d.outbox.kick();
      this.d.logger.info({ campaign: CAMPAIGN, queued }, 'campaign messages queued');
    }
    return queued;
  }

  /** Who would be sent what and when between two moments, without sending or recording anything. */
  dryRun(from: Date, to: Date): PlannedSend[] {
    const out: PlannedSend[] = [];
    for (const p of this.d.campaigns.candidates()) {
      for (let y = localParts(from, this.d.timeZone).year; y <= localParts(to, this.d.timeZone).year; y++) {
        const at = new Date(Date.UTC(y, 6, 1));
        const plan = this.plan(p, at);
        if (!plan || plan.due < from || plan.due > to) continue;
        out.push({ ...this.plan(p, plan.due)!, due: plan.due });
      }
    }
    return out.sort((a, b) => a.due.getTime() - b.due.getTime());
  }

  start(): void {
    this.tick();
    this.#timer = setInterval(() => {
      try {
        this.tick();
      } catch (err) {
        this.d.logger.error({ err }, 'campaign tick failed; it runs again in a minute');
      }
    }, TICK_MS);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }
}
