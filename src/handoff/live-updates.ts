/** @module In-process notifications for the staff console (server-sent events): "something changed in conversation N". */
import { EventEmitter } from 'node:events';

export interface ConsoleChange {
  conversationId: number;
  what: 'message' | 'handoff' | 'claimed' | 'reply' | 'note' | 'ended';
}

export class LiveUpdates {
  readonly #emitter = new EventEmitter();

  constructor() {
    // Every open console page listens; there can be many.
    this.#emitter.setMaxListeners(0);
  }

  publish(change: ConsoleChange): void {
    this.#emitter.emit('change', change);
  }

  subscribe(listener: (change: ConsoleChange) => void): () => void {
    this.#emitter.on('change', listener);
    return () => this.#emitter.off('change', listener);
  }
}
