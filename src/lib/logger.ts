/** @module Structured JSON logging with pino; redacts fields that could carry personal data. */
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * Message bodies and raw addresses must never reach a log line. Code logs masked addresses and ids only;
 * these redaction paths are a second net for anything passed by mistake.
 */
const REDACT = [
  'body', 'Body', 'text', 'From', 'To', 'from', 'to', 'address', 'phone',
  '*.body', '*.Body', '*.text', '*.From', '*.To', '*.from', '*.to', '*.address', '*.phone',
  'req.headers.cookie', 'req.headers.authorization', 'req.headers["x-twilio-signature"]',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    { level, base: { service: 'offerline' }, redact: { paths: REDACT, censor: '[redacted]' } },
    destination,
  );
}
