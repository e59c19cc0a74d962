import AxeBuilder from '@axe-core/playwright';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const SCREENSHOTS = join(__dirname, '..', '..', 'docs', 'screenshots');

/**
 * A console page as it is now: axe-core finds no serious or critical violation, nothing is wider
 * than a 390 px phone, and a screenshot at 1280 and at 390 px goes into docs/screenshots/.
 */
export async function checkConsolePage(page: Page, name: string): Promise<void> {
  const t0 = Date.now();
  await page.getByRole('heading', { level: 1 }).waitFor();
  await page.locator('.loading').first().waitFor({ state: 'detached', timeout: 5000 }).catch(() => undefined);
  // Legacy mode runs axe.run() in the page itself instead of finishing in a new blank page (the app has no iframes).
  const result = await new AxeBuilder({ page }).setLegacyMode().analyze();
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${name}: ${v.id} ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
  const t1 = Date.now();
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-desktop.png`) });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-phone.png`) });
  await page.setViewportSize({ width: 1280, height: 900 });
  if (process.env.CONSOLE_TEST_TIMINGS) console.log(`${name}: ${Date.now() - t0} ms (axe ${t1 - t0} ms)`);
}

/** The page's width at 390 px: more than 390 means something scrolls sideways. */
export async function phoneWidth(page: Page): Promise<number> {
  await page.setViewportSize({ width: 390, height: 844 });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  await page.setViewportSize({ width: 1280, height: 900 });
  return width;
}

/** Presses the page's Refresh until a table cell named `cell` shows (a delivery's attempt), with a deadline. */
export async function refreshUntilCell(page: Page, cell: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.getByRole('cell', { name: cell }).count())) {
    if (Date.now() > deadline) throw new Error(`no cell "${cell}" within ${timeoutMs} ms`);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.waitForTimeout(300);
  }
}

/** Debian's Chromium (never a downloaded browser). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
}

/** A 1280 px page in its own context (axe-core needs one), collecting uncaught page errors into `errors`. */
export async function newConsolePage(browser: Browser, errors: string[]): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (e) => errors.push(e.message));
  return page;
}
