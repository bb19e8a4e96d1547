import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../src/knowledge.js';
import { projectRoot } from '../../src/lib/project-root.js';
import { writePhrasings } from '../../src/intents/write-phrasings.js';

/** A copy of content/ and intents/ to write into. */
function copyOfContent(): string {
  const root = mkdtempSync(join(tmpdir(), 'offerline-content-'));
  for (const dir of ['content', 'intents']) cpSync(join(projectRoot(), dir), join(root, dir), { recursive: true });
  return root;
}
const by = { staffName: 'Fran (team manager)', at: '2026-11-24T10:15:00Z' };

describe('writing dashboard phrasings into intents/', () => {
  it('adds them to the intent file with who and when, leaves the rest of the file alone, and the matcher reads them', () => {
    const root = copyOfContent();
    const file = join(root, 'intents', 'council-tax.yaml');
    const before = readFileSync(file, 'utf8');
    const phrase = 'the yearly charge for bins and that from the district';
    expect(loadKnowledge(root).understander.topics.read(phrase).ranked[0]?.intent).not.toBe('council-tax');

    const outcome = writePhrasings(root, [{ intent: 'council-tax', text: phrase, ...by }]);
    expect(outcome.problems).toEqual([]);
    expect(outcome.written).toEqual([{ intent: 'council-tax', text: phrase, file }]);
    const after = readFileSync(file, 'utf8');
    expect(after).toContain(`# added from the dashboard by Fran (team manager), 2026-11-24\n  - ${phrase}`);
    // Everything that was there is still there, in order: only the new example and its comment were added.
    const added = after.split('\n').filter((l) => !before.split('\n').includes(l));
    expect(added).toEqual(['  # added from the dashboard by Fran (team manager), 2026-11-24', `  - ${phrase}`]);
    expect(loadKnowledge(root).understander.topics.read(phrase).ranked[0]?.intent).toBe('council-tax');

    // Running it again adds nothing twice.
    const again = writePhrasings(root, [{ intent: 'council-tax', text: phrase, ...by }]);
    expect(again.written).toEqual([]);
    expect(again.skipped).toEqual([{ text: phrase, why: 'already an example of council-tax' }]);
    expect(readFileSync(file, 'utf8')).toBe(after);
  });

  it('writes nothing at all when one phrasing would be a risk message', () => {
    const root = copyOfContent();
    const files = ['council-tax.yaml', 'deposit.yaml'].map((f) => join(root, 'intents', f));
    const before = files.map((f) => readFileSync(f, 'utf8'));
    const outcome = writePhrasings(root, [
      { intent: 'deposit', text: 'can someone sort the money for my tenancy deposit', ...by },
      { intent: 'council-tax', text: 'i want to kill myself', ...by },
    ]);
    expect(outcome.problems.some((p) => p.includes('reads as a risk message'))).toBe(true);
    expect(outcome.written).toEqual([]);
    expect(files.map((f) => readFileSync(f, 'utf8'))).toEqual(before);
  });

  it('skips a phrasing for an intent that no longer exists', () => {
    const outcome = writePhrasings(copyOfContent(), [{ intent: 'retired-intent', text: 'anything', ...by }]);
    expect(outcome.skipped).toEqual([{ text: 'anything', why: 'intent retired-intent does not exist any more' }]);
  });
});
