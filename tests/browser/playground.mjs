#!/usr/bin/env node
// Browser check of dossier's offline GraphQL playground (GraphiQL served at `/`).
//
//   cd tests/browser && npm ci          # installs playwright-core only; no browser download
//   node tests/browser/playground.mjs http://127.0.0.1:PORT [screenshot.png]
//
// Drives Debian's Chromium (/usr/bin/chromium, or $CHROMIUM) headless with a fresh, temporary
// profile. It fails (exit 1) when:
//   - any request goes to a host other than the server's (such requests are also blocked),
//   - a request to the server fails or answers >= 400, or a script/stylesheet/page is served
//     with the wrong Content-Type (Chromium ignores a stylesheet that is not text/css),
//   - the page throws an uncaught exception,
//   - the GraphiQL editor does not appear, or fewer than 5 example tabs are shown,
//   - clicking Run on the first tab does not give a JSON result with "relations", without
//     "errors" and with relations.totalCount > 0,
//   - the whole run takes more than 60 s.
// Exit 2: bad usage or no Chromium. Exit 0: "playground: OK".

import { chromium } from 'playwright-core';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const OVERALL_TIMEOUT_MS = 60_000;
const MIN_TABS = 5;
const EXAMPLE_TITLES = ['DeprivedOfLiberty', 'Search', 'Connection', 'AroundTheCourt', 'Person', 'Timeline', 'AliyevsCalls'];
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const [baseArg, screenshotArg] = process.argv.slice(2);
if (!baseArg || baseArg === '-h' || baseArg === '--help') {
  console.error('usage: node tests/browser/playground.mjs http://127.0.0.1:PORT [screenshot.png]');
  process.exit(2);
}
let base;
try {
  base = new URL(baseArg);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error('not http(s)');
} catch {
  console.error(`playground: FAIL: "${baseArg}" is not an http(s) URL`);
  process.exit(2);
}
if (!existsSync(CHROMIUM)) {
  console.error(`playground: FAIL: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set $CHROMIUM)`);
  process.exit(2);
}
const pageUrl = new URL('/', base).href;
const serverHost = base.host; // hostname[:port]

const foreign = new Set(); // requests that tried to leave the server
const serverProblems = []; // failed / >= 400 / wrong content type, on the server itself
const pageErrors = [];
const consoleErrors = [];
let step = 'starting';
let context;
const profileDir = mkdtempSync(join(tmpdir(), 'dossier-playground-'));

function isOnServer(url) {
  let u;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return true;
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(u.protocol)) return false;
  return u.host === serverHost;
}

async function cleanup() {
  if (context) {
    const c = context;
    context = undefined;
    await Promise.race([c.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
  }
  rmSync(profileDir, { recursive: true, force: true });
}

function report() {
  if (foreign.size) {
    console.error(`  requests to hosts other than ${serverHost} (blocked):`);
    for (const u of foreign) console.error(`    ${u}`);
  }
  for (const p of serverProblems) console.error(`  server: ${p}`);
  for (const e of pageErrors) console.error(`  page error: ${e}`);
  for (const e of consoleErrors) console.error(`  console error: ${e}`);
}

let failing = false;
async function fail(message) {
  // Only the first failure reports; later ones (e.g. awaits rejected by the cleanup) wait for exit.
  if (failing) return new Promise(() => {});
  failing = true;
  clearTimeout(deadline);
  console.error(`playground: FAIL (${step}): ${message}`);
  report();
  await cleanup();
  process.exit(1);
}

const deadline = setTimeout(() => {
  fail(`gave up after ${OVERALL_TIMEOUT_MS / 1000} s`);
}, OVERALL_TIMEOUT_MS);

function expectedType(pathname, resourceType) {
  if (pathname.endsWith('.js')) return /^(text|application)\/javascript\b/;
  if (pathname.endsWith('.css')) return /^text\/css\b/;
  if (pathname === '/' && resourceType === 'document') return /^text\/html\b/;
  return null;
}

try {
  step = 'launching Chromium';
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1440, height: 900 },
    serviceWorkers: 'block',
    timeout: 30_000,
  });

  // Every HTTP(S) request goes through here: those to the server proceed, the rest are
  // recorded and aborted, so that not even this test lets a request leave the machine.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isOnServer(url)) return route.continue();
    foreign.add(url);
    return route.abort('blockedbyclient');
  });
  context.on('request', (req) => {
    if (!isOnServer(req.url())) foreign.add(req.url());
  });
  context.on('requestfailed', (req) => {
    if (isOnServer(req.url()) && !req.url().startsWith('data:')) {
      serverProblems.push(`${req.method()} ${req.url()} failed: ${req.failure()?.errorText}`);
    }
  });
  context.on('response', (res) => {
    const url = new URL(res.url());
    if (!isOnServer(res.url()) || url.protocol === 'data:') return;
    if (res.status() >= 400) {
      serverProblems.push(`${res.request().method()} ${res.url()} -> HTTP ${res.status()}`);
      return;
    }
    const want = expectedType(url.pathname, res.request().resourceType());
    const got = res.headers()['content-type'] || '(none)';
    if (want && !want.test(got)) {
      serverProblems.push(`${res.url()} served as "${got}", expected ${want}`);
    }
  });

  const page = context.pages()[0] ?? (await context.newPage());
  page.on('websocket', (ws) => {
    if (!isOnServer(ws.url())) foreign.add(ws.url());
  });
  page.on('pageerror', (err) => pageErrors.push(String(err?.stack || err).split('\n')[0]));
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text().slice(0, 300));
  });

  step = `loading ${pageUrl}`;
  const res = await page.goto(pageUrl, { waitUntil: 'load', timeout: 20_000 });
  if (!res || !res.ok()) await fail(`GET ${pageUrl} answered HTTP ${res?.status()}`);
  const title = await page.title();
  if (!title.includes('dossier')) await fail(`unexpected page title "${title}"`);

  step = 'waiting for the GraphiQL editor';
  await page
    .locator('.graphiql-query-editor .CodeMirror')
    .first()
    .waitFor({ state: 'visible', timeout: 20_000 })
    .catch(() => fail('the GraphiQL query editor did not appear (did /assets/*.js load?)'));

  step = 'counting the example tabs';
  const tabTitles = (await page.locator('.graphiql-tab').allInnerTexts()).map((t) => t.trim()).filter(Boolean);
  if (tabTitles.length < MIN_TABS) {
    await fail(`expected at least ${MIN_TABS} example tabs, found ${tabTitles.length}: ${JSON.stringify(tabTitles)}`);
  }
  const missing = EXAMPLE_TITLES.filter((t) => !tabTitles.some((s) => s.includes(t)));
  if (missing.length) console.log(`  note: example tabs not found by title: ${missing.join(', ')}`);
  const activeTab = (await page.locator('.graphiql-tab-active').first().innerText().catch(() => '')).trim();

  step = 'running the first tab';
  await page.locator('.graphiql-execute-button').first().click({ timeout: 10_000 });
  const handle = await page
    .waitForFunction(
      () => {
        const cm = document.querySelector('.result-window .CodeMirror')?.CodeMirror;
        const text = cm ? cm.getValue() : document.querySelector('.result-window')?.textContent || '';
        if (!text.includes('"relations"') && !text.includes('"errors"')) return false;
        try {
          return { text, json: JSON.parse(text) };
        } catch {
          return false; // still streaming in
        }
      },
      null,
      { timeout: 20_000, polling: 200 },
    )
    .catch(async () => {
      const shown = await page.locator('.result-window').innerText().catch(() => '');
      return fail(`no JSON result with "relations" in the result pane; it shows: ${shown.slice(0, 500) || '(nothing)'}`);
    });
  const { text, json } = await handle.jsonValue();
  if (json.errors !== undefined || text.includes('"errors"')) {
    await fail(`the first example answered with errors: ${text.slice(0, 800)}`);
  }
  const rel = json?.data?.relations;
  if (!rel || typeof rel !== 'object') await fail(`result has no data.relations: ${text.slice(0, 500)}`);
  if (!(rel.totalCount > 0)) {
    await fail(`the first example found no relations (totalCount ${rel.totalCount}); it must answer on the bundled data`);
  }

  if (screenshotArg) {
    step = 'saving the screenshot';
    await page.screenshot({ path: resolve(screenshotArg) });
  }

  step = 'checking the network log';
  await page.waitForTimeout(300); // let late requests (fonts, etc.) show up
  if (foreign.size) await fail(`${foreign.size} request(s) tried to leave ${serverHost}`);
  if (serverProblems.length) await fail(`${serverProblems.length} problem(s) with the server's responses`);
  if (pageErrors.length) await fail(`${pageErrors.length} uncaught exception(s) in the page`);

  clearTimeout(deadline);
  console.log(`  tabs (${tabTitles.length}): ${tabTitles.join(', ')}; active: ${activeTab}`);
  console.log(`  first example: relations.totalCount = ${rel.totalCount}, ${rel.nodes?.length ?? 0} node(s) shown`);
  for (const e of consoleErrors) console.log(`  note: console error: ${e}`);
  if (screenshotArg) console.log(`  screenshot: ${resolve(screenshotArg)}`);
  console.log('playground: OK');
  await cleanup();
  process.exit(0);
} catch (err) {
  await fail(String(err?.message || err).split('\n')[0]);
}
