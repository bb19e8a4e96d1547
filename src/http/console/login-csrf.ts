/** @module CSRF for the login form without a stored session: a signed double-submit cookie, so anonymous visits write nothing. */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';

const COOKIE = 'offerline.login';
const PATH = '/console/login';
/** Long enough to fill the form in; a page left open longer gets a fresh token with its refusal. */
const MAX_AGE_MS = 2 * 3600_000;

export interface LoginCsrf {
  /** The token for the login form: the browser's own while it is valid, else a new one set in its cookie. */
  token(req: Request, res: Response): string;
  /** Whether the form's `_csrf` is the token in this browser's cookie, signed by us and not expired. */
  valid(req: Request): boolean;
}

/** Only someone with the secret can make a cookie we accept, so a cookie planted from a sibling site is worthless. */
export function loginCsrf(secret: string, now: () => Date): LoginCsrf {
  const sign = (token: string) => createHmac('sha256', secret).update(`offerline login csrf\n${token}`).digest('base64url');
  const same = (a: string, b: string) => {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
  };

  /** The token in the request's cookie, if we signed it and it has not expired. */
  const fromCookie = (req: Request): string | undefined => {
    const raw = (req.headers.cookie ?? '')
      .split(';')
      .map((c) => c.trim())
      .find((c) => c.startsWith(`${COOKIE}=`))
      ?.slice(COOKIE.length + 1);
    if (!raw) return undefined;
    const dot = raw.lastIndexOf('.');
    const token = raw.slice(0, dot);
    if (dot <= 0 || !same(raw.slice(dot + 1), sign(token))) return undefined;
    const issuedAt = parseInt(token.slice(token.lastIndexOf('.') + 1), 36);
    const age = now().getTime() - issuedAt;
    return Number.isFinite(issuedAt) && age >= 0 && age < MAX_AGE_MS ? token : undefined;
  };

  return {
    token(req, res) {
      const existing = fromCookie(req);
      if (existing) return existing;
      const token = `${randomBytes(24).toString('base64url')}.${now().getTime().toString(36)}`;
      res.cookie(COOKIE, `${token}.${sign(token)}`, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: PATH, maxAge: MAX_AGE_MS });
      return token;
    },
    valid(req) {
      const sent = (req.body as Record<string, unknown> | undefined)?.['_csrf'];
      const expected = fromCookie(req);
      return typeof sent === 'string' && expected !== undefined && same(sent, expected);
    },
  };
}
