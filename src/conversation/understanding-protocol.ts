/** @module The messages between the turn runner and the understanding thread. */
import type { AddedPhrasing } from './reader.js';
import type { Understanding } from './understand.js';

export interface ThreadInit {
  /** The birthday card's keyword, normalised. */
  cardKeyword: string;
  phrasings: AddedPhrasing[];
  /** Nice value for the thread (0 to 19): higher gives way more readily to the HTTP thread. */
  niceness: number;
}

export type ToThread =
  | { kind: 'read'; id: number; text: string; mediaCount: number; english: string | null }
  | { kind: 'phrasings'; added: AddedPhrasing[] };

export type FromThread =
  | { kind: 'ready' }
  | { kind: 'read'; id: number; understanding: Understanding }
  | { kind: 'read'; id: number; error: string };
