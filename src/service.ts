/** @module Builds the service's parts from configuration: the wiring shared by the server, the CLI and tests. */
import { join } from 'node:path';
import type { Channel } from './channels/channel.js';
import { FakeChannel } from './channels/fake-channel.js';
import { TwilioChannel } from './channels/twilio/twilio-channel.js';
import type { Config } from './config.js';
import { normaliseText } from './intents/normalise-text.js';
import { loadKnowledge, type Knowledge } from './knowledge.js';
import { topicReaderWith, type AddedPhrasing } from './intents/topic-reader-with.js';
import { contentPassages } from './retrieval/content-passages.js';
import { GroundedAnswerer } from './retrieval/grounded-answer.js';
import { ModelTopicClassifier } from './intents/classify-with-model.js';
import { ChatOpenAI, OpenAIEmbeddings } from '@langchain/openai';
import { HybridRanker } from './retrieval/hybrid-ranker.js';
import { Metrics } from './lib/metrics.js';
import { RetentionJob } from './privacy/retention-job.js';
import { CampaignRunner } from './campaigns/campaign-runner.js';
import { loadCampaigns } from './campaigns/campaign-config.js';
import { createCampaignStore } from './store/campaign-store.js';
import { createContentChangeStore, type ContentChangeStore } from './store/content-change-store.js';
import type { Clock } from './lib/clock.js';
import type { Logger } from './lib/logger.js';
import { projectRoot } from './lib/project-root.js';
import { Outbox, type OutboxKick } from './outbound/outbox.js';
import { createConversationStore, type ConversationStore } from './store/conversation-store.js';
import { openDb, type Db } from './store/db.js';
import { GroupCommit } from './store/group-commit.js';
import { createEventStore, type EventStore } from './store/event-store.js';
import { createMessageStore, type MessageStore } from './store/message-store.js';
import { TurnRunner, type Received } from './turn/handle-inbound.js';
import type { InboundMessage } from './conversation/types.js';
import { LibreTranslateTranslator } from './translation/libretranslate-translator.js';
import { OpenAiChatTranslator } from './translation/openai-chat-translator.js';
import { TranslationService } from './translation/translation-service.js';
import type { Translator } from './translation/translator.js';
import { EscalationScheduler } from './handoff/escalation-scheduler.js';
import { Handoffs } from './handoff/handoffs.js';
import { LiveUpdates } from './handoff/live-updates.js';
import { Rota } from './handoff/rota.js';
import { loadWhatsAppTemplates, type WhatsAppTemplate } from './handoff/whatsapp-templates.js';
import { createHandoffStore, type HandoffStore } from './store/handoff-store.js';
import { createStaffStore, type StaffStore } from './store/staff-store.js';

export interface Service {
  config: Readonly<Config>;
  db: Db;
  conversations: ConversationStore;
  messages: MessageStore;
  events: EventStore;
  channel: Channel;
  outbox: Outbox;
  runner: TurnRunner;
  knowledge: Knowledge;
  rota: Rota;
  staff: StaffStore;
  handoffStore: HandoffStore;
  handoffs: Handoffs;
  live: LiveUpdates;
  escalation: EscalationScheduler;
  templates: WhatsAppTemplate[];
  translation: TranslationService;
  /** Embeddings-based ranking, when configured; call prepare() at start. */
  hybrid?: HybridRanker;
  clock: Clock;
  logger: Logger;
  campaigns: CampaignRunner;
  metrics: Metrics;
  retention: RetentionJob;
  contentChanges: ContentChangeStore;
  /** Group commits on this service's connection. */
  writes: GroupCommit;
  /** Stores an inbound message (resolves once it is committed) and has it answered. */
  accept(m: InboundMessage): Promise<Received>;
  /** The dashboard's phrasings changed: the matcher and the model learn them at once. */
  usePhrasings(phrasings: readonly AddedPhrasing[]): void;
  /** Every metric, in Prometheus text. */
  metricsText(): Promise<string>;
}

export interface ServiceOptions {
  config: Readonly<Config>;
  clock: Clock;
  logger: Logger;
  /** Defaults to Twilio when configured, else the local fake channel. */
  channel?: Channel;
  knowledge?: Knowledge;
  rota?: Rota;
  /** Process metrics (CPU, memory, event loop) are registered once per process; tests make many services. */
  collectProcessMetrics?: boolean;
  /** When another thread owns the outbox (the turn thread): how to tell it something was queued to send. */
  outboxKick?: () => void;
}

export function createService(o: ServiceOptions): Service {
  const loaded = o.knowledge ?? loadKnowledge();
  // Contact details set in the environment win over content/contacts.yaml, so a deployment can fill in
  // what the content pack does not know (office hours, a team's number) without editing files.
  const knowledge: Knowledge = {
    ...loaded,
    catalogue: { ...loaded.catalogue, contacts: { ...loaded.catalogue.contacts, ...o.config.contacts } },
    understander: { ...loaded.understander, cardKeyword: normaliseText(o.config.cardKeyword) },
  };
  const db = openDb(o.config.databasePath);
  const contentChanges = createContentChangeStore(db);
  const conversations = createConversationStore(db);
  const messages = createMessageStore(db);
  const events = createEventStore(db);
  const channel =
    o.channel ??
    (o.config.twilio && o.config.replyChannel === 'twilio' ? new TwilioChannel(o.config.twilio) : new FakeChannel(o.config.fakeChannelFile));
  // Phrasings managers added from the dashboard count from the start.
  const added = contentChanges.phrasings();
  if (added.length > 0) knowledge.understander.topics = topicReaderWith(knowledge.intents, added);
  const campaignStore = createCampaignStore(db);
  const metrics = new Metrics(o.collectProcessMetrics ?? true);
  const writes = new GroupCommit(db);
  const outbox = new Outbox({
    writes,
    messages, conversations, events, channel, clock: o.clock, logger: o.logger,
    maxAttempts: o.config.outbox.maxAttempts, retryBaseMs: o.config.outbox.retryBaseMs,
    onRefused: (conversationId, code) => campaignStore.setLastSendError(conversationId, code),
    metrics,
  });
  // What queues a message (a turn, a PA, an alert, a campaign) tells whichever outbox does the sending.
  const sender: OutboxKick = o.outboxKick ? { kick: o.outboxKick } : outbox;
  const t = o.config.translation;
  const translator: Translator | null =
    t.provider === 'openai' ? new OpenAiChatTranslator({ baseUrl: t.url!, apiKey: t.apiKey!, model: t.model! })
      : t.provider === 'libretranslate' ? new LibreTranslateTranslator(t.url!, t.apiKey)
        : null;
  const translation = new TranslationService(db, translator, t.timeoutMs, o.logger, o.clock);
  const emb = o.config.embeddings;
  const hybrid = emb
    ? new HybridRanker(
        new OpenAIEmbeddings({ model: emb.model, apiKey: emb.apiKey, encodingFormat: 'float', maxRetries: 0, configuration: { baseURL: emb.url } }),
        contentPassages(knowledge.catalogue), knowledge.understander.retriever, o.config.answerModel?.timeoutMs ?? 5000, o.logger,
      )
    : undefined;
  const a = o.config.answerModel;
  const chat = a ? new ChatOpenAI({ model: a.model, apiKey: a.apiKey, temperature: 0, maxRetries: 0, configuration: { baseURL: a.url } }) : undefined;
  const answerer = a && chat ? new GroundedAnswerer(chat, a.timeoutMs, o.logger) : undefined;
  // With ANSWER_MODEL_TOPICS the same model is asked which topic a message is about when the embedded readers are unsure.
  const classifier = a?.classifiesTopics && chat
    ? new ModelTopicClassifier(chat, [...knowledge.catalogue.topics.values()].map((t) => ({ id: t.id, title: t.title })), a.timeoutMs, o.logger)
    : undefined;
  const rota = o.rota ?? Rota.fromFile(o.config.rotaPath ?? join(projectRoot(), 'config', 'rota.yaml'));
  const staff = createStaffStore(db);
  staff.syncFromRota([...rota.staff.values()], o.clock.now());
  const handoffStore = createHandoffStore(db);
  const live = new LiveUpdates();
  const handoffs = new Handoffs({
    db, conversations, messages, events, handoffs: handoffStore, staff, rota, catalogue: knowledge.catalogue, outbox: sender, live,
    clock: o.clock, logger: o.logger, consoleBaseUrl: o.config.publicBaseUrl ?? `http://localhost:${o.config.port}`, metrics,
  });
  const runner = new TurnRunner({
    db, writes, conversations, messages, events, catalogue: knowledge.catalogue, understander: knowledge.understander,
    channel, outbox: sender, clock: o.clock, logger: o.logger, handoffs, rota, staff, live, translation, answerer, classifier, hybrid, metrics,
  });
  const escalation = new EscalationScheduler(handoffs, o.logger);
  const campaigns = new CampaignRunner({
    db, campaigns: campaignStore, messages, events, outbox: sender, catalogue: knowledge.catalogue, clock: o.clock, logger: o.logger,
    campaign: loadCampaigns(o.config.campaignsPath ?? join(projectRoot(), 'config', 'campaigns.yaml')).birthday, timeZone: 'Europe/London',
  });
  const templates = loadWhatsAppTemplates(o.config.whatsappTemplatesPath ?? join(projectRoot(), 'config', 'whatsapp-templates.yaml'));
  return {
    config: o.config, db, conversations, messages, events, channel, outbox, runner, knowledge, clock: o.clock, logger: o.logger,
    rota, staff, handoffStore, handoffs, live, escalation, templates, translation, hybrid, campaigns, metrics,
    retention: new RetentionJob(db, o.config.retention, o.clock, o.logger),
    contentChanges,
    writes,
    async accept(m) {
      const received = await runner.receive(m);
      if (!received.duplicate) {
        runner.process(received.conversationId).catch((err: unknown) =>
          o.logger.error({ err, conversationId: received.conversationId }, 'turn failed; it will run again at restart'));
      }
      return received;
    },
    usePhrasings(phrasings) {
      knowledge.understander.topics = topicReaderWith(knowledge.intents, phrasings);
    },
    metricsText: () => metrics.registry.metrics(),
  };
}
