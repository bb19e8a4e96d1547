/** content:check: the shipped pack passes, and each kind of mistake an editor can make is caught. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runNodeSync } from '../helpers/child-processes.js';
import { checkContent } from '../../src/content/check-content.js';
import type { Catalogue, TopicEntry } from '../../src/content/catalogue.js';
import { renderReply } from '../../src/content/render-reply.js';
import { sharedKnowledge } from '../helpers/test-service.js';
import { loadIntents } from '../../src/intents/load-intents.js';
import { SYSTEM_KEYS } from '../../src/content/catalogue.js';

const ROOT = join(import.meta.dirname, '..', '..');
const catalogue = sharedKnowledge().catalogue;
const intents = loadIntents(join(ROOT, 'intents'), new Set(catalogue.topics.keys()), new Set(SYSTEM_KEYS));
const REQUIRED = ['local-offer', 'council-tax'];

function withTopic(patch: Partial<TopicEntry>, contacts: Record<string, string> = catalogue.contacts): Catalogue {
  const base = catalogue.topics.get('council-tax')!;
  return { ...catalogue, contacts, topics: new Map([...catalogue.topics, ['council-tax', { ...base, ...patch }]]) };
}

describe('content:check', () => {
  it('passes on the shipped content and exits 0', () => {
    const r = runNodeSync(['src/cli/main.ts', 'content-check'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stdout).toContain('content:check passed');
    expect(r.status).toBe(0);
  });

  it.each([
    ['curly quotes', { short: 'You don\u2019t pay council tax. Ask your PA.' }, 'outside GSM-7'],
    ['an en dash', { more: 'From 18 \u2013 25 you pay nothing.' }, 'outside GSM-7'],
    ['an answer too long for two texts', { short: 'word '.repeat(70) }, 'SMS segments, at most 2'],
    ['a placeholder nobody defined', { short: 'Call {{made_up_phone}} today.' }, '{{made_up_phone}} is not in contacts.yaml'],
    ['a date that is not a date', { reviewed: 'last spring' }, 'is not a date'],
  ])('reports %s as an error', (_name, patch, message) => {
    const report = checkContent(withTopic(patch), intents, REQUIRED, new Date('2026-11-24'));
    expect(report.errors.join('\n')).toContain(message);
  });

  it('warns about answers not reviewed for over a year', () => {
    const report = checkContent(withTopic({ reviewed: '2025-06-01' }), intents, REQUIRED, new Date('2026-11-24'));
    expect(report.errors).toEqual([]);
    expect(report.warnings.join('\n')).toContain('council-tax.yaml: last reviewed 2025-06-01');
  });

  it('fails when a required id is missing', () => {
    const report = checkContent(catalogue, intents, [...REQUIRED, 'no-such-topic'], new Date('2026-11-24'));
    expect(report.errors).toContain('topics/no-such-topic.yaml: required by the contract but missing');
  });

  it('drops a line whose contact detail is not known rather than show a blank', () => {
    const cat = withTopic({ short: 'You do not pay.\nCall 21Plus on {{plus21_phone}}.' }, { ...catalogue.contacts, plus21_phone: '' });
    expect(renderReply({ parts: [{ kind: 'topic', id: 'council-tax', part: 'short' }] }, cat, 'en')).toBe('You do not pay.');
    const known = withTopic({ short: 'You do not pay.\nCall 21Plus on {{plus21_phone}}.' });
    expect(renderReply({ parts: [{ kind: 'topic', id: 'council-tax', part: 'short' }] }, known, 'en')).toContain(catalogue.contacts['plus21_phone']!);
  });
});
