/** `npm run bench`: in-process figures, printed as a table and written to bench/results.json. Never run by tests. */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { FakeChannel } from '../src/channels/fake-channel.js';
import { readConfig } from '../src/config.js';
import { systemClock } from '../src/lib/clock.js';
import { projectRoot } from '../src/lib/project-root.js';
import { createService } from '../src/service.js';
import { loadKnowledge } from '../src/knowledge.js';
import { describeSafety, readSafetyCases, safetyFigures } from './safety-figures.js';
import { languageFigures, trainNlpjs, understandingFigures } from './understanding.js';
import { describeTopics, followUpFigures, matcherAlone, nlpjsReader, ours, readFollowUps, readTopicCases, topicFigures } from './topic-figures.js';
import { cldDetect } from '../src/language/cld-detector.js';
import { webhookFigures } from './webhook-throughput.js';
import { checkContent } from '../src/content/check-content.js';
import { loadIntents } from '../src/intents/load-intents.js';
import { SYSTEM_KEYS } from '../src/content/catalogue.js';

const root = projectRoot();
const SETS: Array<[string, string]> = [
  ['public sample', join(root, 'test', 'fixtures', 'sample.jsonl')],
  ['own 150 (test/fixtures)', join(root, 'test', 'fixtures', 'english-holdout.jsonl')],
  ['paraphrases (not in examples)', join(root, 'test', 'fixtures', 'paraphrases.jsonl')],
];
const LANGUAGES = join(root, 'test', 'fixtures', 'languages');
/** The English sets and the held-out messages in every curated language: the mix turns are timed over. */
const texts = [...SETS.map(([, f]) => f), ...readdirSync(LANGUAGES).filter((f) => f.endsWith('.jsonl')).map((f) => join(LANGUAGES, f))]
  .flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { text: string }).text));

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

async function main(): Promise<void> {
  const t0 = performance.now();
  const knowledge = loadKnowledge();
  const loadMs = performance.now() - t0;

  const matchTimes: number[] = [];
  for (let round = 0; round < 20; round++) {
    for (const t of texts) {
      const s = performance.now();
      knowledge.understander.topics.read(t);
      matchTimes.push(performance.now() - s);
    }
  }

  const service = createService({
    config: { ...readConfig({}), databasePath: join(root, 'data', `bench-${Date.now()}.db`) },
    clock: systemClock, logger: pino({ level: 'silent' }), channel: new FakeChannel(), knowledge,
  });
  const turns = Number(process.env['BENCH_TURNS'] ?? 10_000);
  const turnTimes: number[] = [];
  for (let i = 0; i < turns; i++) {
    const from = `+4477009${String(30_000 + (i % 500)).padStart(5, '0')}`;
    const s = performance.now();
    const received = await service.runner.receive({
      providerId: `SM${randomBytes(16).toString('hex')}`, channel: 'sms', from, to: '+447700900000', text: texts[i % texts.length]!, media: [], receivedAt: new Date(),
    });
    await service.runner.process(received.conversationId);
    turnTimes.push(performance.now() - s);
  }
  await service.outbox.stop();
  service.db.close();

  matchTimes.sort((a, b) => a - b);
  turnTimes.sort((a, b) => a - b);
  const results = {
    when: new Date().toISOString(),
    node: process.version,
    knowledgeLoadMs: Number(loadMs.toFixed(1)),
    matchMicrosP50: Number((percentile(matchTimes, 0.5) * 1000).toFixed(1)),
    matchMicrosP99: Number((percentile(matchTimes, 0.99) * 1000).toFixed(1)),
    turns,
    turnMsP50: Number(percentile(turnTimes, 0.5).toFixed(3)),
    turnMsP99: Number(percentile(turnTimes, 0.99).toFixed(3)),
    rssMbAfterTurns: Math.round(process.memoryUsage().rss / 1e6),
  };
  const webhook = await webhookFigures(root);
  const understanding = await understandingFigures(knowledge, root, SETS);
  const intents = loadIntents(join(root, 'intents'), new Set(knowledge.catalogue.topics.keys()), new Set(SYSTEM_KEYS));
  const segs = checkContent(knowledge.catalogue, intents, [], new Date()).segments;
  const segments = {
    englishShortMean: Number((segs.reduce((s, x) => s + x.short, 0) / segs.length).toFixed(2)),
    englishShortMax: Math.max(...segs.map((s) => s.short)),
    englishMoreMean: Number((segs.reduce((s, x) => s + x.more, 0) / segs.length).toFixed(2)),
    englishMoreMax: Math.max(...segs.map((s) => s.more)),
  };
  console.log('\nSpeed and memory (in process)');
  console.table(results);
  console.log('\nWebhook on loopback (autocannon, 10 connections): the service beside a bare Express 5 endpoint');
  for (const [placement, w] of [['one core each (load generator on another)', webhook.oneCoreEach], ['shared cores', webhook.shared]] as const) {
    if ('skipped' in w) {
      console.log(`${placement}: not measured (${w.skipped})`);
      continue;
    }
    console.log(`\n${placement}`);
    console.table({ 'bare Express': w.bareExpress, offerline: w.service });
    console.log(`throughput ratio ${w.throughputRatio} (target at least 0.5); start to ready ${w.startupToReadyMs} ms`);
    console.log(`every request a distinct message: ${w.backlog.stored} stored, ${w.backlog.answeredDuringLoad} answered during the load, then ${w.backlog.turnsPerSecondAfterLoad} turns/s`);
  }
  console.log('\nUnderstanding (ours beside NLP.js trained on the same intents/ examples)');
  console.table(understanding);
  const languages = languageFigures(knowledge, LANGUAGES, cldDetect);
  const perLanguageSegments = checkContent(knowledge.catalogue, intents, [], new Date()).languages.map((l) => ({
    language: l.language, shortSegmentsMean: l.shortSegmentsMean, shortSegmentsMax: l.shortSegmentsMax,
  }));
  // Safety on messages written without reading intents/: the held-out set (never tuned against) and the
  // development set (whose misses taught the concepts), reported side by side.
  const safetySets: Record<string, string> = {
    'held-out (safety-v2)': join(root, 'test', 'fixtures', 'holdout', 'safety-v2'),
    'held-out (safety)': join(root, 'test', 'fixtures', 'holdout', 'safety'),
    'held-out (everyday chat)': join(root, 'test', 'fixtures', 'holdout', 'everyday'),
    'development (dev)': join(root, 'intents', 'safety', 'examples', 'dev'),
    'development (dev2)': join(root, 'intents', 'safety', 'examples', 'dev2'),
    'development (dev3)': join(root, 'intents', 'safety', 'examples', 'dev3'),
    'development (dev4)': join(root, 'intents', 'safety', 'examples', 'dev4'),
    'development (dev5)': join(root, 'intents', 'safety', 'examples', 'dev5'),
    'development (dev6)': join(root, 'intents', 'safety', 'examples', 'dev6'),
  };
  const safety = Object.fromEntries(Object.entries(safetySets).map(([name, dir]) => [name, safetyFigures(knowledge, readSafetyCases(dir))]));
  console.log('\nSafety: urgent recall, possible risk (unsure), false alarms, requests for a person');
  for (const [name, f] of Object.entries(safety)) console.log(describeSafety(name, { ...f, missed: [] }).join('\n'));
  // Topics on the held-out set of issue 16 (written without reading intents/): ours beside the example matcher
  // alone (the service before the topic model) and NLP.js trained on the same examples.
  const topicDir = join(root, 'test', 'fixtures', 'holdout', 'topics');
  const topicCases = readTopicCases(topicDir);
  const nlp = nlpjsReader(await trainNlpjs(knowledge, root));
  const topics: Record<string, unknown> = {};
  console.log('\nTopics, held-out (test/fixtures/holdout/topics): right, right or right-first menu, wrong; time to read and decide one message');
  for (const [reader, read] of [['ours', ours], ['matcher alone', matcherAlone], ['NLP.js', nlp]] as const) {
    for (const [part, cases] of [['English', topicCases.filter((c) => c.expect.language === 'en')], ['other languages', topicCases.filter((c) => c.expect.language !== 'en')]] as const) {
      const f = await topicFigures(knowledge, cases, read);
      topics[`${reader}, ${part}`] = f;
      console.log(describeTopics(`${reader}, ${part}`, f).join('\n'));
    }
  }
  const followUps = followUpFigures(knowledge, readFollowUps(topicDir));
  topics['follow-ups'] = followUps;
  console.log(`follow-ups: first turn right ${followUps.firstRight}/${followUps.n}, follow-up answered for that topic ${followUps.followUpRight}/${followUps.n}; by language ${JSON.stringify(followUps.byLanguage)}`);
  console.log('\nSMS segments of English answers');
  console.table(segments);
  console.log('\nLanguages (test/fixtures/languages): reply language, topics, detection on <= 6 words beside CLD2 alone');
  console.table(languages);
  console.log('\nSMS segments of short answers per language (UCS-2 for non-Latin scripts)');
  console.table(perLanguageSegments);
  writeFileSync(join(root, 'bench', 'results.json'), `${JSON.stringify({ ...results, webhook, understanding, topics, safety, segments, languages, perLanguageSegments }, null, 2)}\n`);
}

void main();
