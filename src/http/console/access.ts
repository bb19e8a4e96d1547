/** @module Who may open which conversation in the console, and on what basis (recorded with every read). */
import type { AccessFacts } from '../../store/access-store.js';
import type { StaffRow } from '../../store/staff-store.js';

/** Why a read was allowed; kept in the audit entry. */
export type ReadBasis = 'manager' | 'open' | 'involved' | 'team';

/**
 * A staff phone's thread is nobody's to browse. Managers and admins may open any young person's conversation: a
 * risk the screen missed raises no handoff, and reviewing one is their job. A PA may open a conversation while it
 * waits for a person or is claimed (it is in the queue every PA sees), and afterwards only one they handled or one
 * of their own team's young people; never one that only ever talked with the assistant.
 */
export function readBasis(staff: StaffRow, f: AccessFacts): ReadBasis | null {
  if (f.staffThread) return null;
  if (staff.role !== 'pa') return 'manager';
  if (f.openHandoff) return 'open';
  if (!f.handedOff) return null;
  if (f.involved) return 'involved';
  if (f.theirs) return 'team';
  return null;
}
