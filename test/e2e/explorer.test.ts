import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../local/dispatcher';
import { createLocalServer } from '../../local/server';
import { routes } from '../../shared/app/route-table';
import { createUser } from '../../shared/users/users';

/**
 * The explorer in a real browser: Swagger UI served by the local server renders the API, a login
 * through "Try it out" authorizes the explorer, and a protected call then succeeds from the page.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const mustRun = process.env.CI === 'true';

if (!hasChromium && !mustRun) {
  const message = `${CHROMIUM} is missing: the explorer browser test is SKIPPED (apt-get install chromium)`;
  console.warn(`\n${'!'.repeat(message.length)}\n${message}\n${'!'.repeat(message.length)}\n`);
}

describe.skipIf(!hasChromium && !mustRun)('explorer in a real browser', () => {
  const email = `explorer-${crypto.randomUUID().slice(0, 8)}@example.net`;
  const password = 'explorer test password';
  const profileDir = mkdtempSync(join(tmpdir(), 'peerflow-chromium-'));
  const shotDir = mkdtempSync(join(tmpdir(), 'peerflow-explorer-'));
  let server: Server;
  let baseUrl: string;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`${CHROMIUM} is required when CI=true (apt-get install chromium)`);
    await createUser({ email, password, name: 'Explorer user', role: 'viewer' });
    server = createLocalServer(createDispatcher(routes));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 1400 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });

  afterAll(async () => {
    await context?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    rmSync(profileDir, { recursive: true, force: true });
  });

  /** Expands an operation and runs it with "Execute"; answers the status and body Swagger UI shows. */
  async function execute(operation: string, body?: unknown) {
    const block = page.locator(`#operations-users-${operation}`);
    await block.locator('.opblock-summary').first().click();
    if (body !== undefined) await block.locator('textarea.body-param__text').fill(JSON.stringify(body));
    await block.locator('button.execute').click();
    const live = block.locator('.live-responses-table .response').first();
    await live.waitFor();
    return {
      status: (await live.locator('.response-col_status').textContent())?.trim(),
      body: (await live.locator('.response-col_description pre').first().textContent()) ?? '',
    };
  }

  it('renders the operations of the route table', async () => {
    await page.goto(`${baseUrl}/`);
    await page.locator('.opblock').first().waitFor();
    const operations = await page.locator('.opblock').count();
    expect(operations).toBe(routes.length);
    await expect(page.locator('#operations-users-getMe').isVisible()).resolves.toBe(true);
    await expect(page.locator('.info .title').textContent()).resolves.toContain('peerflow');
    await expect(page.locator('.auth-wrapper .authorize').getAttribute('class')).resolves.toMatch(
      /\bunlocked\b/,
    );
    expect(pageErrors).toEqual([]);
  });

  it('logs in through "Try it out" and is authorized afterwards', async () => {
    const login = await execute('login', { email, password });
    expect(login.status).toBe('200');
    expect(JSON.parse(login.body)).toMatchObject({ token_type: 'Bearer', user: { email } });

    await expect(page.locator('.auth-wrapper .authorize').getAttribute('class')).resolves.toMatch(
      /\blocked\b/,
    );
    await page.locator('.auth-wrapper .authorize').click();
    const dialog = page.locator('.dialog-ux .modal-ux');
    await dialog.waitFor();
    await expect(dialog.textContent()).resolves.toContain('Authorized');
    await expect(dialog.locator('button', { hasText: 'Logout' }).count()).resolves.toBe(1);
    await dialog.locator('.close-modal').click();
  });

  it('runs GET /users/me from the explorer as the logged-in user', async () => {
    const me = await execute('getMe');
    expect(me.status).toBe('200');
    expect(JSON.parse(me.body)).toMatchObject({ email, role: 'viewer' });
    const shot = join(shotDir, 'explorer.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.info(`explorer screenshot: ${shot}`);
    expect(pageErrors).toEqual([]);
  });
});
