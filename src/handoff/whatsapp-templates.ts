/** @module Approved WhatsApp templates (Twilio Content SIDs) staff may send once the 24-hour window has closed. */
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

const schema = z.object({
  templates: z.array(z.object({
    name: z.string().regex(/^[a-z0-9_]+$/, 'use lower-case letters, digits and _'),
    label: z.string().min(1),
    content_sid: z.string().regex(/^HX[0-9a-fA-F]{32}$/, 'must be a Content SID: HX followed by 32 hex characters'),
    variables: z.record(z.string(), z.string()).default({}),
  })).nullable().default([]).transform((v) => v ?? []),
});

export type WhatsAppTemplate = z.infer<typeof schema>['templates'][number];

/** WhatsApp's customer-service window: free text may be sent until 24 hours after the young person's last message. */
export const WHATSAPP_WINDOW_MS = 24 * 3600_000;

export function loadWhatsAppTemplates(path: string): WhatsAppTemplate[] {
  if (!existsSync(path)) return [];
  const parsed = schema.safeParse(parse(readFileSync(path, 'utf8')) ?? {});
  if (!parsed.success) throw new Error(`${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data.templates;
}
