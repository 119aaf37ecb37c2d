/**
 * The web app in a real browser: the server (in-memory database, the shipped params/ tree) serves the
 * built app from web/dist, and Debian's Chromium opens it through playwright-core. Needs
 * `npm run build` first. Without /usr/bin/chromium the suite is skipped, except in CI where it fails.
 * Screenshots go to .tmp/params-page.png (Chinese) and .tmp/params-page-en.png (English).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openContext, type AppContext } from '../runs/context.js';
import { buildApp, WEB_DIST } from './app.js';
import { launchChromium, openWatchedPage, SKIP_BROWSER, warnIfSkipped } from './test-support/browser.js';

const SCREENSHOT_DIR = fileURLToPath(new URL('../../.tmp/', import.meta.url));

warnIfSkipped('web.test.ts');

interface Jurisdiction {
  id: string;
  name: { zh: string; en: string };
}
interface ResolvedParam {
  path: string;
  label: { zh: string; en: string };
  unit: string;
  value: unknown;
  provenance: { jurisdiction: string; effectiveFrom: string } | null;
}

/** ¥ with thousands separators and two decimals, computed independently of web/src/format.ts. */
function yuan(fen: number): string {
  return `¥${new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(fen / 100)}`;
}

describe.skipIf(SKIP_BROWSER)('web app in Chromium', () => {
  let ctx: AppContext | undefined;
  let app: FastifyInstance | undefined;
  let browser: Browser | undefined;
  let base: string;

  beforeAll(async () => {
    if (!existsSync(`${WEB_DIST}index.html`)) throw new Error('web/dist/index.html is missing: run `npm run build` before this test');
    ctx = await openContext({ memory: true });
    app = await buildApp(ctx);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    if (!addr || typeof addr === 'string') throw new Error('the server has no TCP port');
    base = `http://127.0.0.1:${addr.port}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await ctx?.close();
  });

  /** A fresh page (own storage, so Chinese is the default) that records every browser-side problem. */
  function openPage(): Promise<{ page: Page; problems: string[] }> {
    return openWatchedPage(browser, { width: 1400, height: 900 });
  }

  async function getJson<T>(path: string): Promise<T> {
    const res = await fetch(base + path);
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  }

  test('the parameter page lists the tree, shows where a value comes from, and switches to English', async () => {
    const { page, problems } = await openPage();
    try {
      await page.goto(`${base}/params`);
      await page.getByTestId('param-tree').waitFor();
      expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
      await expect.poll(() => page.getByTestId('health').textContent()).toContain('pglite');

      // The page resolves at the browser's date in its default jurisdiction: ask the API the same.
      const date = await page.getByTestId('date-input').inputValue();
      const jurisdiction = await page.getByTestId('jurisdiction-select').inputValue();
      expect(date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      const { params } = await getJson<{ params: ResolvedParam[] }>(`/api/params?date=${date}&jurisdiction=${jurisdiction}`);
      const { jurisdictions } = await getJson<{ jurisdictions: Jurisdiction[] }>('/api/jurisdictions');

      expect(await page.locator('[data-testid^="param-leaf:"]').count()).toBe(params.length);
      expect(await page.locator('[data-testid^="param-leaf:benefit."]').count()).toBeGreaterThan(0);

      const money = params.find((p) => p.path.startsWith('benefit.') && p.unit === 'fen' && typeof p.value === 'number' && p.provenance);
      if (!money?.provenance) throw new Error(`no benefit.* money parameter in force on ${date} in ${jurisdiction}`);
      const from = jurisdictions.find((j) => j.id === money.provenance?.jurisdiction);
      if (!from) throw new Error(`unknown jurisdiction ${money.provenance.jurisdiction}`);

      await page.getByTestId(`param-leaf:${money.path}`).click();
      const detail = page.getByTestId('param-detail');
      await detail.waitFor();
      expect(page.url()).toContain(`path=${encodeURIComponent(money.path)}`);
      expect(await detail.getByTestId('detail-label').textContent()).toBe(money.label.zh);
      expect(await detail.getByTestId('detail-path').textContent()).toBe(money.path);
      expect(await detail.getByTestId('resolved-value').textContent()).toBe(yuan(money.value as number));
      expect(await detail.getByTestId('provenance').textContent()).toBe(`来自 ${from.name.zh} · 自 ${money.provenance.effectiveFrom} 起`);
      expect(await detail.getByTestId('timeline-in-force').count()).toBe(1);
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: `${SCREENSHOT_DIR}params-page.png`, fullPage: true });

      await page.getByTestId('lang-switch').click();
      await expect.poll(() => detail.getByTestId('detail-label').textContent()).toBe(money.label.en);
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      expect(await page.getByTestId('nav').textContent()).toContain('Parameters');
      expect(await detail.getByTestId('provenance').textContent()).toBe(`from ${from.name.en}, since ${money.provenance.effectiveFrom}`);
      await page.screenshot({ path: `${SCREENSHOT_DIR}params-page-en.png`, fullPage: true });

      // The choice survives a reload.
      await page.reload();
      await page.getByTestId('param-detail').waitFor();
      expect(await page.locator('html').getAttribute('lang')).toBe('en');

      expect(problems).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  test('/ leads to the overview, which names the command that makes its data; the care network says its year is not built; a module not built yet says what it will hold', async () => {
    const { page, problems } = await openPage();
    try {
      await page.goto(`${base}/`);
      await expect.poll(() => page.getByTestId('error').textContent()).toContain('404');
      expect(new URL(page.url()).pathname).toBe('/overview');
      expect(await page.getByTestId('error').textContent()).toContain('sanyi');
      // The empty store has no snapshot: the overview's request is the one expected failure.
      expect(problems.filter((p) => !p.includes('/api/dashboard/') && !p.includes('404 (Not Found)'))).toEqual([]);
      problems.length = 0;

      // The care network: with an empty store it asks for an institution (its list, from the
      // dashboard, is the one expected failure) and its views say the year's network is not built.
      await page.getByTestId('nav').getByText('医共体网络', { exact: true }).click();
      await page.getByTestId('choose-institution').waitFor();
      expect(new URL(page.url()).pathname).toBe('/network');
      await page.getByTestId('tab-flows').click();
      await expect.poll(() => page.getByTestId('error').textContent()).toContain('network build');
      expect(problems.filter((p) => !p.includes('/api/dashboard/') && !p.includes('/api/network/') && !p.includes('404 (Not Found)'))).toEqual([]);
      problems.length = 0;

      await page.goto(`${base}/lab`); // opened directly: the server's single-page fallback
      await expect.poll(() => page.getByTestId('placeholder').textContent()).toContain('情景');

      expect(problems).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
});
