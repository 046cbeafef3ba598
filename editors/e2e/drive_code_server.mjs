// drive_code_server.mjs -- drives a running code-server (VS Code in the browser) with the schemals .vsix
// installed, through playwright-core and Debian's Chromium, on a copy of examples/notes-events:
// the squiggle and the Problems entry of the deliberate mistake, completion of catalog columns inside
// inlineSql, the "Refresh catalog" palette command and its answer, the status bar item, and nothing from
// schemals on a TypeScript file outside amplify/. Screenshots go to --out-dir.
//
//   node drive_code_server.mjs --tools CACHE/tools --url http://127.0.0.1:18080 --folder /abs/project \
//        --out-dir DIR --server-commands JSON --manifest package.json \
//        [--timeout 60000] [--chromium /usr/bin/chromium]
// Prints one PASS/FAIL line per check and "N passed, N failed"; exit 1 if any failed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, arr) => (a.startsWith('--') ? [...acc, [a.slice(2), arr[i + 1]]] : acc), []),
);
const require = createRequire(path.join(path.resolve(args.tools), 'package.json'));
const { chromium } = require('playwright-core');

const url = args.url ?? 'http://127.0.0.1:18080';
const folder = args.folder;
const outDir = path.resolve(args['out-dir'] ?? 'shots');
const timeout = Number(args.timeout ?? 60000);
fs.mkdirSync(outDir, { recursive: true });

// The command ids the server lists, and the extension's palette entries that depend on them.
const serverCommands = JSON.parse(args['server-commands'] ?? '[]');
const manifest = JSON.parse(fs.readFileSync(args.manifest, 'utf8'));
const paletteWhen = Object.fromEntries(manifest.contributes.menus.commandPalette.map((m) => [m.command, m.when]));
const gatedTitles = manifest.contributes.commands
  .filter((c) => /^schemals\.offers\./.test(paletteWhen[c.command] ?? ''))
  .map((c) => ({ title: `${c.category}: ${c.title}`, shown: serverCommands.includes(c.command) }));

const resourcePath = path.join(folder, 'amplify/data/resource.ts');
const snapshotPath = path.join(folder, 'amplify/data/schemals-catalog.json');
const resourceLines = fs.readFileSync(resourcePath, 'utf8').split('\n');
/** 1-based line and column just after `needle` on the first line holding it. */
function positionAfter(needle) {
  const line = resourceLines.findIndex((l) => l.includes(needle));
  return { line: line + 1, col: resourceLines[line].indexOf(needle) + needle.length + 1 };
}

const t0 = Date.now();
let passed = 0;
let failed = 0;
const report = [];
function check(name, ok, detail) {
  if (ok) passed++;
  else failed++;
  report.push({ name, ok, detail, t_ms: Date.now() - t0 });
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${ok ? '' : `: ${JSON.stringify(detail)}`}`);
}
const clean = (s) => s.replace(/\s+/g, ' ').trim();

const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-profile-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: args.chromium ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
  viewport: { width: 1400, height: 900 },
});
const page = context.pages()[0] ?? (await context.newPage());
const mod = process.platform === 'darwin' ? 'Meta' : 'Control';
const quickInput = page.locator('.quick-input-widget input');
const shot = (name) => page.screenshot({ path: path.join(outDir, `${name}.png`) }).catch(() => {});

async function openFile(relative) {
  await page.keyboard.press(`${mod}+KeyP`);
  await quickInput.waitFor({ timeout });
  await quickInput.fill(relative);
  // Wait for the row of this file: until the search answers, the list shows recently opened files.
  await page.locator('.quick-input-list .monaco-list-row', { hasText: path.basename(relative) }).first().waitFor({ timeout });
  await page.keyboard.press('Enter');
  await page.locator(`.tabs-container .tab[data-resource-name="${path.basename(relative)}"]`).waitFor({ timeout });
  await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout });
}

async function goTo(line, col) {
  await page.keyboard.press(`${mod}+KeyG`);
  await quickInput.waitFor({ timeout });
  await quickInput.fill(`:${line}:${col}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout });
}

/** Runs `step`; a throw fails the check named `name` (with a screenshot) and the run goes on. */
async function attempt(name, step) {
  try {
    await step();
  } catch (error) {
    check(name, false, String((error && error.message) || error).split('\n')[0]);
    await shot(`failure-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`);
  }
}

try {
  await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`, { waitUntil: 'domcontentloaded', timeout });
  await page.locator('.monaco-workbench').waitFor({ timeout });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout });
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } }).catch(() => {});
  await openFile('amplify/data/resource.ts');

  await attempt('the squiggle and the Problems entry of the mistake', async () => {
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout });
    await page.keyboard.press(`${mod}+Shift+KeyM`);
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: "Field ownr isn't defined." });
    await row.first().waitFor({ timeout });
    const text = clean(await row.first().innerText());
    await shot('problems');
    check('the squiggle and the Problems entry of the mistake',
      text.includes('schemals') && text.includes('auth-field-missing') && text.includes('[Ln 9, Col 64]'), text);
  });

  await attempt('the status bar shows the catalog state, and a click opens the server log', async () => {
    const item = page.locator('.statusbar-item', { hasText: 'schemals: cached' });
    await item.first().waitFor({ timeout });
    const text = clean(await item.first().innerText());
    await shot('status-bar');
    // A click opens the server log: the Output panel on the schemals channel.
    await item.first().click();
    await page.waitForFunction(
      () => [...document.querySelectorAll('.part.panel select')].some((s) => s.selectedOptions[0]?.text === 'schemals'),
      null, { timeout });
    await page.locator('.part.panel .view-lines', { hasText: 'server commands:' }).first().waitFor({ timeout });
    await shot('server-log');
    check('the status bar shows the catalog state, and a click opens the server log', /^schemals: cached/.test(text), text);
  });

  await attempt('completion inside inlineSql offers catalog columns', async () => {
    const at = positionAfter('`SELECT ');
    await goTo(at.line, at.col);
    const widget = page.locator('.editor-widget.suggest-widget.visible');
    // Ctrl+Space can race with the focus coming back to the editor: retry.
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press(`${mod}+Space`);
      try {
        await widget.waitFor({ timeout: 3000 });
        break;
      } catch {
        /* retry */
      }
    }
    await widget.locator('.monaco-list-row', { hasText: 'geom' }).first().waitFor({ timeout: 15000 });
    const labels = (await widget.locator('.monaco-list-row').allInnerTexts()).map(clean);
    await shot('completion');
    await page.keyboard.press('Escape');
    check('completion inside inlineSql offers catalog columns', ['id', 'name', 'geom'].every((c) => labels.some((l) => l.startsWith(c))), labels);
  });

  await attempt('the palette offers the server commands, and Refresh catalog answers', async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press(`${mod}+Shift+KeyP`);
    await quickInput.waitFor({ timeout });
    await quickInput.fill('>schemals: ');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Refresh catalog' }).first().waitFor({ timeout });
    const offered = (await page.locator('.quick-input-list .monaco-list-row').allInnerTexts()).map(clean);
    await shot('palette');
    await quickInput.fill('>schemals: Refresh catalog');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Refresh catalog' }).first().waitFor({ timeout });
    await page.keyboard.press('Enter');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'schemals: cached from' });
    await toast.first().waitFor({ timeout });
    const text = clean(await toast.first().innerText());
    await shot('refresh-catalog');
    // Each command the server lists is in the palette, and no command it does not list.
    const wrong = gatedTitles.filter((g) => offered.some((o) => o.startsWith(g.title)) !== g.shown);
    check('the palette offers the server commands, and Refresh catalog answers',
      text.includes(`schemals: cached from ${snapshotPath}`) && offered.some((o) => o.includes('Run a server command')) &&
        wrong.length === 0,
      { toast: text, offered, serverCommands, wrong });
  });

  await attempt('nothing from schemals on src/other.ts outside amplify/', async () => {
    await page.keyboard.press('Escape');
    await openFile('src/other.ts');
    // TypeScript's own error proves diagnostics flow for this file.
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout });
    await page.keyboard.press(`${mod}+Shift+KeyM`);
    const filter = page.locator('.markers-panel-action-filter input, .viewpane-filter input').first();
    await filter.fill('src/other.ts');
    await page.waitForTimeout(3000);
    const rows = (await page.locator('.markers-panel .monaco-list-row').allInnerTexts()).map(clean);
    await shot('outside-amplify');
    await filter.fill('');
    check('nothing from schemals on src/other.ts outside amplify/',
      rows.some((r) => r.includes('2322')) && !rows.some((r) => r.includes('schemals')), rows);
  });

  await attempt('a server path that does not run gives an actionable message', async () => {
    // Set schemals.server.path in the Settings editor, as a user would; the extension restarts on the
    // change and checks the binary with --version.
    const missing = path.join(folder, 'no-such-schemals');
    await page.keyboard.press('Escape');
    await page.keyboard.press(`${mod}+Comma`);
    const search = page.locator('.settings-editor .settings-header .suggest-input-container').first();
    await search.waitFor({ timeout });
    await search.click();
    await page.keyboard.type('schemals.server.path');
    const input = page.locator('.settings-editor .setting-item-contents', { hasText: 'Path to the' }).locator('input').first();
    await input.waitFor({ timeout });
    await input.fill(missing);
    await page.keyboard.press('Tab');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'schemals.server.path' });
    await toast.first().waitFor({ timeout });
    const text = clean(await toast.first().innerText());
    const status = clean(await page.locator('.statusbar-item', { hasText: 'schemals' }).first().innerText());
    await shot('missing-server');
    check('a server path that does not run gives an actionable message',
      text.includes(`the schemals.server.path setting points to ${missing}, which does not run`) &&
        text.includes('Open Settings') && status === 'schemals: no server',
      { toast: text, status });
  });
} catch (error) {
  check('the run completes', false, String((error && error.stack) || error));
  await shot('failure');
} finally {
  fs.writeFileSync(path.join(outDir, 'code-server-result.json'), JSON.stringify({ report, total_ms: Date.now() - t0 }, null, 2));
  await context.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}
