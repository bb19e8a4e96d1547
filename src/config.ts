/** @module Configuration: read once from the environment, validated, frozen; errors name the variable and the fix. */
import { isIP } from 'node:net';
import { z } from 'zod';

const boolish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === '' ? undefined : v));

/** Each variable with what it is for; the text is used in error messages and mirrors the README table. */
const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_PATH: z.string().min(1).default('data/offerline.db'),
  PUBLIC_BASE_URL: optionalText.pipe(
    z
      .url({ protocol: /^https?$/, error: 'must be a full URL such as https://offerline.example.org' })
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
  ),
  TWILIO_AUTH_TOKEN: optionalText,
  TWILIO_ACCOUNT_SID: optionalText.pipe(
    z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must start with AC followed by 32 hex characters').optional(),
  ),
  TWILIO_API_KEY: optionalText.pipe(
    z.string().regex(/^SK[0-9a-fA-F]{32}$/, 'must start with SK followed by 32 hex characters').optional(),
  ),
  TWILIO_API_SECRET: optionalText,
  TWILIO_FROM_NUMBER: optionalText.pipe(
    z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +447700900000').optional(),
  ),
  TWILIO_WHATSAPP_FROM: optionalText.pipe(
    z
      .string()
      .regex(/^(whatsapp:)?\+[1-9]\d{6,14}$/, 'must be a WhatsApp sender such as whatsapp:+447700900000')
      .transform((v) => (v.startsWith('whatsapp:') ? v : `whatsapp:${v}`))
      .optional(),
  ),
  TWILIO_MESSAGING_SERVICE_SID: optionalText.pipe(
    z.string().regex(/^MG[0-9a-fA-F]{32}$/, 'must start with MG followed by 32 hex characters').optional(),
  ),
  TWILIO_SMS_OPT_OUT_REPLIES: z
    .enum(['twilio', 'service'], { error: 'must be "twilio" (Twilio answers STOP/START on SMS) or "service"' })
    .default('twilio'),
  SIMULATOR_ENABLED: boolish.optional(),
  FAKE_CHANNEL_FILE: optionalText,
  ROTA_PATH: optionalText,
  WEBHOOK_PER_SENDER_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(60),
  RETENTION_BOT_ONLY_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  RETENTION_HANDED_OFF_DAYS: z.coerce.number().int().min(1).max(36500).default(730),
  RETENTION_AUDIT_DAYS: z.coerce.number().int().min(1).max(36500).default(2190),
  METRICS_TOKEN: optionalText.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  CAMPAIGNS_PATH: optionalText,
  CARD_KEYWORD: z.string().trim().regex(/^[A-Za-z0-9]{3,20}$/, 'must be 3 to 20 letters and digits, e.g. CARD21').default('CARD21'),
  TRANSLATE_PROVIDER: z.enum(['none', 'openai', 'libretranslate'], { error: 'must be none, openai or libretranslate' }).default('none'),
  TRANSLATE_URL: optionalText.pipe(z.url({ error: 'must be the provider base URL, e.g. https://api.openai.com/v1' }).optional()),
  TRANSLATE_API_KEY: optionalText,
  TRANSLATE_MODEL: optionalText,
  TRANSLATE_TIMEOUT_MS: z.coerce.number().int().min(200).max(30_000).default(4000),
  ANSWER_MODEL_URL: optionalText.pipe(z.url({ error: 'must be an OpenAI-compatible base URL, e.g. http://ollama:11434/v1' }).optional()),
  ANSWER_MODEL_API_KEY: optionalText,
  ANSWER_MODEL: optionalText,
  ANSWER_MODEL_TIMEOUT_MS: z.coerce.number().int().min(200).max(30_000).default(5000),
  ANSWER_MODEL_TOPICS: boolish.optional(),
  EMBEDDINGS_URL: optionalText.pipe(z.url({ error: 'must be an OpenAI-compatible base URL, e.g. http://ollama:11434/v1' }).optional()),
  EMBEDDINGS_MODEL: optionalText,
  EMBEDDINGS_API_KEY: optionalText,
  WHATSAPP_TEMPLATES_PATH: optionalText,
  SESSION_SECRET: optionalText.pipe(z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -hex 32)').optional()),
  REPLY_CHANNEL: z.enum(['twilio', 'fake'], { error: 'must be "twilio" or "fake"' }).optional(),
  TRUST_PROXY: optionalText,
  OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  OUTBOX_RETRY_BASE_MS: z.coerce.number().int().min(10).max(600_000).default(2000),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  BACKUP_DIR: optionalText,
  BACKUP_KEEP: z.coerce.number().int().min(1, 'must be at least 1').max(3650).default(14),
  BACKUP_HOUR: z.coerce.number().int().min(0).max(23, 'must be an hour from 0 to 23').default(2),
});

export interface TwilioConfig {
  authToken: string;
  publicBaseUrl: string;
  accountSid: string;
  apiKey?: string;
  apiSecret?: string;
  smsFrom?: string;
  whatsappFrom?: string;
  messagingServiceSid?: string;
  /** On SMS long codes Twilio itself confirms STOP and START; our own confirmation would be refused (21610). */
  smsOptOutRepliesByTwilio: boolean;
}

export interface Config {
  port: number;
  host: string;
  logLevel: string;
  databasePath: string;
  publicBaseUrl?: string;
  /** Present only when the service can both check Twilio signatures and send through Twilio. */
  twilio?: TwilioConfig;
  /** Why the Twilio webhooks are closed, when they are. */
  twilioDisabledReason?: string;
  simulatorEnabled: boolean;
  /** Without Twilio, replies go to the fake channel; this file (JSON lines) records each one when set. */
  fakeChannelFile?: string;
  /** Where replies go: Twilio when configured, else the fake channel; "fake" keeps a staging copy from sending. */
  replyChannel: 'twilio' | 'fake';
  /** Staff, teams and duty rota; the bundled config/rota.yaml when unset. */
  rotaPath?: string;
  /** Messages one number may send a minute; more are refused, except any showing risk. */
  webhookPerSenderPerMinute: number;
  /** How long each kind of data is kept; a daily job deletes what is older. Agree these with the DPO. */
  retention: { botOnlyDays: number; handedOffDays: number; auditDays: number };
  /** Bearer token for GET /metrics; without it the endpoint is off. */
  metricsToken?: string;
  /** Texts the service sends on its own (birthday follow-ups); the bundled config/campaigns.yaml when unset. */
  campaignsPath?: string;
  /** The keyword printed on the 21Plus birthday card (and in its WhatsApp link's prefilled text). */
  cardKeyword: string;
  /** Optional model that words an answer from retrieved passages; absent, the entry's own text is sent. */
  answerModel?: { url: string; apiKey: string; model: string; timeoutMs: number; classifiesTopics: boolean };
  /** Optional embeddings for hybrid retrieval (beside BM25). */
  embeddings?: { url: string; apiKey: string; model: string };
  /** Optional machine translation; none configured is the default and everything still works. */
  translation: { provider: 'none' | 'openai' | 'libretranslate'; url?: string; apiKey?: string; model?: string; timeoutMs: number };
  whatsappTemplatesPath?: string;
  /** Signs staff session cookies; without it a random one is made at start and staff log in again after a restart. */
  sessionSecret?: string;
  /** Express "trust proxy": true, a number of proxies in front, or their addresses and subnets; unset trusts none. */
  trustProxy?: boolean | number | string;
  outbox: { maxAttempts: number; retryBaseMs: number };
  shutdownTimeoutMs: number;
  /** A daily backup into `dir` from `hour` (council time), keeping the newest `keep`; off when BACKUP_DIR is unset. */
  backup?: { dir: string; keep: number; hour: number };
  /** CONTACT_<NAME> variables: local contact details that override content/contacts.yaml ({{name}} in answers). */
  contacts: Readonly<Record<string, string>>;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY as Express reads "trust proxy", checked here because Express would read "1" as the address 0.0.0.1
 * and throw at the first request on "true"; null when it is not valid.
 */
function readTrustProxy(raw: string | undefined): boolean | number | string | undefined | null {
  if (raw === undefined) return undefined;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (/^\d+$/.test(raw)) return Number(raw);
  const valid = raw.split(',').map((v) => v.trim()).every((entry) => {
    if (NAMED_RANGES.has(entry)) return true;
    const [address = '', range, ...rest] = entry.split('/');
    const family = isIP(address);
    if (family === 0 || rest.length > 0) return false;
    if (range === undefined) return true;
    if (/^\d+$/.test(range)) return Number(range) <= (family === 4 ? 32 : 128);
    return family === 4 && isIP(range) === 4; // an IPv4 netmask such as 255.255.0.0
  });
  return valid ? raw : null;
}

/** Reads and checks the environment once at start; throws ConfigError naming each bad variable and its fix. */
export function readConfig(env: NodeJS.ProcessEnv): Readonly<Config> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${String(i.path[0] ?? '?')}: ${i.message} (got ${JSON.stringify(env[String(i.path[0])] ?? '')})`),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  const twilioSet = ([
    'TWILIO_AUTH_TOKEN', 'TWILIO_ACCOUNT_SID', 'TWILIO_API_KEY', 'TWILIO_API_SECRET',
    'TWILIO_FROM_NUMBER', 'TWILIO_WHATSAPP_FROM', 'TWILIO_MESSAGING_SERVICE_SID',
  ] as const).filter((k) => e[k] !== undefined);
  const anyTwilio = twilioSet.length > 0;
  // The simulator lets anyone read any number's conversation and send as any number: beside a real channel
  // that would be a way to text young people, read their messages and speak as their PA.
  if (e.SIMULATOR_ENABLED === true && anyTwilio) {
    problems.push(`SIMULATOR_ENABLED and ${twilioSet[0]}: the web simulator never runs beside Twilio (anyone could read and send as any number); remove SIMULATOR_ENABLED=true on a service with TWILIO_* settings, or remove the TWILIO_* settings for a local trial`);
  }

  let twilio: TwilioConfig | undefined;
  if (anyTwilio) {
    if (!e.TWILIO_AUTH_TOKEN) problems.push('TWILIO_AUTH_TOKEN: needed to check Twilio signatures; copy the primary Auth Token from the Twilio Console');
    if (!e.PUBLIC_BASE_URL) problems.push('PUBLIC_BASE_URL: needed to check Twilio signatures; set it to the https address Twilio calls, e.g. https://offerline.example.org');
    if (!e.TWILIO_ACCOUNT_SID) problems.push('TWILIO_ACCOUNT_SID: needed to send replies; copy the Account SID (AC...) from the Twilio Console');
    if ((e.TWILIO_API_KEY === undefined) !== (e.TWILIO_API_SECRET === undefined)) problems.push('TWILIO_API_KEY and TWILIO_API_SECRET: set both or neither');
    if (!e.TWILIO_FROM_NUMBER && !e.TWILIO_WHATSAPP_FROM && !e.TWILIO_MESSAGING_SERVICE_SID) {
      problems.push('TWILIO_FROM_NUMBER: set the number replies come from (or TWILIO_WHATSAPP_FROM, or TWILIO_MESSAGING_SERVICE_SID)');
    }
    if (problems.length === 0) {
      twilio = {
        authToken: e.TWILIO_AUTH_TOKEN!,
        publicBaseUrl: e.PUBLIC_BASE_URL!,
        accountSid: e.TWILIO_ACCOUNT_SID!,
        apiKey: e.TWILIO_API_KEY,
        apiSecret: e.TWILIO_API_SECRET,
        smsFrom: e.TWILIO_FROM_NUMBER,
        whatsappFrom: e.TWILIO_WHATSAPP_FROM,
        messagingServiceSid: e.TWILIO_MESSAGING_SERVICE_SID,
        smsOptOutRepliesByTwilio: e.TWILIO_SMS_OPT_OUT_REPLIES === 'twilio',
      };
    }
  }
  if (e.TRANSLATE_PROVIDER !== 'none' && !e.TRANSLATE_URL) problems.push('TRANSLATE_URL: set the translation provider\'s base URL, or TRANSLATE_PROVIDER=none');
  if (e.TRANSLATE_PROVIDER === 'openai' && (!e.TRANSLATE_API_KEY || !e.TRANSLATE_MODEL)) problems.push('TRANSLATE_API_KEY and TRANSLATE_MODEL: needed for TRANSLATE_PROVIDER=openai (any OpenAI-compatible server; a self-hosted one may take any key)');
  if ((e.EMBEDDINGS_URL === undefined) !== (e.EMBEDDINGS_MODEL === undefined)) problems.push('EMBEDDINGS_URL and EMBEDDINGS_MODEL: set both for hybrid retrieval, or neither');
  if ((e.ANSWER_MODEL_URL === undefined) !== (e.ANSWER_MODEL === undefined)) problems.push('ANSWER_MODEL_URL and ANSWER_MODEL: set both to use a model for retrieved answers, or neither');
  const trustProxy = readTrustProxy(e.TRUST_PROXY);
  if (trustProxy === null) {
    problems.push(`TRUST_PROXY: must be how many proxies are in front (e.g. 1), true, or their addresses and subnets (e.g. 10.0.0.0/8, loopback) (got ${JSON.stringify(e.TRUST_PROXY)})`);
  }
  if (e.REPLY_CHANNEL === 'twilio' && !anyTwilio) problems.push('REPLY_CHANNEL: "twilio" needs the TWILIO_* settings; set them or leave REPLY_CHANNEL unset');
  if (problems.length > 0) throw new ConfigError(problems);

  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    databasePath: e.DATABASE_PATH,
    publicBaseUrl: e.PUBLIC_BASE_URL,
    twilio,
    twilioDisabledReason: twilio
      ? undefined
      : 'Twilio is not configured on this service: set TWILIO_AUTH_TOKEN, TWILIO_ACCOUNT_SID, PUBLIC_BASE_URL and TWILIO_FROM_NUMBER',
    simulatorEnabled: e.SIMULATOR_ENABLED ?? !twilio,
    fakeChannelFile: e.FAKE_CHANNEL_FILE,
    replyChannel: e.REPLY_CHANNEL ?? (twilio ? 'twilio' : 'fake'),
    rotaPath: e.ROTA_PATH,
    webhookPerSenderPerMinute: e.WEBHOOK_PER_SENDER_PER_MINUTE,
    retention: { botOnlyDays: e.RETENTION_BOT_ONLY_DAYS, handedOffDays: e.RETENTION_HANDED_OFF_DAYS, auditDays: e.RETENTION_AUDIT_DAYS },
    metricsToken: e.METRICS_TOKEN,
    campaignsPath: e.CAMPAIGNS_PATH,
    cardKeyword: e.CARD_KEYWORD,
    answerModel: e.ANSWER_MODEL_URL && e.ANSWER_MODEL
      ? { url: e.ANSWER_MODEL_URL, apiKey: e.ANSWER_MODEL_API_KEY ?? 'none', model: e.ANSWER_MODEL, timeoutMs: e.ANSWER_MODEL_TIMEOUT_MS, classifiesTopics: e.ANSWER_MODEL_TOPICS ?? false }
      : undefined,
    embeddings: e.EMBEDDINGS_URL && e.EMBEDDINGS_MODEL ? { url: e.EMBEDDINGS_URL, apiKey: e.EMBEDDINGS_API_KEY ?? 'none', model: e.EMBEDDINGS_MODEL } : undefined,
    translation: { provider: e.TRANSLATE_PROVIDER, url: e.TRANSLATE_URL, apiKey: e.TRANSLATE_API_KEY, model: e.TRANSLATE_MODEL, timeoutMs: e.TRANSLATE_TIMEOUT_MS },
    whatsappTemplatesPath: e.WHATSAPP_TEMPLATES_PATH,
    sessionSecret: e.SESSION_SECRET,
    trustProxy: trustProxy ?? undefined,
    outbox: { maxAttempts: e.OUTBOX_MAX_ATTEMPTS, retryBaseMs: e.OUTBOX_RETRY_BASE_MS },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    backup: e.BACKUP_DIR ? { dir: e.BACKUP_DIR, keep: e.BACKUP_KEEP, hour: e.BACKUP_HOUR } : undefined,
    contacts: Object.freeze(
      Object.fromEntries(
        Object.entries(env)
          .filter(([k, v]) => k.startsWith('CONTACT_') && v !== undefined)
          .map(([k, v]) => [k.slice('CONTACT_'.length).toLowerCase(), v!.trim()]),
      ),
    ),
  });
}
