/** @module SQL for contacts and their conversations. */
import type { Db } from './db.js';
import type { ChannelKind, Conversation, ConversationState, HandoffLevel, Mode } from '../conversation/types.js';

interface Row {
  id: number;
  contact_id: number;
  channel: ChannelKind;
  address: string;
  language: string | null;
  language_source: 'chosen' | 'detected' | null;
  opted_out: number;
  mode: Mode;
  handoff_level: 'routine' | 'urgent' | null;
  state: string;
}

const SELECT = `
  SELECT v.id, v.contact_id, c.channel, c.address, c.language, c.language_source, c.opted_out, v.mode, v.handoff_level, v.state
  FROM conversations v JOIN contacts c ON c.id = v.contact_id`;

function toConversation(r: Row): Conversation {
  return {
    id: r.id,
    contactId: r.contact_id,
    channel: r.channel,
    address: r.address,
    language: r.language,
    languageSource: r.language_source,
    optedOut: r.opted_out === 1,
    mode: r.mode,
    handoffLevel: r.handoff_level ?? 'none',
    state: JSON.parse(r.state) as ConversationState,
  };
}

export interface ConversationUpdate {
  mode: Mode;
  handoffLevel: HandoffLevel;
  handoffReason?: string;
  state: ConversationState;
  language: string | null;
  languageSource?: 'chosen' | 'detected' | null;
  optedOut: boolean;
}

export interface ConversationDetails {
  shortCode: string | null;
  lastInboundAt: string | null;
  team: string | null;
  paEmail: string | null;
  /** The provider's last refusal for this contact (21610, 63016...), shown to staff. */
  lastSendError: string | null;
}

export type ConversationStore = ReturnType<typeof createConversationStore>;

export function createConversationStore(db: Db) {
  const insertContact = db.prepare(
    'INSERT INTO contacts (channel, address, created_at) VALUES (?, ?, ?) ON CONFLICT (channel, address) DO NOTHING',
  );
  const contactId = db.prepare<[ChannelKind, string], { id: number }>('SELECT id FROM contacts WHERE channel = ? AND address = ?');
  const insertConversation = db.prepare(
    'INSERT INTO conversations (contact_id, created_at, updated_at) VALUES (?, ?, ?) ON CONFLICT (contact_id) DO NOTHING',
  );
  const byContact = db.prepare<[number], Row>(`${SELECT} WHERE v.contact_id = ?`);
  const byId = db.prepare<[number], Row>(`${SELECT} WHERE v.id = ?`);
  const byAddress = db.prepare<[ChannelKind, string], Row>(`${SELECT} WHERE c.channel = ? AND c.address = ?`);
  const updateConversation = db.prepare(`
    UPDATE conversations SET mode = @mode, handoff_level = @level,
      handoff_reason = CASE WHEN @level IS NULL THEN NULL ELSE COALESCE(@reason, handoff_reason) END,
      state = @state, updated_at = @now WHERE id = @id`);
  const updateContact = db.prepare(`
    UPDATE contacts SET language = @language, language_source = COALESCE(@languageSource, language_source),
      opted_out_at = CASE WHEN opted_out <> @optedOut THEN @now ELSE opted_out_at END,
      opted_out = @optedOut WHERE id = @id`);
  const touchInbound = db.prepare('UPDATE conversations SET last_inbound_at = ?, updated_at = ? WHERE id = ?');
  const details = db.prepare<[number], ConversationDetails>(`
    SELECT v.short_code AS shortCode, v.last_inbound_at AS lastInboundAt, c.team, c.pa_email AS paEmail, c.last_send_error AS lastSendError
    FROM conversations v JOIN contacts c ON c.id = v.contact_id WHERE v.id = ?`);
  const registerUpdate = db.prepare(`
    UPDATE contacts SET name = COALESCE(@name, name), date_of_birth = @dateOfBirth, team = COALESCE(@team, team), pa_email = COALESCE(@paEmail, pa_email),
      language = COALESCE(@language, language), language_source = CASE WHEN @language IS NULL THEN language_source ELSE 'chosen' END,
      source = COALESCE(source, 'register')
    WHERE channel = @channel AND address = @address`);
  const setSource = db.prepare('UPDATE contacts SET source = ? WHERE id = ? AND source IS NULL');
  const setOptedOut = db.prepare(
    'UPDATE contacts SET opted_out = 1, opted_out_at = COALESCE(opted_out_at, ?) WHERE id = (SELECT contact_id FROM conversations WHERE id = ?)',
  );

  return {
    /** The conversation for this address on this channel, created on first contact. */
    findOrCreate(channel: ChannelKind, address: string, now: Date): Conversation {
      // Nearly every message comes from someone already known: one read, and writes only for a newcomer.
      const known = byAddress.get(channel, address);
      if (known) return toConversation(known);
      const at = now.toISOString();
      insertContact.run(channel, address, at);
      const contact = contactId.get(channel, address)!;
      insertConversation.run(contact.id, at, at);
      return toConversation(byContact.get(contact.id)!);
    },

    get(id: number): Conversation | undefined {
      const row = byId.get(id);
      return row ? toConversation(row) : undefined;
    },

    noteInbound(id: number, at: Date): void {
      touchInbound.run(at.toISOString(), at.toISOString(), id);
    },

    update(conversation: Conversation, next: ConversationUpdate, now: Date): void {
      const at = now.toISOString();
      updateConversation.run({
        id: conversation.id,
        mode: next.mode,
        level: next.handoffLevel === 'none' ? null : next.handoffLevel,
        reason: next.handoffReason ?? null,
        state: JSON.stringify(next.state),
        now: at,
      });
      updateContact.run({ id: conversation.contactId, language: next.language, languageSource: next.languageSource ?? null, optedOut: next.optedOut ? 1 : 0, now: at });
    },

    /** What staff and alerts need beyond the conversation itself: its short code, last message, team and PA. */
    details: (id: number): ConversationDetails | undefined => details.get(id),

    /** Adds or updates one person from the register; returns which. Their conversation is created too. */
    upsertRegisterEntry(e: {
      channel: ChannelKind; address: string; name: string | null; dateOfBirth: string; team: string | null;
      paEmail: string | null; language: string | null; at: Date;
    }): 'added' | 'updated' {
      const existed = contactId.get(e.channel, e.address) !== undefined;
      insertContact.run(e.channel, e.address, e.at.toISOString());
      const id = contactId.get(e.channel, e.address)!.id;
      insertConversation.run(id, e.at.toISOString(), e.at.toISOString());
      registerUpdate.run({ ...e, at: undefined });
      return existed ? 'updated' : 'added';
    },

    /** Records how the contact first got in touch (kept if already known). */
    setSource: (contactId: number, source: 'card' | 'register') => setSource.run(source, contactId).changes === 1,

    /** Twilio error 21610: the recipient has opted out with the carrier; stop sending to them. */
    markOptedOut(conversationId: number, now: Date): void {
      setOptedOut.run(now.toISOString(), conversationId);
    },
  };
}
