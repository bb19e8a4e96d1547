/** A browser-like client for the console over HTTP: keeps the session cookie and reads CSRF tokens from pages. */
import type { Served } from './test-service.js';

export interface ConsoleClient {
  request(path: string, init?: RequestInit): Promise<Response>;
  /** POSTs a form with the CSRF token taken from `pagePath`. */
  post(pagePath: string, action: string, fields: Record<string, string>): Promise<Response>;
}

export const csrfOf = (page: string) => /name="_csrf" value="([^"]+)"/.exec(page)![1]!;

export async function loginToConsole(served: Served, email: string, password: string): Promise<{ res: Response; client: ConsoleClient }> {
  let cookie = '';
  const request = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${served.url}${path}`, { ...init, redirect: 'manual', headers: { ...(init.headers ?? {}), cookie } });
    const set = res.headers.get('set-cookie');
    if (set) cookie = set.split(';')[0]!;
    return res;
  };
  const csrf = csrfOf(await (await request('/console/login')).text());
  const res = await request('/console/login', { method: 'POST', body: new URLSearchParams({ _csrf: csrf, email, password }) });
  const post = async (pagePath: string, action: string, fields: Record<string, string>) => {
    const token = csrfOf(await (await request(pagePath)).text());
    return request(action, { method: 'POST', body: new URLSearchParams({ _csrf: token, ...fields }) });
  };
  return { res, client: { request, post } };
}
