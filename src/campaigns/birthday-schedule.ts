/** @module When a birthday follow-up is due: the day (or month), the delivery time, then out of quiet hours and Sundays. */
import { localParts, zonedTime } from '../lib/local-time.js';
import type { BirthdayCampaign } from './campaign-config.js';

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The date of the birthday in `year` (29 February falls on the 28th in other years). */
export function birthdayIn(year: number, dateOfBirth: string): string {
  const [, m, d] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const day = m === 2 && d === 29 && !leap ? 28 : d;
  return `${year}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function inQuietHours(minutes: number, quiet: string): boolean {
  const start = toMinutes(quiet.slice(0, 5));
  const end = toMinutes(quiet.slice(6, 11));
  return start <= end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
}

/**
 * The first allowed moment at or after the planned one: a Sunday (unless allowed) moves to Monday at the same
 * time; a time in quiet hours waits, in 30-minute steps of local time, for their end. Right across clock changes.
 */
export function nextAllowed(at: Date, c: BirthdayCampaign, timeZone: string): Date {
  let t = at;
  for (let i = 0; i < 8 && !c.sundays && localParts(t, timeZone).weekday === 'sun'; i++) {
    const l = localParts(t, timeZone);
    const next = new Date(Date.parse(`${l.date}T00:00:00Z`) + 24 * 3600_000).toISOString().slice(0, 10);
    t = zonedTime(next, l.minutes, timeZone);
  }
  for (let i = 0; i < 48 && inQuietHours(localParts(t, timeZone).minutes, c.quiet_hours); i++) t = new Date(t.getTime() + 30 * 60_000);
  return t;
}

/** When this person's follow-up for `year` is due, or null when their age that year is not one the campaign covers. */
export function birthdayDue(dateOfBirth: string, year: number, c: BirthdayCampaign, timeZone: string): Date | null {
  const age = year - Number(dateOfBirth.slice(0, 4));
  if (!c.ages.includes(age)) return null;
  const day = c.when === 'birthday_month' ? `${birthdayIn(year, dateOfBirth).slice(0, 8)}01` : birthdayIn(year, dateOfBirth);
  // The offset moves the day, not a count of hours, so a clock change cannot shift the delivery time.
  const shifted = new Date(Date.parse(`${day}T00:00:00Z`) + c.offset_days * 24 * 3600_000).toISOString().slice(0, 10);
  return nextAllowed(zonedTime(shifted, toMinutes(c.delivery_time), timeZone), c, timeZone);
}
