/** Waits for a condition by polling it, within a generous limit: tests wait on the state they need, never on a fixed time. */

export interface WaitOptions {
  /** What is awaited, for the error when it never comes. */
  what: string;
  /** Generous by default: the suite runs files in parallel on two busy cores, where 2 s alone can take 30. */
  limitMs?: number;
  everyMs?: number;
}

/** Resolves with the first truthy value `check` gives; throws naming `what` once the limit has passed. */
export async function waitFor<T>(check: () => T | Promise<T>, o: WaitOptions): Promise<NonNullable<T>> {
  const limitMs = o.limitMs ?? 90_000;
  const end = Date.now() + limitMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > end) throw new Error(`waited ${Math.round(limitMs / 1000)} s for ${o.what}`);
    await new Promise((r) => setTimeout(r, o.everyMs ?? 25));
  }
}
