/** @module Numbered schema migrations, applied in order at start inside one transaction each. */

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Append only: a shipped migration is never edited, a change is a new number. */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'contacts, conversations, messages, events',
    sql: `
      CREATE TABLE contacts (
        id            INTEGER PRIMARY KEY,
        channel       TEXT NOT NULL CHECK (channel IN ('sms', 'whatsapp')),
        address       TEXT NOT NULL,              -- E.164, without the whatsapp: prefix
        language      TEXT,                       -- the language replies are written in
        opted_out     INTEGER NOT NULL DEFAULT 0,
        opted_out_at  TEXT,
        created_at    TEXT NOT NULL,
        UNIQUE (channel, address)
      );

      CREATE TABLE conversations (
        id              INTEGER PRIMARY KEY,
        contact_id      INTEGER NOT NULL UNIQUE REFERENCES contacts(id),
        mode            TEXT NOT NULL DEFAULT 'bot' CHECK (mode IN ('bot', 'waiting', 'with_pa')),
        handoff_level   TEXT CHECK (handoff_level IN ('routine', 'urgent')),
        handoff_reason  TEXT,
        state           TEXT NOT NULL DEFAULT '{}', -- JSON: the menu on offer, the last topic answered
        last_inbound_at TEXT,
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL
      );

      -- Inbound and outbound messages. Outbound rows are the outbox: written 'queued' in the turn's
      -- transaction, moved to 'sending' just before the provider call, then 'sent' with the provider id.
      CREATE TABLE messages (
        id               INTEGER PRIMARY KEY,
        conversation_id  INTEGER NOT NULL REFERENCES conversations(id),
        direction        TEXT NOT NULL CHECK (direction IN ('in', 'out')),
        provider_id      TEXT,                    -- Twilio MessageSid
        body             TEXT NOT NULL,
        media            TEXT,                    -- JSON array of {url, contentType}
        language         TEXT,
        origin           TEXT NOT NULL,           -- young_person | bot | pa
        status           TEXT NOT NULL,           -- in: received | processed | failed; out: queued | sending | sent | delivered | read | undelivered | failed
        error_code       TEXT,
        attempts         INTEGER NOT NULL DEFAULT 0,
        next_attempt_at  TEXT,
        ignore_opt_out   INTEGER NOT NULL DEFAULT 0, -- a safety reply is attempted even to a stopped contact
        reply_to         INTEGER REFERENCES messages(id),
        seq              INTEGER NOT NULL DEFAULT 0, -- order of the replies to one inbound message
        segments         INTEGER,
        created_at       TEXT NOT NULL,
        updated_at       TEXT NOT NULL
      );
      CREATE UNIQUE INDEX messages_provider_id ON messages (provider_id) WHERE provider_id IS NOT NULL;
      CREATE UNIQUE INDEX messages_reply_seq ON messages (reply_to, seq) WHERE reply_to IS NOT NULL;
      CREATE INDEX messages_conversation ON messages (conversation_id, id);
      CREATE INDEX messages_unprocessed ON messages (id) WHERE direction = 'in' AND status = 'received';
      CREATE INDEX messages_outbox ON messages (next_attempt_at, id) WHERE direction = 'out' AND status IN ('queued', 'sending');

      -- What was decided and why: append only.
      CREATE TABLE events (
        id               INTEGER PRIMARY KEY,
        conversation_id  INTEGER REFERENCES conversations(id),
        message_id       INTEGER REFERENCES messages(id),
        kind             TEXT NOT NULL,
        detail           TEXT NOT NULL DEFAULT '{}',
        created_at       TEXT NOT NULL
      );
      CREATE INDEX events_conversation ON events (conversation_id, id);
      CREATE TRIGGER events_append_only BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append only'); END;
    `,
  },
  {
    version: 2,
    name: 'handoff to staff: staff, sessions, handoffs, notes, audit',
    sql: `
      -- Staff come from the rota file (synced at start); only their password hash and sessions live here.
      CREATE TABLE staff (
        id             INTEGER PRIMARY KEY,
        email          TEXT NOT NULL UNIQUE COLLATE NOCASE,
        name           TEXT NOT NULL,
        role           TEXT NOT NULL CHECK (role IN ('pa', 'manager', 'admin')),
        team           TEXT,
        phone          TEXT,
        password_hash  TEXT,
        active         INTEGER NOT NULL DEFAULT 1,
        created_at     TEXT NOT NULL
      );

      CREATE TABLE staff_sessions (
        sid         TEXT PRIMARY KEY,
        data        TEXT NOT NULL,
        expires_at  TEXT NOT NULL
      );
      CREATE INDEX staff_sessions_expiry ON staff_sessions (expires_at);

      ALTER TABLE contacts ADD COLUMN team TEXT;
      ALTER TABLE contacts ADD COLUMN pa_email TEXT;
      ALTER TABLE conversations ADD COLUMN short_code TEXT;
      CREATE UNIQUE INDEX conversations_short_code ON conversations (short_code) WHERE short_code IS NOT NULL;
      ALTER TABLE messages ADD COLUMN staff_id INTEGER REFERENCES staff(id);

      -- One handoff from the moment a person is asked for until it is handed back or closed.
      CREATE TABLE handoffs (
        id              INTEGER PRIMARY KEY,
        conversation_id INTEGER NOT NULL REFERENCES conversations(id),
        level           TEXT NOT NULL CHECK (level IN ('routine', 'urgent')),
        reason          TEXT NOT NULL,
        status          TEXT NOT NULL CHECK (status IN ('waiting', 'claimed', 'returned', 'closed')),
        out_of_hours    INTEGER NOT NULL DEFAULT 0,
        raised_at       TEXT NOT NULL,
        claimed_by      INTEGER REFERENCES staff(id),
        claimed_at      TEXT,
        ended_at        TEXT,
        ended_by        INTEGER REFERENCES staff(id),
        alert_step      INTEGER NOT NULL DEFAULT -1,  -- how far down the alert list alerts have gone; -1: nobody yet
        next_alert_at   TEXT                           -- when the next alert is due while nobody has claimed it
      );
      CREATE UNIQUE INDEX handoffs_open ON handoffs (conversation_id) WHERE status IN ('waiting', 'claimed');
      CREATE INDEX handoffs_due ON handoffs (next_alert_at) WHERE status = 'waiting';

      CREATE TABLE notes (
        id               INTEGER PRIMARY KEY,
        conversation_id  INTEGER NOT NULL REFERENCES conversations(id),
        staff_id         INTEGER NOT NULL REFERENCES staff(id),
        body             TEXT NOT NULL,
        created_at       TEXT NOT NULL
      );

      -- Every staff action: who, what, when. Append only.
      CREATE TABLE audit (
        id               INTEGER PRIMARY KEY,
        staff_id         INTEGER REFERENCES staff(id),
        action           TEXT NOT NULL,
        conversation_id  INTEGER REFERENCES conversations(id),
        detail           TEXT NOT NULL DEFAULT '{}',
        at               TEXT NOT NULL
      );
      CREATE TRIGGER audit_append_only BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append only'); END;
    `,
  },
  {
    version: 3,
    name: 'outbound channel override and WhatsApp templates',
    sql: `
      -- NULL: the conversation's own channel. 'sms' on a WhatsApp conversation: a PA texting after the window closed.
      ALTER TABLE messages ADD COLUMN channel TEXT CHECK (channel IN ('sms', 'whatsapp'));
      -- An approved WhatsApp template (Twilio Content SID) and its variables, sent instead of free text.
      ALTER TABLE messages ADD COLUMN content_sid TEXT;
      ALTER TABLE messages ADD COLUMN content_variables TEXT;
    `,
  },
  {
    version: 4,
    name: 'how a contact\'s language was set',
    sql: `
      -- 'chosen' (they picked it) or 'detected' (from their messages): a choice is not overturned lightly.
      ALTER TABLE contacts ADD COLUMN language_source TEXT CHECK (language_source IN ('chosen', 'detected'));
    `,
  },
  {
    version: 5,
    name: 'machine translation: cache, and translations kept with messages',
    sql: `
      CREATE TABLE translations (
        key          TEXT PRIMARY KEY,   -- sha256 of provider, languages and text
        source_lang  TEXT NOT NULL,
        target_lang  TEXT NOT NULL,
        provider     TEXT NOT NULL,
        text         TEXT NOT NULL,
        created_at   TEXT NOT NULL
      );
      -- Inbound: the English translation shown to staff. Outbound: what the PA wrote before it was translated.
      ALTER TABLE messages ADD COLUMN translation TEXT;
      ALTER TABLE messages ADD COLUMN original_body TEXT;
      ALTER TABLE messages ADD COLUMN machine_translated INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 6,
    name: 'contacts register and where a conversation came from',
    sql: `
      -- From the care leavers register (CSV import); name optional, never needed to answer.
      ALTER TABLE contacts ADD COLUMN name TEXT;
      ALTER TABLE contacts ADD COLUMN date_of_birth TEXT;
      -- How they first got in touch: 'card' (the 21Plus birthday card), 'register' (imported), or NULL (texted in).
      ALTER TABLE contacts ADD COLUMN source TEXT;
    `,
  },
  {
    version: 7,
    name: 'campaign sends, once per person per campaign per year; last send error on the contact',
    sql: `
      CREATE TABLE campaign_sends (
        id          INTEGER PRIMARY KEY,
        contact_id  INTEGER NOT NULL REFERENCES contacts(id),
        campaign    TEXT NOT NULL,
        year        INTEGER NOT NULL,
        status      TEXT NOT NULL CHECK (status IN ('queued', 'skipped')),
        reason      TEXT,
        message_id  INTEGER REFERENCES messages(id),
        decided_at  TEXT NOT NULL,
        UNIQUE (contact_id, campaign, year)
      );
      -- The last error a provider gave for this contact (21610 opted out, 63016 outside the WhatsApp window), for staff.
      ALTER TABLE contacts ADD COLUMN last_send_error TEXT;
    `,
  },
  {
    version: 8,
    name: 'content changes made from the dashboard',
    sql: `
      -- A phrasing added to an intent, or a question marked as a gap in the offer, by a manager.
      CREATE TABLE content_changes (
        id        INTEGER PRIMARY KEY,
        kind      TEXT NOT NULL CHECK (kind IN ('phrasing', 'gap')),
        intent    TEXT,
        text      TEXT NOT NULL,
        staff_id  INTEGER NOT NULL REFERENCES staff(id),
        at        TEXT NOT NULL
      );
    `,
  },
  {
    version: 9,
    name: 'outbox indexes SQLite can use',
    sql: `
      -- SQLite only uses a partial index when the query's WHERE names the same condition: 'queued' alone did not
      -- match "IN ('queued', 'sending')", so every outbox look-up read the whole messages table.
      DROP INDEX messages_outbox;
      CREATE INDEX messages_queued ON messages (next_attempt_at, id) WHERE direction = 'out' AND status = 'queued';
      CREATE INDEX messages_sending ON messages (id) WHERE direction = 'out' AND status = 'sending';
    `,
  },
  {
    version: 10,
    name: 'messages typed into the web simulator',
    sql: `
      -- Anyone can type any number into the simulator, so its messages never count as coming from a staff phone.
      ALTER TABLE messages ADD COLUMN simulated INTEGER NOT NULL DEFAULT 0;
    `,
  },
];
