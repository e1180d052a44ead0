#!/usr/bin/env node
// Browser check of dossier's explorer page (GET /explore), in Debian's Chromium, offline.
//
//   cd tests/browser && npm ci          # installs playwright-core only; no browser download
//   node tests/browser/explore.mjs http://127.0.0.1:PORT [OUT_DIR]          # the bulletin
//   node tests/browser/explore.mjs --hub http://127.0.0.1:PORT [OUT_DIR]    # a large graph
//
// The bulletin run searches "Ibadoghlu", expands Gubad Ibadoglu, opens a relation and finds
// its quote (as the API gives it) in the side panel, expands two more entities, moves the date
// filter and sees the number of relations drawn change, hides undated relations, reads the
// graph as of 19 September and finds drawn exactly the relations the API says were in force
// among the entities drawn (and the day in the URL and the download link), removes an
// entity and undoes it, pins one, colours by community, turns on Structure and checks that the
// page marks exactly the brokers and bridges the API reports for the subgraph drawn (and that
// the browser's own computation, used over 100 entities, agrees), highlights the shortest path
// to Vladimir Putin, checks a download link and the playground link, then reloads the page
// from its URL and finds the same view, brokers and bridges included.
//
// The --hub run (on e.g. `dossier generate --entities 100000 --relations 400000`) finds the
// entity of highest degree (ranking(measure: DEGREE, limit: 1)), which must have at least
// 1,000 relations, expands it to at least 1,000 neighbours and prints the time to the first
// draw, the time to the end of the layout and the longest frame while the layout ran; then
// turns on Structure (computed in the browser there) and finds the hub marked as a broker.
//
// Both fail (exit 1) on any request to a host other than the server's (such requests are
// blocked), a failed or >= 400 response from the server, or an uncaught exception in the page;
// screenshots go to OUT_DIR (default: a new temporary directory). Exit 2: bad usage.

import { chromium } from 'playwright-core';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // WebGL without a GPU: SwiftShader, Chromium's software renderer.
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

const args = process.argv.slice(2);
const hub = args[0] === '--hub';
if (hub) args.shift();
const [baseArg, outArg] = args;
const NAME = hub ? 'explore --hub' : 'explore';
const OVERALL_TIMEOUT_MS = hub ? 150_000 : 90_000;
if (!baseArg || baseArg === '-h' || baseArg === '--help') {
  console.error('usage: node tests/browser/explore.mjs [--hub] http://127.0.0.1:PORT [OUT_DIR]');
  process.exit(2);
}
let base;
try {
  base = new URL(baseArg);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error('not http(s)');
} catch {
  console.error(`${NAME}: FAIL: "${baseArg}" is not an http(s) URL`);
  process.exit(2);
}
if (!existsSync(CHROMIUM)) {
  console.error(`${NAME}: FAIL: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set $CHROMIUM)`);
  process.exit(2);
}
const outDir = resolve(outArg || mkdtempSync(join(tmpdir(), 'dossier-explore-out-')));
mkdirSync(outDir, { recursive: true });
const serverHost = base.host;
const pageUrl = new URL('/explore', base).href;

const foreign = new Set();
const serverProblems = [];
const pageErrors = [];
const consoleErrors = [];
let step = 'starting';
let context;
const profileDir = mkdtempSync(join(tmpdir(), 'dossier-explore-'));

function isOnServer(url) {
  let u;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (['data:', 'blob:', 'about:'].includes(u.protocol)) return true;
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

let failing = false;
async function fail(message) {
  if (failing) return new Promise(() => {});
  failing = true;
  clearTimeout(deadline);
  console.error(`${NAME}: FAIL (${step}): ${message}`);
  if (foreign.size) {
    console.error(`  requests to hosts other than ${serverHost} (blocked):`);
    for (const u of foreign) console.error(`    ${u}`);
  }
  for (const p of serverProblems) console.error(`  server: ${p}`);
  for (const e of pageErrors) console.error(`  page error: ${e}`);
  for (const e of consoleErrors) console.error(`  console error: ${e}`);
  if (context) {
    const p = context.pages()[0];
    if (p) await p.screenshot({ path: join(outDir, 'failure.png') }).catch(() => {});
    console.error(`  screenshot of the failure: ${join(outDir, 'failure.png')}`);
  }
  await cleanup();
  process.exit(1);
}
const deadline = setTimeout(() => fail(`gave up after ${OVERALL_TIMEOUT_MS / 1000} s`), OVERALL_TIMEOUT_MS);

function check(condition, message) {
  return condition ? undefined : fail(message);
}

/** Waits until the explorer has no query in flight and its layout has stopped. */
async function settled(page, timeout = 60_000) {
  await page.waitForFunction(() => window.dossierExplorer, null, { timeout: 20_000 });
  await Promise.race([
    page.evaluate(() => window.dossierExplorer.settled()),
    new Promise((_, reject) => setTimeout(() => reject(new Error('the explorer did not settle')), timeout)),
  ]);
}

const counts = (page) => page.evaluate(() => window.dossierExplorer.counts());

async function gqlInPage(page, query, variables = {}) {
  return page.evaluate(
    async ([query, variables]) => {
      const r = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return r.json();
    },
    [query, variables],
  );
}

async function shot(page, name) {
  const path = join(outDir, name);
  await page.screenshot({ path });
  return path;
}

/** The brokers (id -> entities cut off) and bridges (sorted relation ids) the API reports for
 *  the subgraph of these entities and every relation among them, as the explorer asks. */
async function apiStructure(page, ids) {
  const r = await gqlInPage(page, `query ($ids: [ID!]!) { neighbourhood(ids: $ids, depth: 0, limit: 1000) {
    brokers(limit: 1000) { entity { id } cutOff } bridges(limit: 1000) { id } } }`, { ids });
  if (r.errors) await fail(`the API's structure: ${JSON.stringify(r.errors)}`);
  const n = r.data.neighbourhood;
  return {
    brokers: Object.fromEntries(n.brokers.map((b) => [b.entity.id, b.cutOff]).sort()),
    bridges: n.bridges.map((b) => b.id).sort(),
  };
}

/** What the page marks (brokers, bridges) and what its browser computation finds, sorted. */
async function pageStructure(page) {
  return page.evaluate(() => {
    const sorted = (o) => Object.fromEntries(Object.entries(o).sort());
    const x = window.dossierExplorer;
    const m = x.structure();
    const b = x.structureInBrowser();
    return {
      marked: { brokers: sorted(m.brokers), bridges: m.bridges },
      browser: { brokers: sorted(b.brokers), bridges: b.bridges },
      on: m.on,
      source: m.source,
      drawn: x.graph.nodes().sort(),
    };
  });
}

async function searchAndPick(page, text, id) {
  await page.fill('#search', text);
  const hit = id ? page.locator(`button.hit[data-id="${id}"]`) : page.locator('button.hit').first();
  await hit.waitFor({ state: 'visible', timeout: 15_000 }).catch(() => fail(`no search hit for "${text}"`));
  const why = (await hit.locator('.why').innerText()).trim();
  const name = (await hit.locator('.name').innerText()).trim();
  await hit.click();
  await settled(page);
  return { name, why };
}

async function bulletin(page) {
  step = 'searching "Ibadoghlu"';
  const { name, why } = await searchAndPick(page, 'Ibadoghlu');
  await check(name === 'Gubad Ibadoglu', `the first hit for "Ibadoghlu" is "${name}", expected Gubad Ibadoglu`);
  await check(/alias|transliteration/i.test(why) && why.includes('Ibadoghlu'), `the hit does not say why it matched: "${why}"`);
  const title = await page.locator('#panel-title').innerText();
  await check(title.includes('Gubad Ibadoglu'), `the panel shows "${title}"`);
  await shot(page, 'explore-1-search.png');

  step = 'expanding Gubad Ibadoglu';
  await page.click('button.expand');
  await settled(page);
  const afterExpand = await counts(page);
  await check(afterExpand.entities >= 5, `expanding drew ${afterExpand.entities} entities, expected at least 5`);
  const status = await page.locator('#expand-status').innerText();
  await check(/6 of 6 relations shown/.test(status), `the panel says "${status}"`);

  step = 'opening a relation from the panel';
  const relId = 'echr.ruled-on.gubad-ibadoglu';
  await page.click(`button.relation[data-relation="${relId}"]`);
  await page.locator('blockquote.quote').first().waitFor({ timeout: 15_000 });
  const api = await gqlInPage(page, '{ relation(id: "echr.ruled-on.gubad-ibadoglu") { citations { quote } } }');
  const quote = api.data.relation.citations[0].quote;
  const shown = await page.locator('blockquote.quote').allInnerTexts();
  await check(shown.some((q) => q.trim() === quote.trim()), `the panel's quotes ${JSON.stringify(shown)} lack the API's "${quote}"`);
  await shot(page, 'explore-2-relation.png');

  step = 'expanding the ECHR and the Government of Azerbaijan (dated relations)';
  await page.click('a.entity-link[data-entity="echr"]');
  await settled(page);
  await page.click('button.expand');
  await settled(page);
  await page.evaluate(() => window.dossierExplorer.select('e:azerbaijan'));
  await settled(page);
  await page.click('button.expand');
  await settled(page);
  await page.locator('button.expand[data-step="100"]').click({ timeout: 2000 }).catch(() => {});
  await settled(page);
  const full = await counts(page);

  step = 'moving the date filter';
  await page.focus('#t-to');
  await page.keyboard.press('Home'); // the end of the range to its first day
  await settled(page);
  const narrowed = await counts(page);
  await check(narrowed.relations < full.relations, `moving the date filter left ${narrowed.relations} of ${full.relations} relations drawn`);
  const label = await page.locator('#t-label').innerText();
  await shot(page, 'explore-3-dates.png');
  await page.uncheck('#t-undated');
  await settled(page);
  const datedOnly = await counts(page);
  await check(datedOnly.relations < narrowed.relations, `hiding undated relations left ${datedOnly.relations} of ${narrowed.relations}`);
  await page.check('#t-undated');
  await page.click('#t-reset');
  await settled(page);
  const reset = await counts(page);
  await check(reset.relations === full.relations, `"All dates" shows ${reset.relations} relations, expected ${full.relations}`);

  step = 'reading the graph as of 19 September';
  await page.fill('#as-of', '2023-09-19');
  await settled(page);
  const asOf = await counts(page);
  await check(asOf.relations < reset.relations, `as of 2023-09-19, ${asOf.relations} of ${reset.relations} relations drawn`);
  await check(page.url().includes('a=2023-09-19'), `the URL does not hold the day: ${page.url()}`);
  const drawnAsOf = await page.evaluate(() => ({ nodes: window.dossierExplorer.graph.nodes().sort(), edges: window.dossierExplorer.graph.edges().sort() }));
  await check(drawnAsOf.nodes.length <= 100, `${drawnAsOf.nodes.length} entities drawn; the check needs at most 100`);
  const inForce = await gqlInPage(page, `query ($ids: [ID!]!) { neighbourhood(ids: $ids, depth: 0, limit: 1000, asOf: "2023-09-19") { relations { id } } }`, { ids: drawnAsOf.nodes });
  const wantAsOf = inForce.data.neighbourhood.relations.map((r) => r.id).sort();
  await check(JSON.stringify(drawnAsOf.edges) === JSON.stringify(wantAsOf),
    `as of 2023-09-19 the page draws ${JSON.stringify(drawnAsOf.edges)}\n  the API's relations in force are ${JSON.stringify(wantAsOf)}`);
  const asOfHref = await page.locator('a.export[data-format="csv"]').getAttribute('href');
  await check(asOfHref.includes('asOf=2023-09-19'), `the download link ignores the day: ${asOfHref}`);
  await shot(page, 'explore-3a-as-of.png');
  await page.click('#as-of-clear');
  await settled(page);
  const anyDay = await counts(page);
  await check(anyDay.relations === reset.relations && anyDay.drawn === reset.drawn,
    `back to every date: ${JSON.stringify(anyDay)}, expected ${JSON.stringify(reset)}`);

  step = 'removing an entity, undoing, pinning';
  await page.evaluate(() => window.dossierExplorer.select('e:tiktok'));
  await settled(page);
  await page.click('#remove');
  await settled(page);
  const removed = await counts(page);
  await check(removed.drawn === reset.drawn - 1, `removing TikTok left ${removed.drawn} entities drawn, expected ${reset.drawn - 1}`);
  await page.click('#undo');
  await settled(page);
  const undone = await counts(page);
  await check(undone.drawn === reset.drawn && undone.relations === reset.relations, `undo gave ${JSON.stringify(undone)}, expected ${JSON.stringify(reset)}`);
  await page.evaluate(() => window.dossierExplorer.select('e:echr'));
  await settled(page);
  await page.click('#pin');
  await settled(page);
  const pinned = await page.evaluate(() => Object.keys(window.dossierExplorer.state.pinned));
  await check(pinned.includes('echr'), `pinning did not pin the ECHR: ${JSON.stringify(pinned)}`);

  step = 'colouring by community, sizing by PageRank';
  await page.selectOption('#colour-by', 'community');
  await settled(page);
  const legend = await page.locator('#legend-nodes').innerText();
  await check(/\d+ communities/.test(legend), `the legend says "${legend}"`);
  await page.selectOption('#size-by', 'pagerank');
  await settled(page);
  await shot(page, 'explore-3b-communities.png');
  await page.selectOption('#colour-by', 'kind');
  await page.selectOption('#size-by', 'degree');
  await settled(page);

  step = 'marking brokers and bridges (Structure)';
  await page.click('#structure');
  await settled(page);
  const struct = await pageStructure(page);
  await check(struct.on && (await page.getAttribute('#structure', 'aria-pressed')) === 'true', 'the Structure button is not on');
  await check(struct.drawn.length > 1 && struct.drawn.length <= 100, `${struct.drawn.length} entities drawn; the check needs 2 to 100`);
  const wantStruct = await apiStructure(page, struct.drawn);
  const nBrokers = Object.keys(wantStruct.brokers).length;
  await check(nBrokers >= 1 && wantStruct.bridges.length >= 1,
    `the API reports ${nBrokers} brokers and ${wantStruct.bridges.length} bridges for this view; the check needs one of each`);
  await check(JSON.stringify(struct.marked) === JSON.stringify(wantStruct),
    `the page marks ${JSON.stringify(struct.marked)}\n  the API reports ${JSON.stringify(wantStruct)}`);
  await check(/the API/.test(struct.source), `the structure's source is "${struct.source}", expected the API`);
  await check(JSON.stringify(struct.browser) === JSON.stringify(wantStruct),
    `the browser's computation finds ${JSON.stringify(struct.browser)}\n  the API reports ${JSON.stringify(wantStruct)}`);
  const canvasMarks = await page.evaluate(() => [document.getElementById('canvas').dataset.brokers, document.getElementById('canvas').dataset.bridges]);
  await check(canvasMarks[0] === String(nBrokers) && canvasMarks[1] === String(wantStruct.bridges.length),
    `the canvas says ${canvasMarks[0]} brokers and ${canvasMarks[1]} bridges`);
  const structLegend = (await page.locator('#legend-structure').innerText()).replace(/\s+/g, ' ');
  await check(structLegend.includes(`${nBrokers} broker`) && structLegend.includes(`${wantStruct.bridges.length} bridge`),
    `the legend says "${structLegend}"`);
  await check(page.url().includes('st=1'), `the URL does not hold Structure: ${page.url()}`);
  const [topBroker, topCut] = Object.entries(wantStruct.brokers).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
  await page.evaluate((id) => window.dossierExplorer.select(`e:${id}`), topBroker);
  await settled(page);
  const brokerNote = await page.locator('#panel-broker').innerText().catch(() => '');
  const wantNote = `broker: cuts off ${topCut.toLocaleString('en-GB')} ${topCut === 1 ? 'entity' : 'entities'}`;
  await check(brokerNote === wantNote, `the panel of ${topBroker} says "${brokerNote}", expected "${wantNote}"`);
  await shot(page, 'explore-3c-structure.png');
  const aBridge = wantStruct.bridges[0];
  await page.evaluate((id) => window.dossierExplorer.select(`r:${id}`), aBridge);
  await settled(page);
  const bridgeNote = await page.locator('#panel-bridge').innerText().catch(() => '');
  await check(bridgeNote === 'bridge', `the panel of the relation ${aBridge} says "${bridgeNote}", expected "bridge"`);
  const notBridge = (await page.evaluate(() => window.dossierExplorer.graph.edges()))
    .find((e) => !wantStruct.bridges.includes(e));
  if (notBridge) {
    await page.evaluate((id) => window.dossierExplorer.select(`r:${id}`), notBridge);
    await settled(page);
    await check((await page.locator('#panel-bridge').count()) === 0, `the panel calls ${notBridge} a bridge; the API does not`);
  }

  await page.focus('#t-from');
  await page.keyboard.press('End');
  await settled(page);
  const late = await counts(page);

  step = 'highlighting the shortest path to Vladimir Putin';
  await page.evaluate(() => window.dossierExplorer.select('e:gubad-ibadoglu'));
  await settled(page);
  await page.click('#path-start');
  await searchAndPick(page, 'Путин');
  await page.click('#path-end');
  await settled(page);
  const length = await page.locator('#path-length').innerText().catch(() => '');
  const apiPath = await gqlInPage(page, '{ shortestPath(from: "gubad-ibadoglu", to: "vladimir-putin") { length } }');
  const want = apiPath.data.shortestPath.length;
  await check(length.startsWith(`${want} step`), `the path bar says "${length}", the API's path has ${want} steps`);
  const pathState = await page.evaluate(() => document.getElementById('canvas').dataset.path);
  await check(pathState === String(want), `the canvas marks a path of ${pathState}`);
  const before = {
    counts: await counts(page),
    state: await page.evaluate(() => window.dossierExplorer.state),
    structure: (await pageStructure(page)).marked,
  };
  await shot(page, 'explore-4-path.png');

  step = 'checking the download and playground links';
  const exportHref = await page.locator('a.export[data-format="graphml"]').getAttribute('href');
  const exported = await page.evaluate(async (href) => {
    const r = await fetch(href);
    return { status: r.status, type: r.headers.get('content-type'), text: await r.text() };
  }, exportHref);
  await check(exported.status === 200 && exported.text.includes('<graphml'), `${exportHref} answered ${exported.status} ${exported.type}`);
  const playgroundHref = await page.locator('#playground').getAttribute('href');

  step = 'reloading the page from its URL';
  const url = page.url();
  await check(url.includes('#') && url.includes('path='), `the URL does not hold the view: ${url}`);
  await page.goto('about:blank');
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 30_000 });
  await settled(page);
  const after = { counts: await counts(page), state: await page.evaluate(() => window.dossierExplorer.state) };
  await check(JSON.stringify(after.state) === JSON.stringify(before.state),
    `the state after reload differs:\n  before ${JSON.stringify(before.state)}\n  after  ${JSON.stringify(after.state)}`);
  await check(after.counts.entities === before.counts.entities && after.counts.relations === before.counts.relations,
    `after reload ${JSON.stringify(after.counts)}, before ${JSON.stringify(before.counts)}`);
  const lengthAfter = await page.locator('#path-length').innerText().catch(() => '');
  await check(lengthAfter === length, `after reload the path bar says "${lengthAfter}"`);
  const structAfter = await pageStructure(page);
  await check(structAfter.on && JSON.stringify(structAfter.marked) === JSON.stringify(before.structure),
    `after reload the page marks ${JSON.stringify(structAfter.marked)}\n  before ${JSON.stringify(before.structure)}`);
  const wantAfter = structAfter.drawn.length <= 100 ? await apiStructure(page, structAfter.drawn) : structAfter.browser;
  await check(JSON.stringify(structAfter.marked) === JSON.stringify(wantAfter),
    `after reload the page marks ${JSON.stringify(structAfter.marked)}\n  the API reports ${JSON.stringify(wantAfter)}`);
  await shot(page, 'explore-5-reloaded.png');

  step = 'opening the playground link';
  await page.goto(new URL(playgroundHref, base).href, { waitUntil: 'load' });
  await page.locator('.graphiql-query-editor .CodeMirror').first().waitFor({ timeout: 20_000 })
    .catch(() => fail('the playground did not open'));
  const editor = await page.evaluate(() => document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.getValue());
  await check(editor.includes('neighbourhood(') && editor.includes('gubad-ibadoglu'), `the playground shows: ${editor.slice(0, 200)}`);

  return [
    `search "Ibadoghlu": ${name} (${why})`,
    `expanded: ${afterExpand.entities} entities, ${afterExpand.relations} relations; quote of ${relId} found`,
    `date filter: ${full.relations} relations -> ${narrowed.relations} (${label}) -> ${datedOnly.relations} without undated; latest day only: ${late.relations}`,
    `as of 2023-09-19: ${asOf.relations} of ${reset.relations} relations, as the API says; back to every date: ${anyDay.relations}`,
    `remove TikTok: ${removed.drawn} entities drawn, undo: ${undone.drawn}; ECHR pinned; ${legend.split('\n')[0]}`,
    `structure on ${struct.drawn.length} entities: brokers ${nBrokers} (${topBroker} cuts off ${topCut}), bridges ${wantStruct.bridges.length}, as the API says; the browser's computation agrees`,
    `shortest path Gubad Ibadoglu -> Vladimir Putin: ${length}`,
    `reload: same state, ${after.counts.entities} entities, ${after.counts.relations} relations, brokers ${Object.keys(structAfter.marked.brokers).length} and bridges ${structAfter.marked.bridges.length} marked`,
  ];
}

async function hubRun(page) {
  step = 'finding the hub';
  const r = await gqlInPage(page, '{ ranking(measure: DEGREE, limit: 1) { score entity { id name degree } } }');
  const top = r.data.ranking[0];
  await check(top && top.entity.degree >= 1000, `the entity of highest degree has ${top?.entity.degree} relations; need 1,000`);
  const { id, name, degree } = top.entity;

  step = `searching "${name}"`;
  await page.fill('#search', name);
  const hit = page.locator(`button.hit[data-id="${id}"]`);
  const found = await hit.waitFor({ state: 'visible', timeout: 15_000 }).then(() => true, () => false);
  if (found) await hit.click();
  else await page.evaluate((id) => (location.hash = `s=${id}&sel=e:${id}`), id);
  await settled(page);

  step = `expanding ${name} (${degree} relations)`;
  await page.click('button.expand');
  await settled(page);
  const first = await counts(page);
  const status = await page.locator('#expand-status').innerText();
  // Watch the frames while the hub's thousand neighbours arrive and the layout runs.
  await page.evaluate(() => {
    const w = (window.__frames = { longest: 0, count: 0, last: performance.now(), on: true, task: 0, tasks: 0 });
    // Long tasks: the main thread busy for over 50 ms (input waits that long at worst).
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        w.task = Math.max(w.task, e.duration);
        w.tasks += 1;
      }
    }).observe({ type: 'longtask' });
    const tick = (t) => {
      w.longest = Math.max(w.longest, t - w.last);
      w.last = t;
      w.count++;
      if (w.on) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  // The timings are those of the +1,000 step; a few +100 steps follow if the thousand
  // relations joined fewer than 1,000 distinct neighbours.
  await page.click('button.expand[data-step="1000"]');
  await settled(page, 120_000);
  const perf = await page.evaluate(() => ({ ...window.dossierExplorer.perf }));
  for (let round = 0; round < 5 && (await counts(page)).drawn - 1 < 1000; round++) {
    await page.click('button.expand[data-step="100"]');
    await settled(page, 120_000);
  }
  const frames = await page.evaluate(() => ((window.__frames.on = false), window.__frames));
  const c = await counts(page);
  await check(c.drawn - 1 >= 1000, `only ${c.drawn - 1} neighbours drawn`);
  const status2 = await page.locator('#expand-status').innerText();
  await shot(page, 'explore-hub.png');

  step = 'marking brokers and bridges (Structure, in the browser over 100 entities)';
  const s0 = Date.now();
  await page.click('#structure');
  await settled(page);
  const structMs = Date.now() - s0;
  const hubStruct = await pageStructure(page);
  await check(/browser/.test(hubStruct.source || ''), `the structure's source is "${hubStruct.source}", expected the browser`);
  await check(hubStruct.marked.brokers[id] >= 1, `the hub is not marked as a broker: ${JSON.stringify(hubStruct.marked.brokers).slice(0, 300)}`);
  await check(JSON.stringify(hubStruct.marked) === JSON.stringify(hubStruct.browser), 'the page marks other than its computation found');

  step = 'checking the page still answers';
  const t0 = Date.now();
  await page.evaluate(() => window.dossierExplorer.select(null));
  await page.click('#fit');
  const clickMs = Date.now() - t0;

  console.log(`  hub: ${name} (${id}), ${degree} relations; first page: ${status}; after: ${status2}`);
  console.log(`  drawn: ${c.drawn} entities, ${c.edges} relations (first page: ${first.drawn} entities)`);
  console.log(`  time to first draw: ${perf.firstDrawMs} ms; to the end of the layout: ${perf.layoutMs} ms (${perf.action}, from the click; the page's own redraw took ${perf.renderMs} ms)`);
  console.log(`  structure: brokers ${Object.keys(hubStruct.marked.brokers).length} (the hub cuts off ${hubStruct.marked.brokers[id]}), bridges ${hubStruct.marked.bridges.length}, from the click to settled ${structMs} ms`);
  console.log(`  while loading and laying out: longest main-thread task ${Math.round(frames.task)} ms (${frames.tasks} over 50 ms), longest frame ${Math.round(frames.longest)} ms over ${frames.count} frames; a click afterwards: ${clickMs} ms`);
  return [];
}

try {
  step = 'launching Chromium';
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1440, height: 900 },
    serviceWorkers: 'block',
    acceptDownloads: false,
    timeout: 30_000,
  });
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
    const url = req.url();
    if (isOnServer(url) && !url.startsWith('data:') && !url.startsWith('blob:') && req.failure()?.errorText !== 'net::ERR_ABORTED') {
      serverProblems.push(`${req.method()} ${url} failed: ${req.failure()?.errorText}`);
    }
  });
  context.on('response', (res) => {
    if (!isOnServer(res.url()) || !res.url().startsWith('http')) return;
    if (res.status() >= 400) serverProblems.push(`${res.request().method()} ${res.url()} -> HTTP ${res.status()}`);
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
  await check(res && res.ok(), `GET ${pageUrl} answered HTTP ${res?.status()}`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 20_000 })
    .catch(() => fail('the explorer did not start (did /explore/explore.js load?)'));
  const webgl = await page.evaluate(() => Boolean(document.createElement('canvas').getContext('webgl')));
  await check(webgl, 'no WebGL in this Chromium');

  const lines = hub ? await hubRun(page) : await bulletin(page);

  step = 'checking the network log';
  await page.waitForTimeout(300);
  await check(foreign.size === 0, `${foreign.size} request(s) tried to leave ${serverHost}`);
  await check(serverProblems.length === 0, `${serverProblems.length} problem(s) with the server's responses`);
  await check(pageErrors.length === 0, `${pageErrors.length} uncaught exception(s) in the page`);

  clearTimeout(deadline);
  for (const l of lines) console.log(`  ${l}`);
  for (const e of consoleErrors) console.log(`  note: console error: ${e}`);
  console.log(`  screenshots: ${outDir}`);
  console.log(`${NAME}: OK`);
  await cleanup();
  process.exit(0);
} catch (err) {
  await fail(String(err?.message || err).split('\n')[0]);
}
