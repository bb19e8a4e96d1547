/** A browser-like client for the console over HTTP: keeps the session cookie and reads CSRF tokens from pages. */
import type { Served } from './test-service.js';

export interface ConsoleClient {
  request(path: string, init?: RequestInit): Promise<Response>;
  /** POSTs a form with the CSRF token taken from `pagePath`. */
  post(pagePath: string, action: string, fields: Record<string, string>): Promise<Response>;
}

export const csrfOf = (page: string) => /name="_csrf" value="([^"]+)"/.exec(page)![1]!;

/** Requests that keep the session cookie the console sets, as a browser would. */
function withCookie(served: Served): ConsoleClient['request'] {
  let cookie = '';
  return async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${served.url}${path}`, { ...init, redirect: 'manual', headers: { ...(init.headers ?? {}), cookie } });
    const set = res.headers.get('set-cookie');
    if (set) cookie = set.split(';')[0]!;
    return res;
  };
}

/**
 * Someone who opened the login page and never logged in: a session with a valid CSRF token, so a refusal can
 * only come from the login check.
 */
export async function anonymousConsole(served: Served): Promise<{ request: ConsoleClient['request']; csrf: string }> {
  const request = withCookie(served);
  const csrf = csrfOf(await (await request('/console/login')).text());
  return { request, csrf };
}

export async function loginToConsole(served: Served, email: string, password: string): Promise<{ res: Response; client: ConsoleClient }> {
  const request = withCookie(served);
  const csrf = csrfOf(await (await request('/console/login')).text());
  const res = await request('/console/login', { method: 'POST', body: new URLSearchParams({ _csrf: csrf, email, password }) });
  const post = async (pagePath: string, action: string, fields: Record<string, string>) => {
    const token = csrfOf(await (await request(pagePath)).text());
    return request(action, { method: 'POST', body: new URLSearchParams({ _csrf: token, ...fields }) });
  };
  return { res, client: { request, post } };
}
