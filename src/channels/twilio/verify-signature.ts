/** @module Checks X-Twilio-Signature against the public URL Twilio called, whatever proxies sit in between. */
import twilio from 'twilio';

/**
 * `publicBaseUrl` is the configured https address; the path and query come from the request as received.
 * Building the URL from configuration (not from Host or X-Forwarded-* headers) keeps the check correct behind
 * a TLS-terminating proxy and impossible to steer from outside.
 */
export function verifyTwilioSignature(opts: {
  authToken: string;
  publicBaseUrl: string;
  originalUrl: string;
  signature: string | undefined;
  params: Record<string, unknown>;
}): boolean {
  if (!opts.signature) return false;
  const url = `${opts.publicBaseUrl}${opts.originalUrl}`;
  return twilio.validateRequest(opts.authToken, opts.signature, url, opts.params as Record<string, string>);
}
