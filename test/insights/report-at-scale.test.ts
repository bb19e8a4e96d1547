/**
 * The report on a seeded database of 3,000 synthetic conversations over eight weeks, checked against counts made
 * straight from the seed (not from the report's own queries).
 */
import { expect, it } from 'vitest';
import { buildReport, SMALLEST_GROUP } from '../../src/insights/build-report.js';
import { createReportStore } from '../../src/store/report-store.js';
import { tempDbPath, testService } from '../helpers/test-service.js';

const TOPICS = ['council-tax', 'deposit', 'money', 'driving', 'social-housing', 'health'];
const LANGUAGES = ['en', 'en', 'en', 'ar', 'fa', 'ti'];

it('matches independent counts on 3,000 conversations and hides small groups', () => {
  const s = testService({ databasePath: tempDbPath() });
  try {
    const expectTopics = new Map<string, Set<number>>();
    const expectLanguages = new Map<string, Set<number>>();
    let rare = 0;
    const start = Date.parse('2026-09-07T09:00:00Z'); // a Monday
    const insertContact = s.db.prepare(`INSERT INTO contacts (channel, address, language, created_at) VALUES (?, ?, ?, ?)`);
    const insertConversation = s.db.prepare(`INSERT INTO conversations (contact_id, created_at, updated_at) VALUES (?, ?, ?)`);
    const insertMessage = s.db.prepare(`INSERT INTO messages (conversation_id, direction, provider_id, body, language, origin, status, created_at, updated_at) VALUES (?, 'in', ?, ?, ?, 'young_person', 'processed', ?, ?)`);
    const insertEvent = s.db.prepare(`INSERT INTO events (conversation_id, message_id, kind, detail, created_at) VALUES (?, ?, 'turn', ?, ?)`);
    s.db.transaction(() => {
      for (let i = 0; i < 3000; i++) {
        const at = new Date(start + (i % 56) * 24 * 3600_000 + (i % 8) * 3600_000).toISOString();
        const language = LANGUAGES[i % LANGUAGES.length]!;
        const contact = Number(insertContact.run(i % 5 === 0 ? 'whatsapp' : 'sms', `+447700${String(100000 + i)}`, language, at).lastInsertRowid);
        const conversation = Number(insertConversation.run(contact, at, at).lastInsertRowid);
        // One young person in 1,000 asks about "leisure": never enough to be shown.
        const topic = i % 1000 === 7 ? 'leisure' : TOPICS[i % TOPICS.length]!;
        if (topic === 'leisure') rare++;
        const message = Number(insertMessage.run(conversation, `SM${i.toString(16).padStart(32, '0')}`, `question ${i}`, language, at, at).lastInsertRowid);
        insertEvent.run(conversation, message, JSON.stringify({ intent: 'topic', topic }), at);
        expectTopics.set(topic, (expectTopics.get(topic) ?? new Set()).add(contact));
        expectLanguages.set(language, (expectLanguages.get(language) ?? new Set()).add(contact));
      }
    })();

    const report = buildReport(createReportStore(s.db), '2026-09-07', '2026-11-02');
    expect(report.perWeek).toHaveLength(8);
    expect(report.perWeek.reduce((sum, w) => sum + w.messages, 0)).toBe(3000);
    for (const t of TOPICS) expect(report.topics.find((r) => r.topic === t)?.youngPeople).toBe(expectTopics.get(t)!.size);
    expect(rare).toBeLessThan(SMALLEST_GROUP);
    expect(report.topics.find((r) => r.topic === 'leisure')).toBeUndefined();
    for (const [l, people] of expectLanguages) expect(report.languages.find((r) => r.language === l)?.youngPeople).toBe(people.size);
    expect(report.channels.find((c) => c.channel === 'whatsapp')?.youngPeople).toBe(600);
  } finally {
    s.db.close();
  }
});
