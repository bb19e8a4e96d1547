/** @module /console: staff log in, see the queue live, open a conversation, claim, reply, note, hand back, close. */
import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import session from 'express-session';
import { csrfSync } from 'csrf-sync';
import { z } from 'zod';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import { HandoffError, mayEndOthersClaim, type Handoffs } from '../../handoff/handoffs.js';
import type { LiveUpdates } from '../../handoff/live-updates.js';
import { WHATSAPP_WINDOW_MS, type WhatsAppTemplate } from '../../handoff/whatsapp-templates.js';
import type { ConversationStore } from '../../store/conversation-store.js';
import type { Db } from '../../store/db.js';
import type { HandoffStore } from '../../store/handoff-store.js';
import type { EventStore } from '../../store/event-store.js';
import type { MessageStore } from '../../store/message-store.js';
import { SqliteSessionStore } from '../../store/session-store.js';
import { loginCsrf } from './login-csrf.js';
import type { StaffRow, StaffStore } from '../../store/staff-store.js';
import { auditPage, conversationPage, loginPage, queuePage, queueTable, replyPreviewPage, transcriptList, type PageContext } from './views.js';
import type { TranslationService } from '../../translation/translation-service.js';
import { buildReport } from '../../insights/build-report.js';
import type { ResponseTargets } from '../../handoff/rota.js';
import { reportHtml } from '../../insights/report-html.js';
import { createReportStore } from '../../store/report-store.js';
import type { ContentChangeStore } from '../../store/content-change-store.js';
import { createAccessStore } from '../../store/access-store.js';
import { readBasis, type ReadBasis } from './access.js';

declare module 'express-session' {
  interface SessionData {
    staffId?: number;
    /** Which password the login was made with (see credentialOf); a session from before a reset is refused. */
    credential?: string;
    flash?: string;
  }
}

export interface ConsoleDeps {
  db: Db;
  staff: StaffStore;
  handoffStore: HandoffStore;
  handoffs: Handoffs;
  conversations: ConversationStore;
  messages: MessageStore;
  events: EventStore;
  live: LiveUpdates;
  templates: WhatsAppTemplate[];
  clock: Clock;
  logger: Logger;
  sessionSecret?: string;
  translation: TranslationService;
  contentChanges: ContentChangeStore;
  /** Intent ids a phrasing can be added to. */
  intentIds: string[];
  /** Called after a phrasing is added, so the matcher knows it at once. */
  onPhrasingAdded: () => void;
  /** The service's response targets, for the dashboard's figures. */
  targets: ResponseTargets;
}

type StaffRequest = Request & { staff: StaffRow };
/** The member of staff requireStaff attached to the request. */
const staffOf = (req: Request): StaffRow => (req as unknown as StaffRequest).staff;

const SESSION_HOURS = 8;
const loginForm = z.object({ email: z.string().trim().toLowerCase().max(200), password: z.string().max(500) });
const idParam = z.coerce.number().int().positive();
const LOGIN_WINDOW_MS = 15 * 60_000;
const LOGIN_FAILURES_PER_ACCOUNT = 10;
const LOGIN_FAILURES_PER_ADDRESS = 50;
/** A digest of the password hash a session was opened with: not the hash itself, which stays in the staff table. */
const credentialOf = (passwordHash: string): string => createHash('sha256').update(passwordHash).digest('base64url').slice(0, 22);
/** The email a login form names, as the login looks it up. */
const loginEmail = (req: Request): string => {
  const email = (req.body as Record<string, unknown> | undefined)?.['email'];
  return typeof email === 'string' ? email.trim().toLowerCase().slice(0, 200) : '';
};

export function consoleRoutes(d: ConsoleDeps): Router {
  const router = Router();
  if (!d.sessionSecret) d.logger.warn('SESSION_SECRET is not set: staff sessions end when the service restarts');
  const secret = d.sessionSecret ?? randomBytes(32).toString('hex');
  const store = new SqliteSessionStore(d.db, () => d.clock.now());
  // Routes match in any letter case, but the session cookie's path (/console) does not: "/CONSOLE/..." would
  // reach the routes without a session. Only "/console" itself is the console.
  router.use((req, res, next) => {
    const first = req.path.split('/')[1] ?? '';
    if (first !== 'console' && first.toLowerCase() === 'console') return res.status(404).type('text/plain').send('Not found');
    next();
  });
  router.use(
    '/console',
    // Pages hold young people's words and staff's CSRF tokens: no browser history, back button or proxy keeps them.
    (_req: Request, res: Response, next: NextFunction) => {
      res.set('Cache-Control', 'no-store');
      next();
    },
    express.urlencoded({ extended: false, limit: '32kb' }),
    // Nothing is stored until a login succeeds (saveUninitialized: false, and nothing anonymous touches the session).
    session({
      name: 'offerline.sid',
      secret,
      store,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      // No `proxy` option: the cookie is Secure when req.secure is, which follows the app's TRUST_PROXY setting
      // (express-session's own proxy: true would believe X-Forwarded-Proto from anyone).
      cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: SESSION_HOURS * 3600_000, path: '/console' },
    }),
  );
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    getTokenFromRequest: (req) => (req.body as Record<string, string> | undefined)?.['_csrf'],
  });
  // The login form's token lives in a signed cookie: keeping it in a session would store one for every visitor.
  const loginToken = loginCsrf(secret, () => d.clock.now());

  const ctx = (req: Request, staff: StaffRow | null): PageContext => {
    const flash = req.session.flash;
    delete req.session.flash;
    return { staff, csrf: generateToken(req), flash };
  };
  const loginCtx = (req: Request, res: Response): PageContext => ({ staff: null, csrf: loginToken.token(req, res) });

  // Wrong passwords are limited per account, from wherever they come, so one person behind the same proxy as the
  // staff cannot lock everyone out; the per-address limit is higher and stops one address trying many accounts.
  // Successful logins do not count. Failures for an unknown email count against that email, as for a real one.
  const accountLimiter = rateLimit({
    windowMs: LOGIN_WINDOW_MS, limit: LOGIN_FAILURES_PER_ACCOUNT, skipSuccessfulRequests: true, standardHeaders: false, legacyHeaders: false,
    keyGenerator: (req) => `account:${loginEmail(req)}`,
  });
  const addressLimiter = rateLimit({
    windowMs: LOGIN_WINDOW_MS, limit: LOGIN_FAILURES_PER_ADDRESS, skipSuccessfulRequests: true, standardHeaders: 'draft-8', legacyHeaders: false,
  });

  // A hash of a password nobody knows, made as every staff hash is (argon2id, the same cost), for unknown accounts.
  const dummyHash = hash(randomBytes(32).toString('base64url'));
  dummyHash.catch(() => undefined); // a failure is met (and refused) at the login that awaits it

  router.get('/console/login', (req, res) => {
    if (req.session.staffId) return res.redirect(303, '/console');
    res.type('html').send(loginPage(loginCtx(req, res)));
  });

  const loginCsrfChecked = (req: Request, res: Response, next: NextFunction) => {
    if (loginToken.valid(req)) return next();
    res.status(403).type('html').send(loginPage(loginCtx(req, res), 'The login form had expired. Please try again.'));
  };

  router.post('/console/login', loginCsrfChecked, addressLimiter, accountLimiter, async (req, res, next) => {
    const form = loginForm.safeParse(req.body);
    const staff = form.success ? d.staff.byEmail(form.data.email) : undefined;
    // One verification whoever the form names, so how long a login takes does not tell who has an account.
    let verified = false;
    try {
      verified = await verify(staff?.passwordHash ?? (await dummyHash), form.success ? form.data.password : '');
    } catch {
      verified = false;
    }
    const ok = verified && staff?.active === true && staff.passwordHash !== null;
    if (!ok || !staff) {
      d.staff.audit(staff?.id ?? null, 'login_failed', null, {}, d.clock.now());
      res.status(401).type('html').send(loginPage(loginCtx(req, res), 'That email and password do not match a staff account.'));
      return;
    }
    // A new session id at login, so a session fixed before login is worthless.
    req.session.regenerate((err) => {
      if (err) return next(err);
      req.session.staffId = staff.id;
      req.session.credential = credentialOf(staff.passwordHash!);
      d.staff.audit(staff.id, 'login', null, {}, d.clock.now());
      req.session.save((e) => (e ? next(e) : res.redirect(303, '/console')));
    });
  });

  /** Everything below needs a logged-in, active member of staff. Pages redirect to the login; the rest get 401. */
  const requireStaff = (req: Request, res: Response, next: NextFunction) => {
    const staff = req.session.staffId ? d.staff.byId(req.session.staffId) : undefined;
    // Resetting a password deletes the person's sessions; this also refuses one a request in flight saved back.
    const current = staff?.active && staff.passwordHash && req.session.credential === credentialOf(staff.passwordHash);
    if (!current || !staff) {
      const refuse = () => {
        if (req.method === 'GET' && req.accepts('html') && !req.path.endsWith('/events')) res.redirect(303, '/console/login');
        else res.status(401).type('text/plain').send('Log in first');
      };
      if (req.session.staffId !== undefined) req.session.destroy(refuse);
      else refuse();
      return;
    }
    (req as unknown as StaffRequest).staff = staff;
    next();
  };
  router.use('/console', requireStaff);
  // Every other form carries the session's own token. Checked after the login, so a request without one is told
  // to log in (401) rather than refused for its token, and a lost login check cannot hide behind the CSRF check.
  router.use('/console', csrfSynchronisedProtection);

  router.post('/console/logout', (req, res, next) => {
    d.staff.audit(staffOf(req).id, 'logout', null, {}, d.clock.now());
    req.session.destroy((err) => (err ? next(err) : res.redirect(303, '/console/login')));
  });

  router.get('/console', (req, res) => {
    res.type('html').send(queuePage(ctx(req, staffOf(req)), d.handoffStore.queue(), d.clock.now()));
  });

  router.get('/console/queue', (_req, res) => {
    res.type('html').send(queueTable(d.handoffStore.queue(), d.clock.now()).text);
  });

  router.get('/console/events', (req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store, no-transform', Connection: 'keep-alive' });
    res.write('retry: 3000\n\n');
    const unsubscribe = d.live.subscribe((change) => res.write(`event: change\ndata: ${JSON.stringify(change)}\n\n`));
    // A comment now and then keeps proxies from closing an idle stream.
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 25_000);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  });

  const access = createAccessStore(d.db);
  /**
   * The conversation in the path, when this member of staff may open it (see access.ts). Otherwise the answer is
   * sent here: 404 for no such conversation or a staff phone's thread, 403 for one they may not open; either
   * refusal is audited, so someone browsing by id shows in the audit log.
   */
  const readable = (req: Request, res: Response, attempt: string): { id: number; basis: ReadBasis } | undefined => {
    const staff = staffOf(req);
    const parsed = idParam.safeParse(req.params['id']);
    const facts = parsed.success ? access.facts(parsed.data, staff) : undefined;
    if (!parsed.success || !facts) {
      res.status(404).type('text/plain').send('No such conversation');
      return undefined;
    }
    const basis = readBasis(staff, facts);
    if (basis) return { id: parsed.data, basis };
    d.staff.audit(staff.id, 'denied', parsed.data, { attempt }, d.clock.now());
    if (facts.staffThread) res.status(404).type('text/plain').send('No such conversation');
    else res.status(403).type('text/plain').send('You can open a conversation while it is waiting for a person, or later one you or your team handled. Ask a manager if you need this one.');
    return undefined;
  };

  router.get('/console/conversations/:id', (req, res) => {
    const readOk = readable(req, res, 'view');
    if (!readOk) return;
    const { id, basis } = readOk;
    const staff = staffOf(req);
    const c = d.conversations.get(id)!;
    const h = d.handoffStore.latest(id);
    const claimer = h?.claimedBy ? d.staff.byId(h.claimedBy) : undefined;
    const details = d.conversations.details(id)!;
    d.staff.audit(staff.id, 'view', id, { basis }, d.clock.now());
    res.type('html').send(
      conversationPage(ctx(req, staff), {
        id, shortCode: details.shortCode,
        channel: c.channel, address: c.address, language: c.language, mode: c.mode, optedOut: c.optedOut,
        handoff: h ? { level: h.level, reason: h.reason, status: h.status, claimedByName: claimer?.name ?? null, raisedAt: h.raisedAt, outOfHours: h.outOfHours } : null,
        signals: d.events.forConversation(id).filter((e) => e.kind === 'handoff.requested' && typeof e.detail['signals'] === 'string').map((e) => String(e.detail['signals'])),
        transcript: d.messages.transcript(id),
        notes: d.handoffStore.notes(id),
        whatsappWindowClosesAt: details.lastInboundAt ? new Date(new Date(details.lastInboundAt).getTime() + WHATSAPP_WINDOW_MS) : null,
        templates: d.templates.map((t) => ({ name: t.name, label: t.label })),
        claimedByMe: h?.claimedBy === staff.id,
        mayEnd: h?.status !== 'claimed' || h.claimedBy === staff.id || mayEndOthersClaim(staff),
        translateReplies: d.translation.enabled && (c.language ?? 'en') !== 'en',
        lastSendError: details.lastSendError,
      }, d.clock.now()),
    );
  });

  router.get('/console/conversations/:id/transcript', (req, res) => {
    const readOk = readable(req, res, 'view_transcript');
    if (!readOk) return;
    d.staff.audit(staffOf(req).id, 'view_transcript', readOk.id, { basis: readOk.basis }, d.clock.now());
    res.type('html').send(transcriptList(d.messages.transcript(readOk.id)).text);
  });

  /** Runs a staff action and goes back to the conversation, with what happened as a flash message. */
  const act = (path: string, run: (id: number, staff: StaffRow, body: Record<string, string>) => string) =>
    router.post(`/console/conversations/:id/${path}`, (req, res) => {
      const id = readable(req, res, path)?.id;
      if (id === undefined) return;
      try {
        req.session.flash = run(id, staffOf(req), (req.body ?? {}) as Record<string, string>);
      } catch (err) {
        if (!(err instanceof HandoffError)) throw err;
        req.session.flash = err.message;
      }
      res.redirect(303, `/console/conversations/${id}`);
    });

  act('claim', (id, staff) => {
    d.handoffs.claim(id, staff);
    return 'You have claimed this conversation. The assistant will not answer it until you hand it back.';
  });
  act('reply', (id, staff, body) => {
    d.handoffs.reply(id, staff, body['text'] ?? '', {
      ...(body['channel'] === 'sms' ? { channel: 'sms' as const } : {}),
      ...(body['original'] ? { original: body['original'] } : {}),
    });
    return body['original'] ? 'Sent, translated.' : 'Sent.';
  });

  // The PA writes in English; the translation and its back-translation are shown before anything is sent.
  router.post('/console/conversations/:id/reply-preview', async (req, res) => {
    const id = readable(req, res, 'reply-preview')?.id;
    if (id === undefined) return;
    const text = String((req.body as Record<string, unknown>)['text'] ?? '').trim();
    const language = d.conversations.get(id)!.language ?? 'en';
    const translated = text ? await d.translation.translate(text, 'en', language) : null;
    if (!translated) {
      req.session.flash = 'The translation service is not answering. Send in English, or try again in a minute.';
      return res.redirect(303, `/console/conversations/${id}`);
    }
    const back = await d.translation.translate(translated, language, 'en');
    res.type('html').send(replyPreviewPage(ctx(req, staffOf(req)), { id, language, original: text, translated, back }));
  });
  act('template', (id, staff, body) => {
    const t = d.templates.find((x) => x.name === body['template']);
    if (!t) throw new HandoffError('Choose an approved template.', 400);
    d.handoffs.reply(id, staff, t.label, { template: { contentSid: t.content_sid, variables: t.variables } });
    return 'Template sent.';
  });
  act('notes', (id, staff, body) => {
    d.handoffs.note(id, staff, body['text'] ?? '');
    return 'Note saved.';
  });
  act('handback', (id, staff) => {
    d.handoffs.handBack(id, staff);
    return 'Handed back to the assistant.';
  });
  act('close', (id, staff) => {
    d.handoffs.close(id, staff);
    return 'Closed.';
  });

  // Managers and admins: the insights report for the last four weeks, inside the console.
  router.get('/console/dashboard', async (req, res) => {
    const staff = staffOf(req);
    if (staff.role === 'pa') return res.status(403).type('text/plain').send('Managers and admins only');
    const to = new Date(d.clock.now().getTime() + 24 * 3600_000).toISOString().slice(0, 10);
    const from = new Date(d.clock.now().getTime() - 27 * 24 * 3600_000).toISOString().slice(0, 10);
    const page = await reportHtml(buildReport(createReportStore(d.db), from, to, d.targets), {
      csrf: generateToken(req), intents: d.intentIds, changes: d.contentChanges.list(),
    });
    d.staff.audit(staff.id, 'view_dashboard', null, { from, to }, d.clock.now());
    res.type('html').send(page.replace('<body>', `<body><p><a href="/console">&larr; Queue</a></p>`));
  });

  const managerOnly = (req: Request, res: Response): StaffRow | null => {
    const staff = staffOf(req);
    if (staff.role === 'pa') {
      res.status(403).type('text/plain').send('Managers and admins only');
      return null;
    }
    return staff;
  };
  router.post('/console/dashboard/phrasing', (req, res) => {
    const staff = managerOnly(req, res);
    if (!staff) return;
    const body = (req.body ?? {}) as Record<string, string>;
    const text = (body['text'] ?? '').trim();
    if (!d.intentIds.includes(body['intent'] ?? '') || text === '' || text.length > 200) return res.status(400).type('text/plain').send('Choose an intent and write the phrasing (at most 200 characters)');
    d.contentChanges.add('phrasing', body['intent']!, text, staff.id, d.clock.now());
    d.staff.audit(staff.id, 'add_phrasing', null, { intent: body['intent'] }, d.clock.now());
    d.onPhrasingAdded();
    res.redirect(303, '/console/dashboard');
  });
  router.post('/console/dashboard/gap', (req, res) => {
    const staff = managerOnly(req, res);
    if (!staff) return;
    const text = String((req.body as Record<string, string> | undefined)?.['text'] ?? '').trim().slice(0, 200);
    if (text === '') return res.status(400).type('text/plain').send('Say what the gap is');
    d.contentChanges.add('gap', null, text, staff.id, d.clock.now());
    d.staff.audit(staff.id, 'mark_gap', null, {}, d.clock.now());
    res.redirect(303, '/console/dashboard');
  });

  router.get('/console/audit', (req, res) => {
    const staff = staffOf(req);
    if (staff.role === 'pa') return res.status(403).type('text/plain').send('Managers and admins only');
    const rows = d.staff.recentAudit(200).map((r) => ({ ...r, staffName: r.staffId ? (d.staff.byId(r.staffId)?.name ?? null) : null }));
    res.type('html').send(auditPage(ctx(req, staff), rows));
  });

  router.use('/console', (_req, res) => {
    res.status(404).type('text/plain').send('Not found');
  });
  return router;
}
