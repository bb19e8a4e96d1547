/** @module Settings of the texts the service sends on its own (config/campaigns.yaml), checked at start. */
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use "HH:MM"');
const birthdaySchema = z.object({
  enabled: z.boolean().default(true),
  when: z.enum(['on_birthday', 'birthday_month']).default('on_birthday'),
  offset_days: z.number().int().min(-31).max(31).default(0),
  delivery_time: hhmm.default('11:00'),
  quiet_hours: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'use "HH:MM-HH:MM"').default('21:00-09:00'),
  sundays: z.boolean().default(false),
  ages: z.array(z.number().int().min(16).max(30)).min(1).default([21, 22, 23, 24]),
  skip_if_texted_within_days: z.number().int().min(0).max(365).default(14),
  content: z.string().min(1).default('birthday_followup'),
  whatsapp_template: z.object({ content_sid: z.string().regex(/^HX[0-9a-fA-F]{32}$/), variables: z.record(z.string(), z.string()).default({}) }).nullable().default(null),
});

export type BirthdayCampaign = z.infer<typeof birthdaySchema>;

export function loadCampaigns(path: string): { birthday: BirthdayCampaign } {
  const raw = existsSync(path) ? (parse(readFileSync(path, 'utf8')) as unknown) : {};
  const parsed = z.object({ birthday: birthdaySchema.default(birthdaySchema.parse({})) }).safeParse(raw ?? {});
  if (!parsed.success) throw new Error(`${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
