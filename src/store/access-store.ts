/** @module SQL for what decides who may open a conversation in the console (see http/console/access.ts). */
import type { Db } from './db.js';

export interface AccessFacts {
  /** An SMS thread with a staff phone (alerts, relays): never a young person's conversation. */
  staffThread: boolean;
  /** A handoff is waiting or claimed: it is in the queue every member of staff sees. */
  openHandoff: boolean;
  /** It was handed to a person at some time. */
  handedOff: boolean;
  /** This member of staff claimed or ended a handoff of it, replied in it, or wrote a note on it. */
  involved: boolean;
  /** The young person is on this member of staff's team, or has them as their own PA (from the register). */
  theirs: boolean;
}

export type AccessStore = ReturnType<typeof createAccessStore>;

export function createAccessStore(db: Db) {
  const facts = db.prepare<{ id: number; staff: number; team: string | null; email: string }, Record<keyof AccessFacts, number>>(`
    SELECT
      (c.channel = 'sms' AND EXISTS (SELECT 1 FROM staff s WHERE s.phone = c.address)) AS staffThread,
      EXISTS (SELECT 1 FROM handoffs h WHERE h.conversation_id = v.id AND h.status IN ('waiting', 'claimed')) AS openHandoff,
      EXISTS (SELECT 1 FROM handoffs h WHERE h.conversation_id = v.id) AS handedOff,
      (EXISTS (SELECT 1 FROM handoffs h WHERE h.conversation_id = v.id AND (h.claimed_by = @staff OR h.ended_by = @staff))
        OR EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = v.id AND m.staff_id = @staff)
        OR EXISTS (SELECT 1 FROM notes n WHERE n.conversation_id = v.id AND n.staff_id = @staff)) AS involved,
      ((@team IS NOT NULL AND c.team = @team) OR (c.pa_email IS NOT NULL AND c.pa_email = @email COLLATE NOCASE)) AS theirs
    FROM conversations v JOIN contacts c ON c.id = v.contact_id WHERE v.id = @id`);
  return {
    /** What decides whether this member of staff may open the conversation; undefined when there is no such conversation. */
    facts(conversationId: number, staff: { id: number; team: string | null; email: string }): AccessFacts | undefined {
      const r = facts.get({ id: conversationId, staff: staff.id, team: staff.team, email: staff.email });
      if (!r) return undefined;
      return { staffThread: r.staffThread === 1, openHandoff: r.openHandoff === 1, handedOff: r.handedOff === 1, involved: r.involved === 1, theirs: r.theirs === 1 };
    },
  };
}
