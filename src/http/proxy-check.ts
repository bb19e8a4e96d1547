/** @module Warns once when requests come through a proxy that TRUST_PROXY does not trust (client addresses and https unknown). */
import type { RequestHandler } from 'express';
import type { Logger } from '../lib/logger.js';

const FORWARDING = ['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'forwarded'] as const;

/**
 * Without the right TRUST_PROXY every request seems to come from the proxy, so one person's wrong passwords
 * count against everyone's, and an https login gets a cookie without the Secure flag. Nothing is refused: a
 * client can send these headers itself, so only the first one is logged, and never its addresses.
 */
export function warnUntrustedProxy(logger: Logger): RequestHandler {
  let warned = false;
  return (req, _res, next) => {
    if (!warned) {
      const headers = FORWARDING.filter((h) => req.headers[h] !== undefined);
      const trusted = req.app.get('trust proxy fn') as (address: string, hop: number) => boolean;
      if (headers.length > 0 && !trusted(req.socket.remoteAddress ?? '', 0)) {
        warned = true;
        logger.warn(
          { headers },
          'requests arrive through a proxy that TRUST_PROXY does not trust: every client seems to have the proxy\'s address (login limits apply to all staff at once) '
            + 'and https logins get cookies without the Secure flag. Set TRUST_PROXY to the number of proxies in front, or their addresses (README, Configuration)',
        );
      }
    }
    next();
  };
}
