/** The web simulator in a real browser (Debian's chromium via playwright-core). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserRig, type BrowserRig } from '../helpers/browser.js';
import { serve, testService } from '../helpers/test-service.js';

let rig: BrowserRig;
beforeAll(async () => {
  rig = await startBrowserRig();
});
afterAll(() => rig?.close());

describe('web simulator', () => {
  it('lets a person chat by SMS and WhatsApp through the real pipeline', async () => {
    const page = await rig.page();
    await page.goto(`${rig.served.url}/`);
    await expect(page.title()).resolves.toBe('offerline simulator');

    await page.fill('#from', '+447700900777');
    await page.dispatchEvent('#from', 'change');
    await page.fill('#text', 'cn u help wiv my deposit');
    await page.click('#send');
    const reply = page.locator('#transcript li.out').first();
    await reply.waitFor();
    expect(await reply.textContent()).toMatch(/deposit/i);
    expect(await reply.textContent()).toMatch(/topic · deposit · handoff none/);

    // A risk message is answered with the safety reply and marked urgent.
    await page.fill('#text', 'i want to end my life');
    await page.press('#text', 'Enter');
    const urgent = page.locator('#transcript li.out.handoff-urgent');
    await urgent.waitFor();
    expect(await urgent.textContent()).toContain('999');

    // The conversation is kept: reloading shows the same transcript from the database.
    await page.reload();
    await page.locator('#transcript li').nth(3).waitFor();
    expect(await page.locator('#transcript li').count()).toBe(4);

    // WhatsApp is a separate conversation for the same number.
    await page.selectOption('#channel', 'whatsapp');
    await expect.poll(() => page.locator('#transcript li').count()).toBe(0);
    await page.close();
  });

  it('is not served when the simulator is switched off', async () => {
    const off = testService({ env: { SIMULATOR_ENABLED: 'false' } });
    const offServed = await serve(off);
    try {
      expect((await fetch(`${offServed.url}/`)).status).toBe(404);
      const res = await fetch(`${offServed.url}/simulator/api/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      expect(res.status).toBe(404);
    } finally {
      await offServed.close();
      off.db.close();
    }
  });
});
