/** The staff console in a real browser: log in, see a new handoff arrive live, claim, reply, hand back. */
import { hash } from '@node-rs/argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { converse } from '../../src/cli/local-service.js';
import { startBrowserRig, type BrowserRig } from '../helpers/browser.js';
import { settle } from '../helpers/test-service.js';

let rig: BrowserRig;
const PASSWORD = 'a long enough password';
const YOUNG_PERSON = '+447700900950';

beforeAll(async () => {
  rig = await startBrowserRig({ env: { SESSION_SECRET: 'y'.repeat(40) } });
  rig.service.staff.setPasswordHash(rig.service.staff.byEmail('duty.21plus@example.org')!.id, await hash(PASSWORD));
});
afterAll(() => rig?.close());

describe('staff console', () => {
  it('a duty PA logs in, sees an urgent conversation appear, claims it, replies and hands it back', async () => {
    const { service, served } = rig;
    const page = await rig.page();
    await page.goto(`${served.url}/console`);
    expect(new URL(page.url()).pathname).toBe('/console/login');
    await page.fill('input[name=email]', 'duty.21plus@example.org');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('#login button[type=submit]');
    await page.waitForURL(`${served.url}/console`);
    await page.locator('#queue-empty').waitFor();

    // A young person texts while the page is open: the queue updates without a reload.
    const o = await converse(service, YOUNG_PERSON, 'sms', 'i want to end my life');
    const row = page.locator(`tr[data-conversation="${o!.conversationId}"]`);
    await row.waitFor();
    expect(await row.locator('.badge.urgent').textContent()).toBe('urgent');

    await row.locator('a').click();
    await page.waitForURL(`${served.url}/console/conversations/${o!.conversationId}`);
    expect(await page.locator('#transcript').textContent()).toContain('i want to end my life');
    expect(await page.locator('#handoff').textContent()).toContain('suicide');

    await page.click('text=Claim');
    await page.locator('.flash').waitFor();
    expect(await page.locator('#handoff').textContent()).toContain('claimed by Dee');

    await page.fill('#reply textarea', 'Hi, this is Dee from 21Plus. Are you safe right now?');
    await page.click('#reply button[type=submit]');
    await page.locator('.flash').waitFor();
    await settle(service);
    expect(service.fake!.sent.filter((m) => m.to === YOUNG_PERSON).at(-1)!.body).toBe('Hi, this is Dee from 21Plus. Are you safe right now?');

    // The young person answers: the transcript updates live.
    await converse(service, YOUNG_PERSON, 'sms', 'yes im at my friends');
    await page.locator('#transcript li', { hasText: 'yes im at my friends' }).waitFor();

    await page.click('text=Hand back to the assistant');
    await page.locator('.flash').waitFor();
    expect(await page.locator('.flash').textContent()).toContain('Handed back');
    expect(service.conversations.get(o!.conversationId)!.mode).toBe('bot');
    await page.close();
  });
});
