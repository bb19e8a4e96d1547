/** A served test service and Debian's chromium, started once per browser test file. */
import { chromium, type Browser, type Page } from 'playwright-core';
import { serve, testService, type Served, type TestServiceOptions } from './test-service.js';

export interface BrowserRig {
  browser: Browser;
  service: ReturnType<typeof testService>;
  served: Served;
  page(): Promise<Page>;
  close(): Promise<void>;
}

export async function startBrowserRig(options: TestServiceOptions = {}): Promise<BrowserRig> {
  const browser = await chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  let service: ReturnType<typeof testService>;
  let served: Served;
  try {
    service = testService(options);
    service.outbox.start();
    served = await serve(service);
  } catch (err) {
    // A rig that failed to start leaves no browser running (chromium also ends when this worker does: it is piped to it).
    await browser.close();
    throw err;
  }
  return {
    browser, service, served,
    async page() {
      const page = await browser.newPage();
      // Generous: the suite runs beside process-killing tests on two cores, and a busy machine is slow to paint.
      page.setDefaultTimeout(15_000);
      return page;
    },
    async close() {
      await browser.close();
      await served.close();
      await service.outbox.stop();
      service.db.close();
    },
  };
}
