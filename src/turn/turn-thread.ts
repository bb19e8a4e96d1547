/** @module TurnThread: runs turns and the outbox on their own thread, so the HTTP thread only checks, stores and acknowledges. */
import { Worker } from 'node:worker_threads';
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import type { ConsoleChange, LiveUpdates } from '../handoff/live-updates.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { AddedPhrasing } from '../intents/topic-reader-with.js';

type MetricsJson = Array<MetricObjectWithValues<MetricValue<string>>>;

/** From the HTTP thread to the turn thread. */
export type ToTurnThread =
  | { kind: 'kick' }
  | { kind: 'process'; conversationIds: number[] }
  | { kind: 'phrasings'; added: AddedPhrasing[] }
  | { kind: 'metrics'; id: number }
  | { kind: 'stop' };

/** From the turn thread back. */
export type FromTurnThread =
  | { kind: 'ready' }
  | { kind: 'live'; change: ConsoleChange }
  | { kind: 'metrics'; id: number; metrics: MetricsJson }
  | { kind: 'stopped' };

export interface TurnThreadOptions {
  logger: Logger;
  /** The console's live updates: turns on the thread announce their changes here. */
  live: LiveUpdates;
  /** Settings for the thread, read as the process reads them (defaults to this process's environment). */
  env?: NodeJS.ProcessEnv;
  /** Wait before the first restart; it doubles while the thread keeps failing, up to 30 s. */
  restartDelayMs?: number;
}

/**
 * Built, the thread runs from its .js file. From source (tsx in development, vitest in tests) it first loads
 * tsx: Node 20 does not pass module hooks on to worker threads.
 */
function startWorker(env: NodeJS.ProcessEnv | undefined): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(`./turn-thread-entry.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  if (!fromSource) return new Worker(entry, { env });
  const tsx = typeof import.meta.resolve === 'function' ? import.meta.resolve('tsx/esm/api') : 'tsx/esm/api';
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(code, { eval: true, env });
}

export class TurnThread {
  readonly #o: TurnThreadOptions;
  #worker: Worker | null = null;
  readonly #toProcess = new Set<number>();
  readonly #metricsWaiting = new Map<number, (m: MetricsJson) => void>();
  /** The thread's newest metrics, kept even when they came too late for the request that asked for them. */
  #theirLast: MetricsJson = [];
  #nextId = 1;
  #stopping = false;
  #restartDelay: number;
  #stopped: (() => void) | null = null;
  /** True once the thread has answered what the last run left unanswered and takes messages. */
  ready: Promise<boolean>;

  constructor(o: TurnThreadOptions) {
    this.#o = o;
    this.#restartDelay = o.restartDelayMs ?? 1_000;
    this.ready = this.#start();
  }

  /**
   * A message of this conversation was stored: the thread answers it. If the thread is down, nothing is lost:
   * the message is in the database and the thread answers every stored, unanswered message when it starts.
   */
  process(conversationId: number): void {
    // One note per turn of the event loop, naming each conversation once: under a flood, a note per message
    // would cost the turn thread more to read than it has time for, and no message would be answered.
    const first = this.#toProcess.size === 0;
    this.#toProcess.add(conversationId);
    if (!first) return;
    setImmediate(() => {
      const conversationIds = [...this.#toProcess];
      this.#toProcess.clear();
      this.#worker?.postMessage({ kind: 'process', conversationIds } satisfies ToTurnThread);
    });
  }

  /** Something was queued to send (a PA's reply, an alert, a campaign): the outbox on the thread sends it. */
  kick(): void {
    this.#worker?.postMessage({ kind: 'kick' } satisfies ToTurnThread);
  }

  usePhrasings(added: readonly AddedPhrasing[]): void {
    this.#worker?.postMessage({ kind: 'phrasings', added: [...added] } satisfies ToTurnThread);
  }

  /**
   * This thread's metrics and the turn thread's, added together, in Prometheus text. A busy turn thread (it gives
   * way to this one) may not answer within 2 s: its last figures are used then, never none, since counters that
   * vanished would read as a reset and figures would depend on how busy the machine was.
   */
  async metricsText(local: Metrics): Promise<string> {
    const own = await local.registry.getMetricsAsJSON();
    const worker = this.#worker;
    const theirs = worker
      ? await new Promise<MetricsJson>((resolve) => {
          const id = this.#nextId++;
          const timer = setTimeout(() => {
            this.#metricsWaiting.delete(id);
            resolve(this.#theirLast);
          }, 2_000);
          this.#metricsWaiting.set(id, (m) => {
            clearTimeout(timer);
            resolve(m);
          });
          worker.postMessage({ kind: 'metrics', id } satisfies ToTurnThread);
        })
      : this.#theirLast;
    return AggregatorRegistry.aggregate([own, theirs]).metrics();
  }

  /** Finishes turns in flight and sends what is queued, then ends the thread. */
  async stop(): Promise<void> {
    this.#stopping = true;
    const worker = this.#worker;
    if (!worker) return;
    await new Promise<void>((resolve) => {
      this.#stopped = resolve;
      worker.once('exit', () => resolve());
      worker.postMessage({ kind: 'stop' } satisfies ToTurnThread);
    });
    await worker.terminate();
  }

  #start(): Promise<boolean> {
    const worker = startWorker(this.#o.env);
    this.#worker = worker;
    return new Promise<boolean>((resolveReady) => {
      worker.on('message', (m: FromTurnThread) => {
        switch (m.kind) {
          case 'ready':
            this.#restartDelay = this.#o.restartDelayMs ?? 1_000;
            resolveReady(true);
            return;
          case 'live':
            this.#o.live.publish(m.change);
            return;
          case 'metrics':
            this.#theirLast = m.metrics;
            this.#metricsWaiting.get(m.id)?.(m.metrics);
            this.#metricsWaiting.delete(m.id);
            return;
          case 'stopped':
            this.#stopped?.();
            return;
        }
      });
      worker.on('error', (err) => this.#o.logger.error({ err }, 'turn thread failed'));
      worker.on('exit', (code) => {
        resolveReady(false);
        if (this.#worker !== worker) return;
        this.#worker = null;
        if (this.#stopping) return;
        // Messages keep being stored meanwhile; the new thread answers them all when it starts.
        this.#o.logger.error({ code }, 'turn thread stopped; starting a new one');
        setTimeout(() => {
          if (!this.#stopping) this.ready = this.#start();
        }, this.#restartDelay).unref();
        this.#restartDelay = Math.min(30_000, this.#restartDelay * 2);
      });
    });
  }
}
