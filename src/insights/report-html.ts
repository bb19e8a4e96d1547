/** @module The insights report as one self-contained HTML page: charts drawn by Vega-Lite as inline SVG, no JavaScript. */
import * as vega from 'vega';
import * as vl from 'vega-lite';
import { Html, html } from '../http/console/html.js';
import type { Report } from './build-report.js';

/** A horizontal bar chart as an SVG string, drawn on the server. */
async function barChart(values: Array<{ label: string; value: number }>, title: string, axis: string): Promise<Html> {
  if (values.length === 0) return html`<p class="none">Nothing to show for this period (or every group had fewer than five young people).</p>`;
  const spec = vl.compile({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title, width: 520, height: { step: 18 },
    data: { values },
    mark: { type: 'bar', color: '#1e3a8a' },
    encoding: {
      y: { field: 'label', type: 'nominal', sort: '-x', title: null },
      x: { field: 'value', type: 'quantitative', title: axis },
    },
  } as vl.TopLevelSpec).spec;
  const svg = await new vega.View(vega.parse(spec), { renderer: 'none' }).toSVG();
  return html`<figure>${new Html(svg)}<figcaption>${title}</figcaption></figure>`;
}

/** On the console's dashboard, managers can act on an unanswered group: teach an intent the phrasing, or record a gap. */
export interface ReportActions {
  csrf: string;
  intents: string[];
  changes: Array<{ kind: string; intent: string | null; text: string; staffName: string; at: string }>;
}

/** "12 of 20 (60%)". */
const share = (part: number, whole: number) => `${part} of ${whole}${whole > 0 ? ` (${Math.round((100 * part) / whole)}%)` : ''}`;

function actionsFor(g: Report['unanswered'][number], a: ReportActions): Html {
  const csrf = html`<input type="hidden" name="_csrf" value="${a.csrf}">`;
  return html`<form method="post" action="/console/dashboard/phrasing" class="phrasing">${csrf}
      <input name="text" value="${g.examples[0] ?? ''}" maxlength="200" aria-label="Phrasing">
      <select name="intent" aria-label="Intent">${a.intents.map((i) => html`<option>${i}</option>`)}</select>
      <button type="submit">Add as an example</button></form>
    <form method="post" action="/console/dashboard/gap" class="gap">${csrf}
      <input type="hidden" name="text" value="${g.words.join(', ')}"><button type="submit">Mark as a gap in the offer</button></form>`;
}

export async function reportHtml(r: Report, actions?: ReportActions): Promise<string> {
  const perWeek = await barChart(r.perWeek.map((w) => ({ label: `week of ${w.week}`, value: w.youngPeople })), 'Young people who texted, per week', 'young people');
  const topics = await barChart(r.topics.slice(0, 15).map((t) => ({ label: t.topic, value: t.messages })), 'What young people asked about most', 'messages');
  const languages = await barChart(r.languages.map((l) => ({ label: l.language, value: l.youngPeople })), 'Languages used', 'young people');
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>offerline report ${r.period.from} to ${r.period.to}</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; color: #1b1b1f; }
  table { border-collapse: collapse; width: 100%; margin: 1rem 0; } th, td { text-align: left; padding: 0.3rem 0.5rem; border-bottom: 1px solid #ddd; }
  figure { margin: 1rem 0; } figcaption { font-size: 0.85rem; color: #555; } .none { color: #555; }
  @media print { body { margin: 0; } figure, table { break-inside: avoid; } }
</style></head>
<body>
  <h1>What young people ask, and what the offer lacks</h1>
  <p>Period ${r.period.from} to ${r.period.to} (the end date not included). Groups of fewer than five young people are left out
    (${r.hiddenGroups} left out this time). Examples are anonymised.</p>
  <h2>Contact</h2>${perWeek}
  <h2>Topics</h2>${topics}
  <h2>Questions not answered</h2>
  ${r.unanswered.length === 0 ? html`<p class="none">None in groups of five or more young people.</p>` : html`<table id="unanswered">
    <thead><tr><th>Shared words</th><th>Messages</th><th>Young people</th><th>Examples (anonymised)</th>${actions ? html`<th>Improve the content</th>` : ''}</tr></thead>
    <tbody>${r.unanswered.map((g) => html`<tr><td>${g.words.join(', ')}</td><td>${g.messages}</td><td>${g.youngPeople}</td><td>${g.examples.map((e) => html`<div>${e}</div>`)}</td>${actions ? html`<td>${actionsFor(g, actions)}</td>` : ''}</tr>`)}</tbody></table>`}
  ${actions && actions.changes.length > 0 ? html`<h2>Content changes made here</h2><table id="changes"><thead><tr><th>When</th><th>Who</th><th>Change</th></tr></thead>
    <tbody>${actions.changes.map((c) => html`<tr><td>${c.at.slice(0, 16).replace('T', ' ')}</td><td>${c.staffName}</td><td>${c.kind === 'phrasing' ? `"${c.text}" added to ${c.intent}` : `gap in the offer: ${c.text}`}</td></tr>`)}</tbody></table>` : ''}
  <h2>Languages and channels</h2>${languages}
  <p>${r.channels.map((c) => `${c.channel}: ${c.youngPeople} young people`).join('; ')}</p>
  <h2>Handoffs to a person</h2>
  <table id="handoffs"><thead><tr><th>Level</th><th>Reason</th><th>Count</th><th>Median minutes to claim</th><th>Median minutes to first PA reply</th></tr></thead>
    <tbody>${r.handoffs.map((h) => html`<tr><td>${h.level}</td><td>${h.reason}</td><td>${h.count}</td><td>${h.medianMinutesToClaim?.toFixed(0) ?? '-'}</td><td>${h.medianMinutesToFirstReply?.toFixed(0) ?? '-'}</td></tr>`)}</tbody></table>
  <h3>Against the service's targets</h3>
  <p>Handoffs raised while the office was open. Out of hours, young people are pointed to the Emergency Duty Team; those handoffs are counted apart.</p>
  ${r.targets.length === 0 ? html`<p class="none">Fewer than five young people were handed to a person.</p>` : html`<table id="targets">
    <thead><tr><th>Level</th><th>Raised in office hours</th><th>Claimed in time</th><th>First PA reply in time</th><th>Raised out of hours</th></tr></thead>
    <tbody>${r.targets.map((t) => html`<tr><td>${t.level}</td><td>${t.inOfficeHours}</td><td>${share(t.claimedInTime, t.inOfficeHours)} within ${t.claimTargetMinutes} min</td><td>${share(t.repliedInTime, t.inOfficeHours)} within ${t.firstReplyTargetMinutes} min</td><td>${t.outOfHours}</td></tr>`)}</tbody></table>`}
  <h2>Opt-outs and the birthday card</h2>
  <p>Young people who texted STOP: ${r.optOuts ?? 'fewer than five'}.</p>
  <p>${r.birthdayCard ? `Conversations started from the 21Plus birthday card: ${r.birthdayCard.conversations}; asked about a topic: ${r.birthdayCard.askedAboutTopics}; handed to a person: ${r.birthdayCard.handedToAPerson}.` : 'Birthday-card conversations: fewer than five.'}</p>
</body></html>`.text;
}
