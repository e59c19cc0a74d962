import AxeBuilder from '@axe-core/playwright';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

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
