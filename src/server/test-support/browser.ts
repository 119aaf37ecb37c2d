/**
 * Debian's Chromium through playwright-core for the browser tests: whether it can run here, how it is
 * launched (the flags this sandbox needs: no sandbox, no GPU, no background networking), and a fresh
 * page that records every browser-side problem (console errors, page errors, failed requests, HTTP
 * answers ≥ 400). Without /usr/bin/chromium the suites are skipped, except in CI where they fail.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const IN_CI = process.env.CI === 'true';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
/** Skip a browser suite only outside CI and only when Chromium is missing (then say so once). */
export const SKIP_BROWSER = !HAVE_CHROMIUM && !IN_CI;

export function warnIfSkipped(file: string): void {
  if (SKIP_BROWSER) console.warn(`${file} skipped: ${CHROMIUM} is missing (apt-get install chromium fonts-noto-cjk to run it)`);
}

export async function launchChromium(): Promise<Browser> {
  if (!HAVE_CHROMIUM) throw new Error(`${CHROMIUM} is missing; CI needs Debian's chromium and fonts-noto-cjk`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A fresh page (own storage, so Chinese is the default) that records every browser-side problem. */
export async function openWatchedPage(browser: Browser | undefined, viewport: { width: number; height: number }): Promise<{ page: Page; problems: string[] }> {
  if (!browser) throw new Error('no browser');
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return { page, problems };
}
