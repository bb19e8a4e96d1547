/** Configuration is read once and a bad value names the variable and the fix. */
import { describe, expect, it } from 'vitest';
import { runNodeSync } from './helpers/child-processes.js';
import { ConfigError, readConfig } from '../src/config.js';
import { TWILIO_ENV } from './helpers/test-service.js';

function problems(env: Record<string, string>): string[] {
  try {
    readConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('readConfig', () => {
  it('runs with nothing set: local database, no Twilio, simulator on, replies to the fake channel', () => {
    const c = readConfig({});
    expect(c.port).toBe(3000);
    expect(c.databasePath).toBe('data/offerline.db');
    expect(c.twilio).toBeUndefined();
    expect(c.twilioDisabledReason).toMatch(/TWILIO_AUTH_TOKEN/);
    expect(c.simulatorEnabled).toBe(true);
    expect(c.replyChannel).toBe('fake');
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('with Twilio set: signatures checked, replies through Twilio, simulator off', () => {
    const c = readConfig({ ...TWILIO_ENV, PUBLIC_BASE_URL: 'https://offerline.example.org/' });
    expect(c.twilio?.publicBaseUrl).toBe('https://offerline.example.org');
    expect(c.replyChannel).toBe('twilio');
    expect(c.simulatorEnabled).toBe(false);
    expect(readConfig({ ...TWILIO_ENV, SIMULATOR_ENABLED: 'false' }).simulatorEnabled).toBe(false);
  });

  // The simulator lets anyone read any number's transcript and send as any number: beside a real channel that
  // is a way to text young people and to read their conversations.
  it.each([
    [TWILIO_ENV, 'TWILIO_AUTH_TOKEN'],
    [{ ...TWILIO_ENV, REPLY_CHANNEL: 'fake' }, 'TWILIO_AUTH_TOKEN'],
    [{ TWILIO_FROM_NUMBER: '+447700900000' }, 'TWILIO_FROM_NUMBER'],
  ])('SIMULATOR_ENABLED=true beside Twilio settings (%o) is refused, naming both', (env, twilioVariable) => {
    const found = problems({ ...env, SIMULATOR_ENABLED: 'true' } as Record<string, string>).join('\n');
    expect(found).toContain(`SIMULATOR_ENABLED and ${twilioVariable}`);
    expect(found).toMatch(/simulator/i);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ PUBLIC_BASE_URL: 'offerline.example.org' }, 'PUBLIC_BASE_URL: must be a full URL'],
    [{ ...TWILIO_ENV, TWILIO_ACCOUNT_SID: 'AC123' }, 'TWILIO_ACCOUNT_SID: must start with AC'],
    [{ TWILIO_AUTH_TOKEN: 'x' }, 'PUBLIC_BASE_URL: needed to check Twilio signatures'],
    [{ TWILIO_AUTH_TOKEN: 'x', PUBLIC_BASE_URL: 'https://a.example' }, 'TWILIO_ACCOUNT_SID: needed to send replies'],
    [{ ...TWILIO_ENV, TWILIO_FROM_NUMBER: '07700900000' }, 'TWILIO_FROM_NUMBER: must be an E.164 number'],
    [{ ...TWILIO_ENV, TWILIO_API_KEY: `SK${'1'.repeat(32)}` }, 'TWILIO_API_KEY and TWILIO_API_SECRET: set both or neither'],
    [{ SIMULATOR_ENABLED: 'maybe' }, 'SIMULATOR_ENABLED'],
    [{ REPLY_CHANNEL: 'twilio' }, 'REPLY_CHANNEL'],
    [{ TRUST_PROXY: 'yes please' }, 'TRUST_PROXY: must be'],
    [{ TRUST_PROXY: '10.0.0.0/99' }, 'TRUST_PROXY: must be'],
    [{ TRUST_PROXY: 'loopback, proxy.internal' }, 'TRUST_PROXY: must be'],
    [{ TRUST_PROXY: '-1' }, 'TRUST_PROXY: must be'],
  ])('%o is refused with a message naming %s', (env, expected) => {
    expect(problems(env as Record<string, string>).join('\n')).toContain(expected);
  });

  it.each([
    ['true', true],
    ['false', false],
    ['1', 1],
    ['2', 2],
    ['loopback', 'loopback'],
    ['10.0.0.0/8, 192.168.1.10, fd00::/8', '10.0.0.0/8, 192.168.1.10, fd00::/8'],
  ])('TRUST_PROXY=%s is read as Express "trust proxy" %o (a number is how many proxies are in front)', (raw, expected) => {
    expect(readConfig({ TRUST_PROXY: raw }).trustProxy).toEqual(expected);
  });

  it('the service refuses to start on a bad value and says which variable to fix', async () => {
    const r = runNodeSync(['src/main.ts'], {
      cwd: new URL('..', import.meta.url).pathname,
      env: { PATH: process.env['PATH'] ?? '', PORT: 'eighty' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(78);
    expect(r.stderr).toContain('PORT');
  });

  it('the service refuses to start with the simulator switched on beside Twilio', () => {
    // A service that starts instead of refusing would never exit by itself: stopped by the limit so the test fails.
    const r = runNodeSync(['src/main.ts'], {
      env: { PATH: process.env['PATH'] ?? '', ...TWILIO_ENV, SIMULATOR_ENABLED: 'true', PORT: '0', DATABASE_PATH: ':memory:' },
      timeout: 60_000,
    });
    expect(r.status).toBe(78);
    expect(r.stderr).toContain('SIMULATOR_ENABLED and TWILIO_AUTH_TOKEN');
  });
});

describe('local contact details from the environment', () => {
  it('CONTACT_<NAME> fills {{name}} in answers, over content/contacts.yaml', async () => {
    const { testService } = await import('./helpers/test-service.js');
    const { converse } = await import('../src/cli/local-service.js');
    const service = testService({ env: { CONTACT_EDT_PHONE: '0300 111 2222' } });
    try {
      // The reply to someone with nowhere to sleep tonight always gives the Emergency Duty Team's number.
      const o = await converse(service, '+447700900601', 'sms', 'got nowhere to sleep tonight');
      expect(o?.replies.join('\n')).toContain('0300 111 2222');
    } finally {
      await service.outbox.stop();
      service.db.close();
    }
  });
});
