/** A browser-like client for the console over HTTP: keeps its cookies and reads CSRF tokens from pages. */
import type { Served } from './test-service.js';

export interface ConsoleClient {
  request(path: string, init?: RequestInit): Promise<Response>;
  /** POSTs a form with the CSRF token taken from `pagePath`. */
  post(pagePath: string, action: string, fields: Record<string, string>): Promise<Response>;
  /** The cookies the client holds, by name (as a browser's cookie jar would send them). */
  cookies: Map<string, string>;
}

export const csrfOf = (page: string) => /name="_csrf" value="([^"]+)"/.exec(page)![1]!;

/**
 * A client with its own cookie jar. `headers` go with every request (e.g. what a proxy in front would add).
 * Cookies are kept by name only: the console's cookies have distinct names, so paths need not be tracked.
 */
export function consoleClient(served: Served, headers: Record<string, string> = {}): ConsoleClient {
  const cookies = new Map<string, string>();
  const request = async (path: string, init: RequestInit = {}) => {
    const cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(`${served.url}${path}`, {
      ...init, redirect: 'manual', headers: { ...headers, ...((init.headers ?? {}) as Record<string, string>), ...(cookie ? { cookie } : {}) },
    });
    for (const set of res.headers.getSetCookie()) {
      const [pair, ...attributes] = set.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && new Date(a.split('=')[1]!) <= new Date()));
      if (expired) cookies.delete(name);
      else cookies.set(name, pair!.slice(eq + 1).trim());
    }
    return res;
  };
  const post = async (pagePath: string, action: string, fields: Record<string, string>) => {
    const token = csrfOf(await (await request(pagePath)).text());
    return request(action, { method: 'POST', body: new URLSearchParams({ _csrf: token, ...fields }) });
  };
  return { request, post, cookies };
}

/**
 * Someone who opened the login page and never logged in, holding the login form's valid CSRF token, so a refusal
 * elsewhere can only come from the login check.
 */
export async function anonymousConsole(served: Served): Promise<{ request: ConsoleClient['request']; csrf: string }> {
  const { request } = consoleClient(served);
  const csrf = csrfOf(await (await request('/console/login')).text());
  return { request, csrf };
}

export async function loginToConsole(
  served: Served,
  email: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<{ res: Response; client: ConsoleClient }> {
  const client = consoleClient(served, headers);
  const csrf = csrfOf(await (await client.request('/console/login')).text());
  const res = await client.request('/console/login', { method: 'POST', body: new URLSearchParams({ _csrf: csrf, email, password }) });
  return { res, client };
}
