/** @module SQL for campaign sends: who could get one, and the once-a-year record that makes a send happen once. */
import type { Db } from './db.js';

export interface CampaignCandidate {
  contactId: number;
  conversationId: number;
  channel: 'sms' | 'whatsapp';
  dateOfBirth: string;
  language: string | null;
  optedOut: boolean;
  mode: string;
  lastInboundAt: string | null;
}

export type CampaignStore = ReturnType<typeof createCampaignStore>;

export function createCampaignStore(db: Db) {
  const candidates = db.prepare<[], Omit<CampaignCandidate, 'optedOut'> & { optedOut: number }>(`
    SELECT c.id AS contactId, v.id AS conversationId, c.channel, c.date_of_birth AS dateOfBirth, c.language,
      c.opted_out AS optedOut, v.mode, v.last_inbound_at AS lastInboundAt
    FROM contacts c JOIN conversations v ON v.contact_id = c.id WHERE c.date_of_birth IS NOT NULL ORDER BY c.id`);
  const decided = db.prepare<[number, string, number], { status: string }>('SELECT status FROM campaign_sends WHERE contact_id = ? AND campaign = ? AND year = ?');
  const record = db.prepare(`
    INSERT OR IGNORE INTO campaign_sends (contact_id, campaign, year, status, reason, message_id, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const attach = db.prepare('UPDATE campaign_sends SET message_id = ? WHERE contact_id = ? AND campaign = ? AND year = ?');
  const setError = db.prepare('UPDATE contacts SET last_send_error = ? WHERE id = (SELECT contact_id FROM conversations WHERE id = ?)');
  return {
    candidates: (): CampaignCandidate[] => candidates.all().map((r) => ({ ...r, optedOut: r.optedOut === 1 })),
    alreadyDecided: (contactId: number, campaign: string, year: number) => decided.get(contactId, campaign, year) !== undefined,
    /** True when this call made the decision; false when a record for that person, campaign and year already exists. */
    record(contactId: number, campaign: string, year: number, status: 'queued' | 'skipped', reason: string | null, at: Date): boolean {
      return record.run(contactId, campaign, year, status, reason, null, at.toISOString()).changes === 1;
    },
    attachMessage: (contactId: number, campaign: string, year: number, messageId: number) => attach.run(messageId, contactId, campaign, year),
    /** Keeps the provider's last refusal on the contact for staff (21610 opted out, 63016 outside the WhatsApp window). */
    setLastSendError: (conversationId: number, code: string) => setError.run(code, conversationId),
  };
}
