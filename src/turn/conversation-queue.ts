/** @module Runs work one at a time per conversation, so two turns of one conversation never overlap. */

export class ConversationQueue {
  readonly #tails = new Map<number, Promise<void>>();

  /** Runs `work` after every earlier task of the same conversation has finished (even if one failed). */
  run(conversationId: number, work: () => Promise<void>): Promise<void> {
    const previous = this.#tails.get(conversationId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    this.#tails.set(conversationId, tail);
    void tail.then(() => {
      if (this.#tails.get(conversationId) === tail) this.#tails.delete(conversationId);
    });
    return next;
  }

  /** Resolves when every task queued so far has finished. */
  async idle(): Promise<void> {
    while (this.#tails.size > 0) await Promise.all([...this.#tails.values()]);
  }
}
