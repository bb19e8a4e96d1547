/** @module SQL for retention: what is older than the periods kept, per kind of data, counted or deleted. */
import type { Db } from './db.js';

export interface RetentionPolicy {
  /** Conversations that never needed a person. */
  botOnlyDays: number;
  /** Conversations handed to staff (may become part of the case record: keep longer). */
  handedOffDays: number;
  auditDays: number;
}

export interface RetentionReport {
  botOnlyMessages: number;
  handedOffMessages: number;
  events: number;
  auditEntries: number;
  /** Cached machine translations (of young people's messages and of PAs' replies to them). */
  translations: number;
}

export function createRetentionStore(db: Db) {
  const cutoff = (now: Date, days: number) => new Date(now.getTime() - days * 24 * 3600_000).toISOString();
  const HANDED_OFF = 'SELECT conversation_id FROM handoffs';
  const sql = {
    botMessages: `FROM messages WHERE created_at < @bot AND conversation_id NOT IN (${HANDED_OFF})`,
    handedMessages: `FROM messages WHERE created_at < @handed AND conversation_id IN (${HANDED_OFF})`,
    events: `FROM events WHERE created_at < CASE WHEN conversation_id IN (${HANDED_OFF}) THEN @handed ELSE @bot END`,
    audit: 'FROM audit WHERE at < @audit',
    // The cache is not tied to a conversation, so it goes with the shortest period: kept longer, it would outlive
    // the messages of conversations that never needed a person. Kept messages carry their own translation.
    translations: 'FROM translations WHERE created_at < @bot',
  };
  return {
    /** What is due for deletion now; changes nothing (the dry run). */
    due(now: Date, p: RetentionPolicy): RetentionReport {
      const params = { bot: cutoff(now, p.botOnlyDays), handed: cutoff(now, p.handedOffDays), audit: cutoff(now, p.auditDays) };
      const count = (from: string) => db.prepare(`SELECT COUNT(*) ${from}`).pluck().get(params) as number;
      return {
        botOnlyMessages: count(sql.botMessages), handedOffMessages: count(sql.handedMessages), events: count(sql.events), auditEntries: count(sql.audit),
        translations: count(sql.translations),
      };
    },
    /** Deletes what is due, in one transaction, and says what went. */
    enforce(now: Date, p: RetentionPolicy): RetentionReport {
      const params = { bot: cutoff(now, p.botOnlyDays), handed: cutoff(now, p.handedOffDays), audit: cutoff(now, p.auditDays) };
      const report = db.transaction(() => {
        const events = db.prepare(`DELETE ${sql.events}`).run(params).changes;
        // Events and messages can point at messages (replies): clear those links before deleting.
        db.prepare(`DELETE FROM events WHERE message_id IN (SELECT id ${sql.botMessages} UNION SELECT id ${sql.handedMessages})`).run(params);
        db.prepare(`UPDATE messages SET reply_to = NULL WHERE reply_to IN (SELECT id ${sql.botMessages} UNION SELECT id ${sql.handedMessages})`).run(params);
        db.prepare(`UPDATE campaign_sends SET message_id = NULL WHERE message_id IN (SELECT id ${sql.botMessages} UNION SELECT id ${sql.handedMessages})`).run(params);
        const botOnlyMessages = db.prepare(`DELETE ${sql.botMessages}`).run(params).changes;
        const handedOffMessages = db.prepare(`DELETE ${sql.handedMessages}`).run(params).changes;
        const auditEntries = db.prepare(`DELETE ${sql.audit}`).run(params).changes;
        const translations = db.prepare(`DELETE ${sql.translations}`).run(params).changes;
        return { botOnlyMessages, handedOffMessages, events, auditEntries, translations };
      }).immediate();
      db.pragma('wal_checkpoint(TRUNCATE)');
      return report;
    },
  };
}
