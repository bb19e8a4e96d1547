/** @module SQL for staff accounts (mirrored from the rota file), their sessions and the audit log. */
import type { Db } from './db.js';
import type { StaffDef } from '../handoff/rota.js';

export interface StaffRow {
  id: number;
  email: string;
  name: string;
  role: 'pa' | 'manager' | 'admin';
  team: string | null;
  phone: string | null;
  passwordHash: string | null;
  active: boolean;
}

const SELECT = `SELECT id, email, name, role, team, phone, password_hash AS passwordHash, active FROM staff`;
type Raw = Omit<StaffRow, 'active'> & { active: number };
const toRow = (r: Raw | undefined): StaffRow | undefined => (r ? { ...r, active: r.active === 1 } : undefined);

export type StaffStore = ReturnType<typeof createStaffStore>;

export function createStaffStore(db: Db) {
  const upsert = db.prepare(`
    INSERT INTO staff (email, name, role, team, phone, active, created_at) VALUES (@email, @name, @role, @team, @phone, 1, @at)
    ON CONFLICT (email) DO UPDATE SET name = excluded.name, role = excluded.role, team = excluded.team, phone = excluded.phone, active = 1`);
  const deactivateOthers = db.prepare(`UPDATE staff SET active = 0 WHERE email NOT IN (SELECT value FROM json_each(?))`);
  const byEmail = db.prepare<[string], Raw>(`${SELECT} WHERE email = ?`);
  const byId = db.prepare<[number], Raw>(`${SELECT} WHERE id = ?`);
  const byPhone = db.prepare<[string], Raw>(`${SELECT} WHERE phone = ? AND active = 1`);
  const setHash = db.prepare(`UPDATE staff SET password_hash = ? WHERE id = ?`);
  const endSessions = db.prepare(`DELETE FROM staff_sessions WHERE json_extract(data, '$.staffId') = ?`);
  const audit = db.prepare(`INSERT INTO audit (staff_id, action, conversation_id, detail, at) VALUES (?, ?, ?, ?, ?)`);
  const auditList = db.prepare<[number], { staffId: number | null; action: string; conversationId: number | null; detail: string; at: string }>(
    `SELECT staff_id AS staffId, action, conversation_id AS conversationId, detail, at FROM audit ORDER BY id DESC LIMIT ?`,
  );

  return {
    /** Makes the staff table match the rota file: new people added, changed ones updated, removed ones deactivated. */
    syncFromRota(staff: readonly StaffDef[], now: Date): void {
      db.transaction(() => {
        for (const s of staff) upsert.run({ email: s.email, name: s.name, role: s.role, team: s.team ?? null, phone: s.phone ?? null, at: now.toISOString() });
        deactivateOthers.run(JSON.stringify(staff.map((s) => s.email)));
      }).immediate();
    },
    byEmail: (email: string) => toRow(byEmail.get(email)),
    byId: (id: number) => toRow(byId.get(id)),
    byPhone: (phone: string) => toRow(byPhone.get(phone)),
    /** A new password ends every session of that member of staff: whoever knew the old one is logged out. */
    setPasswordHash(id: number, hash: string): void {
      db.transaction(() => {
        setHash.run(hash, id);
        endSessions.run(id);
      }).immediate();
    },
    audit(staffId: number | null, action: string, conversationId: number | null, detail: object, at: Date): void {
      audit.run(staffId, action, conversationId, JSON.stringify(detail), at.toISOString());
    },
    recentAudit: (limit: number) => auditList.all(limit),
  };
}
