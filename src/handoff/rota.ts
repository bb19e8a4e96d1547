/** @module The duty rota: staff, teams, office hours and who is alerted, read from config/rota.yaml and checked at start. */
import { readFileSync } from 'node:fs';
import Holidays from 'date-holidays';
import { parse } from 'yaml';
import { z } from 'zod';
import { localParts } from '../lib/local-time.js';

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const hours = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'use "HH:MM-HH:MM", e.g. "08:30-17:00"');
const isoDate = z.union([z.string(), z.date()]).transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v)).pipe(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD'));
const email = z.string().email();
const weekMap = z.partialRecord(z.enum(WEEKDAYS), email);

const target = z.object({ claim_minutes: z.number().int().min(1).max(7 * 24 * 60), first_reply_minutes: z.number().int().min(1).max(7 * 24 * 60) });

/** What the service aims for once a young person is handed to a person, for the insights report. */
export interface ResponseTargets {
  urgent: { claimMinutes: number; firstReplyMinutes: number };
  routine: { claimMinutes: number; firstReplyMinutes: number };
}

const rotaSchema = z.object({
  timezone: z.string().refine((tz) => {
    try {
      new Intl.DateTimeFormat('en-GB', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'is not a time zone name such as Europe/London'),
  /** Leave out (or empty) while the council has not confirmed its hours: the service then never claims open or closed. */
  office_hours: z.partialRecord(z.enum(WEEKDAYS), hours).nullable().default({}).transform((v) => v ?? {}),
  closed_days: z.array(isoDate).nullable().default([]).transform((v) => v ?? []),
  escalation: z.object({ urgent_after_minutes: z.number().int().min(1).max(240).default(5) }),
  targets: z.object({ urgent: target, routine: target }).default({
    urgent: { claim_minutes: 5, first_reply_minutes: 15 },
    routine: { claim_minutes: 120, first_reply_minutes: 240 },
  }),
  staff: z.array(z.object({
    email,
    name: z.string().min(1),
    role: z.enum(['pa', 'manager', 'admin']),
    team: z.string().optional(),
    phone: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 mobile number such as +447700900801').optional(),
  })).min(1),
  teams: z.array(z.object({ id: z.string().min(1), name: z.string().min(1), duty: weekMap.default({}), escalation: z.array(email).default([]) })).default([]),
  service: z.object({ duty: weekMap.default({}), escalation: z.array(email).min(1, 'name at least one person to escalate to') }),
  away: z.array(z.object({ email, from: isoDate, to: isoDate })).nullable().default([]).transform((v) => v ?? []),
});

export type RotaFile = z.infer<typeof rotaSchema>;
export type StaffDef = RotaFile['staff'][number];

export class RotaError extends Error {
  constructor(readonly problems: string[]) {
    super(`The rota file is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'RotaError';
  }
}

interface LocalTime {
  date: string;
  weekday: Weekday;
  minutes: number;
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Office hours, closures and who is on duty, all in the rota's time zone. */
export class Rota {
  readonly staff: ReadonlyMap<string, StaffDef>;
  readonly teams: ReadonlyMap<string, RotaFile['teams'][number]>;
  readonly urgentAfterMinutes: number;
  readonly targets: ResponseTargets;
  readonly #file: RotaFile;
  readonly #holidays = new Holidays('GB', 'ENG');
  readonly #holidayCache = new Map<number, Set<string>>();

  constructor(file: RotaFile) {
    this.#file = file;
    this.staff = new Map(file.staff.map((s) => [s.email.toLowerCase(), s]));
    this.teams = new Map(file.teams.map((t) => [t.id, t]));
    this.urgentAfterMinutes = file.escalation.urgent_after_minutes;
    const t = file.targets;
    this.targets = {
      urgent: { claimMinutes: t.urgent.claim_minutes, firstReplyMinutes: t.urgent.first_reply_minutes },
      routine: { claimMinutes: t.routine.claim_minutes, firstReplyMinutes: t.routine.first_reply_minutes },
    };
    const problems: string[] = [];
    const known = (e: string, where: string) => {
      if (!this.staff.has(e.toLowerCase())) problems.push(`${where}: ${e} is not in the staff list`);
    };
    for (const t of file.teams) {
      for (const [day, e] of Object.entries(t.duty)) known(e!, `teams.${t.id}.duty.${day}`);
      for (const e of t.escalation) known(e, `teams.${t.id}.escalation`);
    }
    for (const [day, e] of Object.entries(file.service.duty)) known(e!, `service.duty.${day}`);
    for (const e of file.service.escalation) known(e, 'service.escalation');
    for (const a of file.away) known(a.email, 'away');
    for (const s of file.staff) if (s.team && !this.teams.has(s.team)) problems.push(`staff ${s.email}: team "${s.team}" is not in teams`);
    if (problems.length > 0) throw new RotaError(problems);
  }

  static fromFile(path: string): Rota {
    const parsed = rotaSchema.safeParse(parse(readFileSync(path, 'utf8')));
    if (!parsed.success) {
      throw new RotaError(parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`));
    }
    return new Rota(parsed.data);
  }

  #local(at: Date): LocalTime {
    return localParts(at, this.#file.timezone);
  }

  #isClosedDay(date: string): boolean {
    const year = Number(date.slice(0, 4));
    let days = this.#holidayCache.get(year);
    if (!days) {
      days = new Set(this.#holidays.getHolidays(year).filter((h) => h.type === 'public').map((h) => h.date.slice(0, 10)));
      this.#holidayCache.set(year, days);
    }
    return days.has(date) || this.#file.closed_days.includes(date);
  }

  #hours(l: LocalTime): [number, number] | null {
    const h = this.#file.office_hours[l.weekday];
    if (!h || this.#isClosedDay(l.date)) return null;
    return [toMinutes(h.slice(0, 5)), toMinutes(h.slice(6, 11))];
  }

  /** Whether office hours are configured at all. */
  get hoursKnown(): boolean {
    return Object.keys(this.#file.office_hours).length > 0;
  }

  /** Open or closed now; 'unknown' without configured office hours, so nobody is told something untrue. */
  officeState(at: Date): 'open' | 'closed' | 'unknown' {
    return !this.hoursKnown ? 'unknown' : this.isOpen(at) ? 'open' : 'closed';
  }

  /** Whether the teams are working at this moment (never, when office hours are not configured). */
  isOpen(at: Date): boolean {
    const l = this.#local(at);
    const h = this.#hours(l);
    return h !== null && l.minutes >= h[0] && l.minutes < h[1];
  }

  /**
   * When today's working day ends, or, out of hours, when the next one ends. Without office hours, a fixed
   * eight hours on, so a routine handoff nobody claimed still reaches the next person.
   */
  endOfWorkingDay(at: Date): Date {
    if (!this.hoursKnown) return new Date(at.getTime() + 8 * 60 * 60_000);
    const start = this.isOpen(at) ? at : this.nextOpening(at);
    const l = this.#local(start);
    const [, close] = this.#hours(l)!;
    return new Date(start.getTime() + (close - l.minutes) * 60_000);
  }

  /** The next moment the teams open (minute precision), at most three weeks ahead. */
  nextOpening(at: Date): Date {
    let t = new Date(Math.ceil(at.getTime() / 60_000) * 60_000);
    for (let i = 0; i < 21 * 24 * 4; i++) {
      const l = this.#local(t);
      const h = this.#hours(l);
      if (h && l.minutes < h[1]) {
        if (l.minutes >= h[0]) return t;
        return new Date(t.getTime() + (h[0] - l.minutes) * 60_000);
      }
      // Jump to the next local midnight (plus a minute, so a daylight-saving change cannot trap us).
      t = new Date(t.getTime() + (24 * 60 - l.minutes + 1) * 60_000);
    }
    throw new Error('the rota has no office hours in the next three weeks');
  }

  #away(email: string, date: string): boolean {
    return this.#file.away.some((a) => a.email.toLowerCase() === email.toLowerCase() && a.from <= date && date <= a.to);
  }

  /**
   * Who to alert, in order: the young person's own PA if on duty, the team's duty PA, the service duty PA,
   * then the team's and the service's escalation lists. People away are left out; nobody appears twice.
   */
  alertChain(at: Date, team?: string | null, ownPa?: string | null): StaffDef[] {
    const l = this.#local(at);
    const open = this.isOpen(at);
    const t = team ? this.teams.get(team) : undefined;
    const emails = [
      ...(open && ownPa ? [ownPa] : []),
      ...(t?.duty[l.weekday] ? [t.duty[l.weekday]!] : []),
      ...(this.#file.service.duty[l.weekday] ? [this.#file.service.duty[l.weekday]!] : []),
      ...(t?.escalation ?? []),
      ...this.#file.service.escalation,
    ];
    const seen = new Set<string>();
    const chain: StaffDef[] = [];
    for (const e of emails) {
      const key = e.toLowerCase();
      const s = this.staff.get(key);
      if (!s || seen.has(key) || this.#away(key, l.date)) continue;
      seen.add(key);
      chain.push(s);
    }
    return chain;
  }

  /** The staff member who owns this phone number, for replies texted from a PA's phone. */
  staffByPhone(phone: string): StaffDef | undefined {
    return this.#file.staff.find((s) => s.phone === phone);
  }
}
