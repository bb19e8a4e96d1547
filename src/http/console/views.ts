/** @module Server-rendered pages of the staff console; every value is escaped by the html tag. */
import type { StaffRow } from '../../store/staff-store.js';
import type { QueueItem } from '../../store/handoff-store.js';
import type { TranscriptLine } from '../../store/message-store.js';
import { isPhoneNumber } from '../../lib/address.js';
import { Html, html, verbatim } from './html.js';

/** What the Twilio codes staff meet most mean, in words. */
const SEND_ERRORS: Readonly<Record<string, string>> = {
  '21610': 'they texted STOP to this number; texts to them are refused until they text START',
  '63016': 'WhatsApp only allows an approved template more than 24 hours after their last message',
  '21211': 'the phone number is not valid',
  '21614': 'the number is not a mobile',
  '63024': 'not a WhatsApp user',
};

export interface PageContext {
  staff: StaffRow | null;
  csrf: string;
  flash?: string;
}

function minutesAgo(iso: string, now: Date): string {
  const m = Math.max(0, Math.round((now.getTime() - new Date(iso).getTime()) / 60_000));
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h} h ${m % 60} min` : `${Math.floor(h / 24)} days`;
}

const time = (iso: string) => new Date(iso).toLocaleString('en-GB', { timeZone: 'Europe/London', dateStyle: 'short', timeStyle: 'short' });

export function layout(title: string, ctx: PageContext, body: Html): string {
  return html`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="csrf-token" content="${ctx.csrf}">
  <title>${title} · offerline console</title>
  <link rel="stylesheet" href="/assets/console.css">
</head>
<body>
  <header class="bar">
    <a class="brand" href="/console">offerline console</a>
    ${ctx.staff
      ? html`<span class="who">${ctx.staff.name} (${ctx.staff.role})</span>
        <form method="post" action="/console/logout" class="inline"><input type="hidden" name="_csrf" value="${ctx.csrf}"><button type="submit" class="link">Log out</button></form>`
      : ''}
  </header>
  <main>
    ${ctx.flash ? html`<p class="flash" role="status">${ctx.flash}</p>` : ''}
    ${body}
  </main>
  ${ctx.staff ? html`<script src="/assets/console.js" defer></script>` : ''}
</body>
</html>`.text;
}

export function loginPage(ctx: PageContext, error?: string): string {
  return layout('Log in', ctx, html`
    <h1>Staff log in</h1>
    ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
    <form method="post" action="/console/login" class="stack" id="login">
      <input type="hidden" name="_csrf" value="${ctx.csrf}">
      <label>Email <input type="email" name="email" autocomplete="username" required></label>
      <label>Password <input type="password" name="password" autocomplete="current-password" required></label>
      <button type="submit">Log in</button>
    </form>`);
}

export function queueTable(items: QueueItem[], now: Date): Html {
  if (items.length === 0) return html`<p id="queue-empty">No conversations are waiting for a person.</p>`;
  return html`<table class="queue">
    <thead><tr><th>Priority</th><th>Code</th><th>Reason</th><th>Language</th><th>Channel</th><th>Waiting</th><th>Status</th></tr></thead>
    <tbody>
    ${items.map((i) => html`<tr class="${i.level}" data-conversation="${i.conversationId}">
      <td><span class="badge ${i.level}">${i.level}</span>${i.outOfHours ? html` <span class="badge ooh" title="raised out of hours">out of hours</span>` : ''}</td>
      <td><a href="/console/conversations/${i.conversationId}">${i.shortCode ?? `#${i.conversationId}`}</a></td>
      <td>${i.reason}</td>
      <td>${i.language ?? 'en'}</td>
      <td>${i.channel}</td>
      <td>${minutesAgo(i.raisedAt, now)}</td>
      <td>${i.status === 'claimed' ? `with ${i.claimedByName ?? 'staff'}` : 'waiting'}</td>
    </tr>`)}
    </tbody>
  </table>`;
}

export function queuePage(ctx: PageContext, items: QueueItem[], now: Date): string {
  return layout('Queue', ctx, html`
    <h1>Waiting for a person</h1>
    <p class="hint">Urgent first, then oldest. This list updates by itself.</p>
    <section id="queue" data-live="queue">${queueTable(items, now)}</section>
    ${ctx.staff && ctx.staff.role !== 'pa' ? html`<p><a href="/console/dashboard">Dashboard: what young people ask</a> · <a href="/console/audit">Audit log</a></p>` : ''}`);
}

export function transcriptList(lines: TranscriptLine[]): Html {
  return html`<ol class="transcript">
    ${lines.map((m) => html`<li class="${m.direction} ${m.origin}">
      <span class="meta">${time(m.createdAt)} · ${m.direction === 'in' ? 'young person' : m.origin === 'pa' ? (m.staffName ?? 'staff') : 'assistant'}
        ${m.direction === 'out' ? html` · ${m.channel} · ${m.status}${m.errorCode ? html` <span class="error">(error ${m.errorCode})</span>` : ''}` : ''}</span>
      <span class="body" dir="auto">${m.body === '' ? '(picture or file, no text)' : m.body}</span>
      ${m.translation ? html`<span class="translation" lang="en"><b>English (machine translation):</b> ${m.translation}</span>` : ''}
      ${m.originalBody ? html`<span class="translation" lang="en"><b>Written in English, machine-translated:</b> ${m.originalBody}</span>` : ''}
    </li>`)}
  </ol>`;
}

export interface ConversationView {
  id: number;
  shortCode: string | null;
  channel: 'sms' | 'whatsapp';
  /** Their phone number, or the id WhatsApp gives instead when they hide it. */
  address: string;
  language: string | null;
  mode: string;
  optedOut: boolean;
  handoff: { level: string; reason: string; status: string; claimedByName: string | null; raisedAt: string; outOfHours: boolean } | null;
  /** What the risk screen found, each time it raised or checked a handoff: "suicide (en: want + die)". */
  signals: string[];
  transcript: TranscriptLine[];
  notes: Array<{ body: string; createdAt: string; staffName: string }>;
  whatsappWindowClosesAt: Date | null;
  templates: Array<{ name: string; label: string }>;
  claimedByMe: boolean;
  /** Whether this member of staff may hand back or close it: anyone while it waits; once claimed, the claimer or a manager. */
  mayEnd: boolean;
  /** Replies are translated into the young person's language (with a preview) when a provider is configured. */
  translateReplies: boolean;
  lastSendError: string | null;
}

export function conversationPage(ctx: PageContext, v: ConversationView, now: Date): string {
  const csrf = html`<input type="hidden" name="_csrf" value="${ctx.csrf}">`;
  const action = (path: string, label: string, cls = '') =>
    html`<form method="post" action="/console/conversations/${v.id}/${path}" class="inline">${csrf}<button type="submit" class="${cls}">${label}</button></form>`;
  const windowOpen = v.channel !== 'whatsapp' || (v.whatsappWindowClosesAt !== null && v.whatsappWindowClosesAt > now);
  const open = v.handoff !== null && (v.handoff.status === 'waiting' || v.handoff.status === 'claimed');
  const phone = isPhoneNumber(v.address);
  return layout(`Conversation ${v.shortCode ?? v.id}`, ctx, html`
    <p><a href="/console">&larr; Queue</a></p>
    <h1>Conversation ${v.shortCode ?? `#${v.id}`}</h1>
    <dl class="facts">
      <dt>Handoff</dt><dd id="handoff">${v.handoff
        ? html`<span class="badge ${v.handoff.level}">${v.handoff.level}</span> ${v.handoff.reason} · ${v.handoff.status}${v.handoff.claimedByName ? ` by ${v.handoff.claimedByName}` : ''} · raised ${time(v.handoff.raisedAt)}${v.handoff.outOfHours ? ' (out of hours)' : ''}`
        : 'none'}</dd>
      ${v.signals.length > 0 ? html`<dt>Why</dt><dd id="signals">${v.signals.join('; ')}</dd>` : ''}
      <dt>Language</dt><dd id="language">${v.language ?? 'en'}</dd>
      <dt>From</dt><dd id="address">${v.address}${phone ? '' : html` <span class="hint">(${v.channel === 'whatsapp' ? 'WhatsApp user id: they do not share their phone number' : 'not a phone number'})</span>`}</dd>
      <dt>Channel</dt><dd>${v.channel}${v.optedOut ? html` <span class="error">opted out (STOP)</span>` : ''}</dd>
      ${v.lastSendError ? html`<dt>Last send refused</dt><dd id="send-error" class="error">Twilio error ${v.lastSendError}${SEND_ERRORS[v.lastSendError] ? `: ${SEND_ERRORS[v.lastSendError]}` : ''}</dd>` : ''}
      ${v.channel === 'whatsapp'
        ? html`<dt>WhatsApp window</dt><dd id="window">${windowOpen
          ? `open until ${time(v.whatsappWindowClosesAt!.toISOString())}`
          : 'closed: only an approved template or an SMS can be sent'}</dd>`
        : ''}
    </dl>
    <section id="transcript" data-live="transcript" data-conversation="${v.id}">${transcriptList(v.transcript)}</section>
    ${open
      ? html`<section class="actions">
          ${v.handoff!.status === 'waiting' ? action('claim', 'Claim', 'primary') : ''}
          ${windowOpen
            ? v.translateReplies
              ? html`<form method="post" action="/console/conversations/${v.id}/reply-preview" class="stack" id="reply">${csrf}
                <label>Reply in English: it will be translated into ${v.language} and you will see it before it is sent
                  <textarea name="text" rows="3" maxlength="1600" required></textarea></label>
                <button type="submit" class="primary">Translate and preview</button></form>`
              : html`<form method="post" action="/console/conversations/${v.id}/reply" class="stack" id="reply">${csrf}
                <label>Reply to the young person <textarea name="text" rows="3" maxlength="1600" required></textarea></label>
                <button type="submit" class="primary">Send</button></form>`
            : html`<form method="post" action="/console/conversations/${v.id}/template" class="stack" id="template">${csrf}
                ${v.templates.length > 0
                  ? html`<label>Approved template <select name="template">${v.templates.map((t) => html`<option value="${t.name}">${t.label}</option>`)}</select></label>
                    <button type="submit">Send template on WhatsApp</button>`
                  : html`<p class="hint">No approved WhatsApp templates are configured.</p>`}
              </form>
              ${phone
                ? html`<form method="post" action="/console/conversations/${v.id}/reply" class="stack" id="reply-sms">${csrf}
                  <input type="hidden" name="channel" value="sms">
                  <label>Or text them by SMS instead <textarea name="text" rows="3" maxlength="1600" required></textarea></label>
                  <button type="submit">Send SMS</button></form>`
                : html`<p class="hint" id="no-sms">They have not shared a phone number (WhatsApp hides it), so they cannot be texted by SMS.</p>`}`}
          ${v.mayEnd
            ? html`${action('handback', 'Hand back to the assistant')}
              ${action('close', 'Close')}`
            : html`<p class="hint">Only ${v.handoff!.claimedByName ?? 'the member of staff who claimed it'} or a manager can hand this back or close it.</p>`}
        </section>`
      : html`<p class="hint">Not waiting for a person. The assistant answers this conversation.</p>`}
    <section>
      <h2>Internal notes</h2>
      <ul id="notes">${v.notes.map((n) => html`<li><span class="meta">${n.staffName} · ${time(n.createdAt)}</span> <span dir="auto">${n.body}</span></li>`)}</ul>
      <form method="post" action="/console/conversations/${v.id}/notes" class="stack" id="note">${csrf}
        <label>Add a note (staff only) <textarea name="text" rows="2" required></textarea></label>
        <button type="submit">Save note</button></form>
    </section>`);
}

export function auditPage(ctx: PageContext, rows: Array<{ staffName: string | null; action: string; conversationId: number | null; detail: string; at: string }>): string {
  return layout('Audit log', ctx, html`
    <h1>Audit log</h1>
    <table class="queue"><thead><tr><th>When</th><th>Who</th><th>What</th><th>Conversation</th></tr></thead>
    <tbody>${rows.map((r) => html`<tr><td>${time(r.at)}</td><td>${r.staffName ?? '-'}</td><td>${r.action}</td><td>${r.conversationId ?? ''}</td></tr>`)}</tbody></table>`);
}

export function replyPreviewPage(ctx: PageContext, p: { id: number; language: string; original: string; translated: string; back: string | null }): string {
  const csrf = html`<input type="hidden" name="_csrf" value="${ctx.csrf}">`;
  return layout('Check the translation', ctx, html`
    <p><a href="/console/conversations/${p.id}">&larr; Back to the conversation</a></p>
    <h1>Check the translation before it is sent</h1>
    <dl class="facts">
      <dt>You wrote</dt><dd id="original" lang="en" dir="auto">${p.original}</dd>
      <dt>It will be sent as (${p.language}, machine translation)</dt><dd id="translated" lang="${p.language}" dir="auto">${p.translated}</dd>
      <dt>Translated back into English</dt><dd id="back" lang="en" dir="auto">${p.back ?? '(the back-translation is not available)'}</dd>
    </dl>
    <form method="post" action="/console/conversations/${p.id}/reply" class="inline" id="send-translated">${csrf}
      <input type="hidden" name="text" value="${verbatim(p.translated)}"><input type="hidden" name="original" value="${verbatim(p.original)}">
      <button type="submit" class="primary">Send the translation</button></form>
    <form method="post" action="/console/conversations/${p.id}/reply" class="inline" id="send-english">${csrf}
      <input type="hidden" name="text" value="${verbatim(p.original)}">
      <button type="submit">Send in English instead</button></form>`);
}
