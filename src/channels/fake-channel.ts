/** @module A channel that sends nowhere and remembers what it was given: local development and tests. */
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import type { Channel, OutgoingMessage, SendResult } from './channel.js';

export class FakeChannel implements Channel {
  readonly name = 'fake';
  readonly sent: Array<OutgoingMessage & { providerId: string }> = [];
  readonly #file: string | undefined;

  /** With `file`, every send is also appended there as a JSON line, so another process can see what went out. */
  constructor(file?: string) {
    this.#file = file;
  }

  async send(message: OutgoingMessage): Promise<SendResult> {
    // Shaped like a real Twilio SID so status callbacks and logs treat it the same way.
    const providerId = `SM${randomBytes(16).toString('hex')}`;
    this.sent.push({ ...message, providerId });
    if (this.#file) appendFileSync(this.#file, `${JSON.stringify({ providerId, ...message, at: new Date().toISOString() })}\n`);
    return { providerId, status: 'delivered', segments: null };
  }

  confirmsOptOut(): boolean {
    return false;
  }
}
