/** GET /metrics: Prometheus text behind a bearer token, counting what happened. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { converse } from '../../src/cli/local-service.js';
import { serve, settle, testService, type Served } from '../helpers/test-service.js';

const TOKEN = 'metrics-token-0123456789';
let service: ReturnType<typeof testService>;
let served: Served;

beforeAll(async () => {
  service = testService({ env: { METRICS_TOKEN: TOKEN } });
  served = await serve(service);
});
afterAll(async () => {
  await served.close();
  await service.outbox.stop();
  service.db.close();
});

describe('/metrics', () => {
  it('refuses without the token, and with a wrong one', async () => {
    expect((await fetch(`${served.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${served.url}/metrics`, { headers: { Authorization: 'Bearer nope' } })).status).toBe(401);
  });

  it('counts messages in and out, handoffs by level and turn times', async () => {
    await converse(service, '+447700900881', 'sms', 'do i have to pay council tax');
    await converse(service, '+447700900882', 'whatsapp', 'i want to end my life');
    await settle(service);
    const res = await fetch(`${served.url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/offerline_messages_in_total\{channel="sms"\} 1/);
    expect(text).toMatch(/offerline_messages_in_total\{channel="whatsapp"\} 1/);
    expect(text).toMatch(/offerline_handoffs_total\{level="urgent"\} 1/);
    expect(text).toMatch(/offerline_turn_seconds_count 2/);
    expect(text).toMatch(/offerline_messages_out_total\{channel="whatsapp"\} [1-9]/);
  });

  it('is not served at all when no token is configured', async () => {
    const off = testService();
    const offServed = await serve(off);
    try {
      expect((await fetch(`${offServed.url}/metrics`)).status).toBe(404);
    } finally {
      await offServed.close();
      off.db.close();
    }
  });
});
