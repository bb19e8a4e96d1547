/** @module ThreadReader: reads messages on the understanding thread; on this thread whenever that one is gone. */
import { Worker } from 'node:worker_threads';
import type { Logger } from '../lib/logger.js';
import type { AddedPhrasing, InlineReader, Reader } from './reader.js';
import type { Understanding } from './understand.js';
import type { FromThread, ThreadInit, ToThread } from './understanding-protocol.js';

export interface ThreadReaderOptions {
  cardKeyword: string;
  phrasings: readonly AddedPhrasing[];
  /** Reads in place of the thread while it starts again, and answers what a dead thread left unread. */
  fallback: InlineReader;
  logger: Logger;
  niceness?: number;
  /** With reads waiting and no answer for this long, the thread is taken as hung and replaced. */
  stallMs?: number;
  /** How long to read on this thread after the understanding thread died, before starting a new one. */
  restartDelayMs?: number;
}

interface PendingRead {
  text: string;
  mediaCount: number;
  english: string | null;
  resolve: (u: Understanding) => void;
  reject: (err: Error) => void;
}

/**
 * Built, the thread runs from its .js file. From source (tsx in development, vitest in tests) it must first load
 * tsx itself: Node 20 does not pass module hooks on to worker threads.
 */
function startThread(workerData: ThreadInit): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(`./understanding-thread.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  if (!fromSource) return new Worker(entry, { workerData });
  // The ESM entry of tsx's API, found from here rather than from the working directory.
  const tsx = typeof import.meta.resolve === 'function' ? import.meta.resolve('tsx/esm/api') : 'tsx/esm/api';
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(code, { eval: true, workerData });
}

export class ThreadReader implements Reader {
  readonly #o: Required<Omit<ThreadReaderOptions, 'phrasings'>>;
  #phrasings: AddedPhrasing[];
  #worker: Worker | null = null;
  /** The current thread has loaded the content; until then waiting reads are not a sign of a hang. */
  #loaded = false;
  readonly #pending = new Map<number, PendingRead>();
  #nextId = 1;
  #lastProgress = Date.now();
  #restartAt = 0;
  #closed = false;
  readonly #watchdog: NodeJS.Timeout;
  /** True once the thread has loaded the content and reads there; false if it could not start. */
  ready: Promise<boolean>;

  constructor(o: ThreadReaderOptions) {
    this.#o = { niceness: 10, stallMs: 30_000, restartDelayMs: 1_000, ...o };
    this.#phrasings = [...o.phrasings];
    this.ready = this.#start();
    this.#watchdog = setInterval(() => this.#checkStalled(), Math.min(5_000, this.#o.stallMs)).unref();
  }

  read(text: string, mediaCount: number, english: string | null): Promise<Understanding> {
    if (!this.#worker && !this.#closed && Date.now() >= this.#restartAt) this.ready = this.#start();
    const worker = this.#worker;
    if (!worker) return this.#o.fallback.read(text, mediaCount, english);
    return new Promise<Understanding>((resolve, reject) => {
      const id = this.#nextId++;
      if (this.#pending.size === 0) this.#lastProgress = Date.now();
      this.#pending.set(id, { text, mediaCount, english, resolve, reject });
      worker.postMessage({ kind: 'read', id, text, mediaCount, english } satisfies ToThread);
    });
  }

  usePhrasings(added: readonly AddedPhrasing[]): void {
    this.#phrasings = [...added];
    this.#o.fallback.usePhrasings(added);
    this.#worker?.postMessage({ kind: 'phrasings', added: this.#phrasings } satisfies ToThread);
  }

  /** Reads still waiting for the thread; for metrics and tests. */
  get waiting(): number {
    return this.#pending.size;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#watchdog);
    const worker = this.#worker;
    this.#worker = null;
    if (worker) await worker.terminate();
    this.#readLeftoversInline();
  }

  #start(): Promise<boolean> {
    this.#loaded = false;
    const worker = startThread({ cardKeyword: this.#o.cardKeyword, phrasings: this.#phrasings, niceness: this.#o.niceness });
    this.#worker = worker;
    return new Promise<boolean>((resolveReady) => {
      worker.on('message', (m: FromThread) => {
        if (m.kind === 'ready') {
          this.#loaded = true;
          this.#lastProgress = Date.now();
          return resolveReady(true);
        }
        const pending = this.#pending.get(m.id);
        if (!pending) return;
        this.#pending.delete(m.id);
        this.#lastProgress = Date.now();
        if ('error' in m) pending.reject(new Error(`reading failed on the understanding thread: ${m.error}`));
        else pending.resolve(m.understanding);
      });
      worker.on('error', (err) => this.#o.logger.error({ err }, 'understanding thread failed'));
      worker.on('exit', (code) => {
        resolveReady(false);
        if (this.#worker !== worker) return;
        this.#worker = null;
        if (this.#closed) return;
        this.#o.logger.error({ code, waiting: this.#pending.size }, 'understanding thread stopped; reading here until it starts again');
        this.#restartAt = Date.now() + this.#o.restartDelayMs;
        this.#readLeftoversInline();
      });
    });
  }

  /** No message is left unread: whatever the thread had not answered is read on this thread. */
  #readLeftoversInline(): void {
    const leftovers = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of leftovers) this.#o.fallback.read(p.text, p.mediaCount, p.english).then(p.resolve, p.reject);
  }

  #checkStalled(): void {
    if (!this.#worker || !this.#loaded || this.#pending.size === 0 || Date.now() - this.#lastProgress < this.#o.stallMs) return;
    this.#o.logger.error({ waiting: this.#pending.size }, 'understanding thread has answered nothing for too long; replacing it');
    void this.#worker.terminate();
  }
}
