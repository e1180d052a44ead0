#!/usr/bin/env node
// Subscriptions with a real client: graphql-ws (the reference graphql-transport-ws client)
// over Node's `ws`, against a server that takes writes.
//
//   cd tests/browser && npm ci
//   node tests/browser/subscribe.mjs http://127.0.0.1:PORT TOKEN
//
// TOKEN is a write token's secret (`dossier token new NAME` prints one and the
// `--write-tokens` line for the server). Two subscriptions on one socket:
// `changes(kinds: [ARRESTED])` and `changes(near: "rail-abbasov")`. Mutations go over HTTP
// (POST /graphql with `Authorization: Bearer TOKEN`). It fails (exit 1) when:
//   - an ARRESTED relation added to rail-abbasov does not reach the ARRESTED subscription
//     (mutations are repeated until one does: the server gives no sign of a subscription
//     having started);
//   - then an upsert of rail-abbasov does not reach the `near` subscription with its id,
//     operation, author and entities;
//   - the ARRESTED subscription, live all along, receives that upsert (its next change must
//     be a second ARRESTED relation, sent after the upserts);
//   - the whole run takes more than 30 s.
// Exit 2: bad usage. Exit 0: "subscribe: OK".

import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const OVERALL_TIMEOUT_MS = 30_000;
const WAIT_MS = 10_000;
const PROBE_EVERY_MS = 300;

const [baseArg, token] = process.argv.slice(2);
if (!baseArg || !token || baseArg === '-h' || baseArg === '--help') {
  console.error('usage: node subscribe.mjs http://HOST:PORT WRITE_TOKEN');
  process.exit(2);
}
const base = baseArg.replace(/\/$/, '');
const wsUrl = base.replace(/^http/, 'ws') + '/graphql/ws';

const overall = setTimeout(() => {
  console.error(`subscribe: FAIL: still running after ${OVERALL_TIMEOUT_MS / 1000} s`);
  process.exit(1);
}, OVERALL_TIMEOUT_MS);

function fail(message) {
  console.error(`subscribe: FAIL: ${message}`);
  process.exit(1);
}

/** A mutation over HTTP with the write token; its `data`, or a failure. */
async function mutate(query) {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  const body = await response.json();
  if (response.status !== 200 || body.errors) {
    fail(`the mutation was refused (${response.status}): ${JSON.stringify(body)}`);
  }
  return body.data;
}

let arrests = 0;
const arrest = () =>
  mutate(`mutation { addRelation(input: {kind: ARRESTED, from: "azerbaijan", to: "rail-abbasov",
    date: "2023-09-21", description: "arrest ${++arrests}",
    citations: [{document: "cnis-2023-09-22", quote: "was arrested"}]}) { id } }`);

let upserts = 0;
const upsert = () =>
  mutate(`mutation { upsertEntity(input: {id: "rail-abbasov", kind: PERSON, name: "Rail Abbasov",
    description: "a lawyer (probe ${++upserts})"}) { id } }`);

/** A subscription whose changes are queued; `next(ms)` takes the next or fails after `ms`. */
function subscribe(client, query) {
  const queue = [];
  let wake = null;
  client.subscribe(
    { query },
    {
      next: (value) => {
        if (value.errors) fail(`the subscription failed: ${JSON.stringify(value.errors)}`);
        queue.push(value.data.changes);
        if (wake) wake();
      },
      error: (e) => fail(`the subscription ended in error: ${JSON.stringify(e?.message ?? e)}`),
      complete: () => {},
    },
  );
  return {
    get pending() {
      return queue.length;
    },
    async next(ms) {
      const until = Date.now() + ms;
      while (queue.length === 0) {
        const left = until - Date.now();
        if (left <= 0) return null;
        await new Promise((resolve) => {
          wake = resolve;
          setTimeout(resolve, left);
        });
        wake = null;
      }
      return queue.shift();
    },
  };
}

/** Calls `send` every PROBE_EVERY_MS until `sub` receives a change `wanted` takes; that
 * change. Changes it does not take are `allowed`, or a failure. */
async function probe(sub, send, what, wanted, allowed = () => false) {
  const until = Date.now() + WAIT_MS;
  while (Date.now() < until) {
    await send();
    let change;
    while ((change = await sub.next(PROBE_EVERY_MS))) {
      if (wanted(change)) return change;
      if (!allowed(change)) fail(`waiting for ${what}, got ${JSON.stringify(change)}`);
    }
  }
  fail(`${what} did not arrive within ${WAIT_MS / 1000} s`);
}

const isArrest = (c) => c.operation === 'addRelation';
const isUpsert = (c) => c.operation === 'upsertEntity';

const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
const fields = 'id operation author entities';
const arrested = subscribe(client, `subscription { changes(kinds: [ARRESTED]) { ${fields} } }`);
const near = subscribe(client, `subscription { changes(near: "rail-abbasov") { ${fields} } }`);

// The ARRESTED subscription is live once it has received a change.
await probe(arrested, arrest, 'an ARRESTED relation', isArrest);

// The near subscription gets the upsert (and may get the arrests, which touch rail-abbasov).
const change = await probe(near, upsert, 'the upsert of rail-abbasov', isUpsert, isArrest);
if (!/^\d+$/.test(change.id)) fail(`a change id is a number: ${JSON.stringify(change)}`);
if (!change.author) fail(`no author: ${JSON.stringify(change)}`);
if (!change.entities.includes('rail-abbasov')) fail(`entities: ${JSON.stringify(change)}`);

// Every upsert was sent before this arrest: up to it, the ARRESTED subscription has nothing
// but arrests.
await arrest();
for (;;) {
  const next = await arrested.next(WAIT_MS);
  if (!next) fail('the last ARRESTED relation did not arrive');
  if (!isArrest(next)) {
    fail(`the ARRESTED subscription received an unrelated change: ${JSON.stringify(next)}`);
  }
  if (Number(next.id) > Number(change.id)) break;
}

await client.dispose();
clearTimeout(overall);
console.log(
  `subscribe: OK (${upserts} upserts, ${arrests} arrests; change ${change.id} by ${change.author})`,
);
