/**
 * Real Chromium for the browser tests: Debian's `/usr/bin/chromium` driven by playwright-core, headless,
 * with the flags of reference/browser-testing.md and a fresh profile per test (reused to test reloads).
 */
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
  '--enable-features=WebBluetooth',
];

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  profile: string;
  /** Console errors and page errors seen so far. */
  errors: string[];
  close(): Promise<void>;
}

/**
 * Opens Chromium with a persistent profile (a new temporary one unless given).
 * @throws Error saying how to install Chromium when it is missing.
 */
export async function openBrowser(profile?: string): Promise<BrowserSession> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install it with 'apt-get install -y chromium' (see .ci/run)`);
  const dir = profile ?? mkdtempSync(join(tmpdir(), 'raceline-profile-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 720 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return {
    context,
    page,
    profile: dir,
    errors,
    close: async () => {
      await context.close();
      if (!profile) rmSync(dir, { recursive: true, force: true });
    },
  };
}
