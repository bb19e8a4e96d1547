/** @module The care leavers register: import from a CSV export, validated row by row, applied in one transaction. */
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import type { Db } from '../store/db.js';
import type { ConversationStore } from '../store/conversation-store.js';

export interface ImportReport {
  added: number;
  updated: number;
  /** Row numbers as a spreadsheet shows them (the header is row 1). */
  rejected: Array<{ row: number; reason: string }>;
  /** False when rejected rows stopped the whole import (nothing was changed). */
  applied: boolean;
}

/** UK mobile numbers as people write them (07700 900123, +44 7700 900123, 447700900123) to E.164. */
export function ukMobileToE164(raw: string): string | null {
  const digits = raw.replace(/[\s().-]/g, '');
  const e164 = digits.startsWith('+') ? digits : digits.startsWith('44') ? `+${digits}` : digits.startsWith('0') ? `+44${digits.slice(1)}` : null;
  if (!e164 || !/^\+[1-9]\d{9,14}$/.test(e164)) return null;
  // UK landlines read texts out as calls: only mobiles (+447...) are taken.
  return e164.startsWith('+44') && !e164.startsWith('+447') ? null : e164;
}

/** 1999-04-23 or 23/04/1999 (UK order) to YYYY-MM-DD, checking the date exists. */
export function parseDate(raw: string): string | null {
  let y: number, m: number, d: number;
  const a = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  const b = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(raw);
  if (a) [y, m, d] = [Number(a[1]), Number(a[2]), Number(a[3])];
  else if (b) [y, m, d] = [Number(b[3]), Number(b[2]), Number(b[1])];
  else return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

export interface RegisterRules {
  teams: ReadonlySet<string>;
  languages: ReadonlySet<string>;
  now: Date;
}

function rowSchema(rules: RegisterRules) {
  const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v);
  return z.object({
    name: z.preprocess(blank, z.string().max(200).optional()),
    phone: z.string().transform((v, ctx) => ukMobileToE164(v) ?? (ctx.addIssue({ code: 'custom', message: `phone "${v}" is not a UK mobile number` }), z.NEVER)),
    date_of_birth: z.string().transform((v, ctx) => {
      const d = parseDate(v.trim());
      if (!d) return (ctx.addIssue({ code: 'custom', message: `date_of_birth "${v}" is not a date (use YYYY-MM-DD or DD/MM/YYYY)` }), z.NEVER);
      const age = (rules.now.getTime() - new Date(d).getTime()) / (365.25 * 24 * 3600_000);
      if (age < 15 || age > 30) return (ctx.addIssue({ code: 'custom', message: `date_of_birth ${d} gives an age outside 15 to 30` }), z.NEVER);
      return d;
    }),
    team: z.preprocess(blank, z.string().toLowerCase().transform((t, ctx) => (rules.teams.has(t) ? t : (ctx.addIssue({ code: 'custom', message: `team "${t}" is not in the rota` }), z.NEVER))).optional()),
    pa_email: z.preprocess(blank, z.string().email('pa_email is not an email address').toLowerCase().optional()),
    language: z.preprocess(blank, z.string().toLowerCase().transform((l, ctx) => (rules.languages.has(l) ? l : (ctx.addIssue({ code: 'custom', message: `language "${l}" is not one the service writes in` }), z.NEVER))).optional()),
    channel: z.preprocess(blank, z.enum(['sms', 'whatsapp'], { error: 'channel must be sms or whatsapp' }).default('sms')),
  });
}

/**
 * Reads the CSV and, unless a row is rejected, adds or updates every contact in one transaction: the same
 * phone on the same channel updates, never duplicates. With `skipInvalid`, good rows go in and bad ones are
 * reported; without it, one bad row stops everything so a half-right file is never half-imported.
 */
export function importContacts(db: Db, conversations: ConversationStore, csv: string, rules: RegisterRules, skipInvalid = false): ImportReport {
  let records: Array<Record<string, string>>;
  try {
    records = parse(csv, { columns: (h: string[]) => h.map((c) => c.trim().toLowerCase().replace(/\s+/g, '_')), skip_empty_lines: true, trim: true, bom: true });
  } catch (err) {
    return { added: 0, updated: 0, rejected: [{ row: 0, reason: `not a readable CSV file: ${(err as Error).message}` }], applied: false };
  }
  const schema = rowSchema(rules);
  const rows: Array<z.infer<ReturnType<typeof rowSchema>>> = [];
  const rejected: ImportReport['rejected'] = [];
  const seen = new Map<string, number>();
  records.forEach((r, i) => {
    const row = i + 2;
    const parsed = schema.safeParse(r);
    if (!parsed.success) {
      rejected.push({ row, reason: parsed.error.issues.map((x) => x.message).join('; ') });
      return;
    }
    const key = `${parsed.data.channel}:${parsed.data.phone}`;
    if (seen.has(key)) {
      rejected.push({ row, reason: `same phone and channel as row ${seen.get(key)}` });
      return;
    }
    seen.set(key, row);
    rows.push(parsed.data);
  });
  if (rejected.length > 0 && !skipInvalid) return { added: 0, updated: 0, rejected, applied: false };

  let added = 0;
  let updated = 0;
  db.transaction(() => {
    for (const r of rows) {
      const result = conversations.upsertRegisterEntry({
        channel: r.channel, address: r.phone, name: r.name ?? null, dateOfBirth: r.date_of_birth, team: r.team ?? null,
        paEmail: r.pa_email ?? null, language: r.language ?? null, at: rules.now,
      });
      if (result === 'added') added++;
      else updated++;
    }
  }).immediate();
  return { added, updated, rejected, applied: true };
}
