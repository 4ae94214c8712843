/**
 * The preview's warm browser. Pages of a long-lived pool take turns; a page that is not the front tab
 * gets no animation frames, and a wait polled on requestAnimationFrame there never ends (seen: the
 * PDF previews' `waitForFunction` hung on the second build). Each page is brought to the front
 * before it is used.
 */
import type { BrowserPool } from '../browser/pool.js';

export function foregroundPool(pool: BrowserPool): BrowserPool {
  return {
    browser: pool.browser,
    close: () => pool.close(),
    withVisiblePage: (fn) => pool.withVisiblePage(fn),
    inFront: (page, fn) => pool.inFront(page, fn),
    withPage: (fn) =>
      pool.withPage(async (page) => {
        await page.bringToFront();
        return fn(page);
      }),
  };
}
