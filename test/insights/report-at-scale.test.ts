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
    const insertHandoff = s.db.prepare(`INSERT INTO handoffs (conversation_id, level, reason, status, out_of_hours, raised_at, claimed_at) VALUES (?, ?, 'asked for a person', ?, ?, ?, ?)`);
    const insertPaReply = s.db.prepare(`INSERT INTO messages (conversation_id, direction, body, origin, status, created_at, updated_at) VALUES (?, 'out', 'PA reply', 'pa', 'sent', ?, ?)`);
    const minutesLater = (iso: string, m: number) => new Date(Date.parse(iso) + m * 60_000).toISOString();
    // Independent tallies of handoffs against the targets in config/rota.yaml (urgent 5/15 min, routine 120/240).
    const tally = { urgent: { open: 0, claimed: 0, replied: 0, closed: 0 }, routine: { open: 0, claimed: 0, replied: 0, closed: 0 } };
    const LIMITS = { urgent: { claim: 5, reply: 15 }, routine: { claim: 120, reply: 240 } };
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
        if (i % 10 === 3) {
          // 300 handoffs: a quarter urgent; some raised out of hours; claim and reply times spread either side
          // of the targets; every thirteenth never claimed or answered.
          const level = i % 40 === 3 ? 'urgent' : 'routine';
          const outOfHours = i % 7 === 0;
          const never = i % 13 === 0;
          const claimAfter = level === 'urgent' ? (i % 9) : (i % 9) * 30; // 0-8 min, or 0-240 min
          const replyAfter = claimAfter + (level === 'urgent' ? 8 : 60);
          insertHandoff.run(conversation, level, never ? 'waiting' : 'claimed', outOfHours ? 1 : 0, at, never ? null : minutesLater(at, claimAfter));
          if (!never) insertPaReply.run(conversation, minutesLater(at, replyAfter), minutesLater(at, replyAfter));
          const t = tally[level];
          if (outOfHours) t.closed++;
          else {
            t.open++;
            if (!never && claimAfter <= LIMITS[level].claim) t.claimed++;
            if (!never && replyAfter <= LIMITS[level].reply) t.replied++;
          }
        }
        expectTopics.set(topic, (expectTopics.get(topic) ?? new Set()).add(contact));
        expectLanguages.set(language, (expectLanguages.get(language) ?? new Set()).add(contact));
      }
    })();

    const report = buildReport(createReportStore(s.db), '2026-09-07', '2026-11-02', s.rota.targets);
    for (const level of ['urgent', 'routine'] as const) {
      expect(report.targets.find((t) => t.level === level)).toEqual({
        level, claimTargetMinutes: LIMITS[level].claim, firstReplyTargetMinutes: LIMITS[level].reply,
        inOfficeHours: tally[level].open, claimedInTime: tally[level].claimed, repliedInTime: tally[level].replied, outOfHours: tally[level].closed,
      });
    }
    // Not a trivial split: some met the target and some did not, at both levels.
    for (const t of Object.values(tally)) expect(t.claimed > 0 && t.claimed < t.open && t.replied > 0 && t.replied < t.open).toBe(true);
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
