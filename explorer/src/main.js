// dossier's explorer: find entities, expand their relations, read the evidence, filter by
// date, see the graph as it stood on a day, follow the shortest path between two entities,
// mark the brokers and bridges of the drawing, share the view as a URL.
//
// The page keeps a small *state* (what the user asked to see: seeds, expansions, removals,
// pins, filters, selection; see hash.js) and a *cache* of what the API answered. The canvas is
// a function of both: `render()` rebuilds the graphology graph from them, so undo and reload
// are "set the state, fetch what is missing, render".

import Graph from 'graphology';
import Sigma from 'sigma';
import FA2Layout from 'graphology-layout-forceatlas2/worker';
import forceAtlas2 from 'graphology-layout-forceatlas2';
import louvain from 'graphology-communities-louvain';
import { gql, Q, MAX_IDS, MAX_PAGE, whenIdle } from './api.js';
import { span, firstDay, lastDay, isoDay } from './dates.js';
import { edgeProgramClasses, nodeProgramClasses, STRUCTURE_COLOUR } from './programs.js';
import { emptyState, encode, decode } from './hash.js';

// ---------------------------------------------------------------------------------------------
// Looks

const KIND_COLOURS = {
  PERSON: '#3b6fd8',
  ORGANISATION: '#1f9e89',
  COURT: '#8e44ad',
  GOVERNMENT: '#c2372b',
  EVENT: '#e08a1e',
  PLACE: '#6f8f2f',
};
const COMMUNITY_COLOURS = [
  '#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948',
  '#b07aa1', '#ff9da7', '#9c755f', '#2f4b7c', '#a05195', '#7a9e3b',
];
const EDGE = { plain: '#a9b3bf', confirmed: '#6b7785', alleged: '#d49a00', disputed: '#d9480f' };
const DIM_NODE = '#dfe3e8';
const DIM_EDGE = '#eceff2';
const PATH = '#e0115f';
const SELECTED_EDGE = '#1d2733';
const EXPAND_STEPS = [20, 100, 1000];
const fmt = new Intl.NumberFormat('en-GB');

// ---------------------------------------------------------------------------------------------
// Cache: what the API answered

const entities = new Map(); // id -> { id, kind, name, degree }
const relations = new Map(); // id -> { id, kind, label, …, from: id, to: id }
const details = new Map(); // 'e:<id>' | 'r:<id>' -> the full object for the panel
const pages = new Map(); // entity id -> { total, rels: [relation id], cursor, hasNext }
const paths = new Map(); // 'a|b' -> { length, entities: [id], relations: [id] } | null
const rankings = new Map(); // measure -> Map(id -> score)
// Per set of visible entities (their sorted ids joined by ','), from neighbourhood(depth: 0):
const amongFetched = new Set(); // every relation among them is cached
const communityCache = new Map(); // -> Map(id -> community)
const structureCache = new Map(); // -> { brokers: Map(id -> { cutOff, parts }), bridges: Set(relation id) }
// The day the caches above were filled as of (null: every relation ever recorded). When the
// state's "as of" day changes, what was fetched for another day is dropped and fetched again.
let cachedAsOf = null;

function forgetOtherDays() {
  if (state.asOf === cachedAsOf) return;
  for (const cache of [relations, pages, paths, rankings, communityCache, structureCache]) cache.clear();
  amongFetched.clear();
  cachedAsOf = state.asOf;
}

function keepEntity(e) {
  const old = entities.get(e.id);
  entities.set(e.id, old ? { ...old, ...e } : { id: e.id, kind: e.kind, name: e.name, degree: e.degree });
}
function keepRelation(r) {
  keepEntity(r.from);
  keepEntity(r.to);
  const rel = { ...r, from: r.from.id, to: r.to.id };
  delete rel.citations;
  relations.set(r.id, rel);
  return rel;
}

// ---------------------------------------------------------------------------------------------
// State, history, URL

let state = decode(location.hash);
const undoStack = [];
let lastHash = null;

/** Changes the state as `change` says, with an undo step, then fetches and redraws. */
function act(change, { undo = true } = {}) {
  const before = JSON.stringify(state);
  change(state);
  if (JSON.stringify(state) === before) return sync();
  if (undo) {
    undoStack.push(before);
    if (undoStack.length > 200) undoStack.shift();
  }
  writeHash();
  return sync();
}

function undo() {
  const prev = undoStack.pop();
  if (!prev) return;
  state = JSON.parse(prev);
  writeHash();
  sync();
}

function writeHash() {
  lastHash = encode(state);
  history.replaceState(null, '', `${location.pathname}${location.search}#${lastHash}`);
}

window.addEventListener('hashchange', () => {
  const h = location.hash.replace(/^#/, '');
  if (h === lastHash) return;
  undoStack.push(JSON.stringify(state));
  state = decode(h);
  lastHash = h;
  sync();
});

// ---------------------------------------------------------------------------------------------
// The canvas

const graph = new Graph({ multi: true, type: 'directed', allowSelfLoops: true });
const container = document.getElementById('canvas');
const renderer = new Sigma(graph, container, {
  allowInvalidContainer: true,
  enableEdgeEvents: true,
  renderEdgeLabels: false,
  defaultEdgeType: 'arrow',
  edgeProgramClasses,
  nodeProgramClasses,
  defaultNodeType: 'circle',
  labelFont: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  labelSize: 12,
  labelWeight: '500',
  labelColor: { color: '#1d2733' },
  edgeLabelSize: 10,
  edgeLabelColor: { color: '#5b6673' },
  labelRenderedSizeThreshold: 7,
  labelDensity: 0.6,
  zIndex: true,
  stagePadding: 70,
  minCameraRatio: 0.02,
  maxCameraRatio: 20,
  nodeReducer,
  edgeReducer,
});

let hoveredNode = null;
let pathSets = null; // { nodes: Set, edges: Set } of the shown path

/** The entity whose relations get their labels drawn: the one hovered, else the one selected. */
function focusNode() {
  if (hoveredNode) return hoveredNode;
  return state.sel && state.sel.startsWith('e:') ? state.sel.slice(2) : null;
}

function nodeReducer(node, data) {
  const res = { ...data };
  const selected = state.sel === `e:${node}`;
  if (graph.order <= 60) res.forceLabel = true;
  if (pathSets) {
    if (pathSets.nodes.has(node)) {
      res.zIndex = 2;
      res.forceLabel = true;
    } else {
      res.color = DIM_NODE;
      res.label = graph.order > 60 ? null : res.label;
      res.zIndex = 0;
    }
  }
  if (hoveredNode && hoveredNode !== node && !graph.areNeighbors(hoveredNode, node) && !pathSets) {
    res.color = DIM_NODE;
    res.label = null;
  }
  if (res.color === DIM_NODE) res.type = 'circle';
  if (node === hoveredNode && data.broker && res.label) {
    res.label = `${res.label} — broker: cuts off ${entityCount(data.broker.cutOff)}`;
  }
  if (selected || node === hoveredNode) {
    res.highlighted = true;
    res.forceLabel = true;
    res.zIndex = 3;
  }
  return res;
}

function edgeReducer(edge, data) {
  const res = { ...data };
  // Relation labels: all of them on a small canvas, else those of the entity in focus.
  if (perf.edges > 25) {
    const focus = focusNode();
    const [s, t] = graph.extremities(edge);
    if (!focus || (s !== focus && t !== focus)) res.label = null;
  }
  if (pathSets) {
    if (pathSets.edges.has(edge)) {
      res.label = data.label;
      res.color = PATH;
      res.size = 3.5;
      res.zIndex = 2;
      res.forceLabel = true;
    } else {
      res.color = DIM_EDGE;
      res.label = null;
      if (data.bridge) res.size = 1.5;
    }
  }
  if (hoveredNode && !pathSets) {
    const [s, t] = graph.extremities(edge);
    if (s !== hoveredNode && t !== hoveredNode) {
      res.color = DIM_EDGE;
      res.label = null;
    }
  }
  if (state.sel === `r:${edge}`) {
    res.label = data.label;
    res.color = SELECTED_EDGE;
    res.size = 4;
    res.zIndex = 3;
    res.forceLabel = true;
  }
  return res;
}

// Where new entities appear: beside an entity already placed, or near the middle.
function hash32(text) {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}
function jitter(id, salt = '') {
  const h = hash32(id + salt);
  const angle = ((h & 0xffff) / 0x10000) * 2 * Math.PI;
  const radius = 0.5 + ((h >>> 16) / 0x10000) * 0.5;
  return [Math.cos(angle) * radius, Math.sin(angle) * radius];
}

// ---------------------------------------------------------------------------------------------
// What is visible

/** The entities the state puts on the canvas, and why each one is there. */
function visibleEntities() {
  const removed = new Set(state.removed);
  const anchors = new Set();
  const v = new Set();
  const add = (id, anchor) => {
    if (removed.has(id) || !entities.has(id)) return;
    v.add(id);
    if (anchor) anchors.add(id);
  };
  for (const id of state.seeds) add(id, true);
  for (const [id, n] of state.exp) {
    if (removed.has(id)) continue;
    add(id, true);
    const p = pages.get(id);
    if (!p) continue;
    for (const rid of p.rels.slice(0, n)) {
      const r = relations.get(rid);
      if (r) {
        add(r.from, false);
        add(r.to, false);
      }
    }
  }
  const path = currentPath();
  if (path) for (const id of path.entities) add(id, true);
  for (const id of Object.keys(state.pinned)) if (v.has(id)) anchors.add(id);
  if (state.sel && state.sel.startsWith('e:') && v.has(state.sel.slice(2))) anchors.add(state.sel.slice(2));
  return { v, anchors };
}

function currentPath() {
  if (!state.path) return null;
  return paths.get(state.path.join('|')) || null;
}

function timeWindow() {
  if (!state.time) return null;
  return [firstDay(state.time[0]), lastDay(state.time[1])];
}

function relationShown(r, win) {
  const s = span(r);
  if (!s) return state.undated;
  if (!win) return true;
  return s[1] >= win[0] && s[0] <= win[1];
}

function expansionOf(id) {
  const e = state.exp.find(([x]) => x === id);
  return e ? e[1] : 0;
}

// ---------------------------------------------------------------------------------------------
// Fetching what the state needs

let syncChain = Promise.resolve();
let errorTimer = null;

function showError(err) {
  const box = document.getElementById('error');
  box.textContent = String(err && err.message ? err.message : err);
  box.hidden = false;
  clearTimeout(errorTimer);
  errorTimer = setTimeout(() => (box.hidden = true), 8000);
  console.warn('explorer:', err);
}

/** Fetches whatever the state needs and is not cached, then redraws. Calls run one at a time. */
function sync() {
  syncChain = syncChain.then(doSync).catch(showError);
  return syncChain;
}

/** Fetches the entities `ids` and every relation among them; with their subgraph's
 *  communities and/or brokers and bridges, kept in the caches above. */
async function fetchAmong(ids, withCommunities = false, withStructure = false) {
  const query = withCommunities || withStructure ? Q.amongWith(withCommunities, withStructure) : Q.among;
  const data = await gql(query, { ids, asOf: state.asOf });
  const n = data.neighbourhood;
  n.entities.forEach(keepEntity);
  n.relations.forEach(keepRelation);
  const key = [...ids].sort().join(',');
  if (withCommunities) {
    const map = new Map();
    for (const c of n.communities.communities) for (const m of c.members) map.set(m.id, c.id);
    communityCache.set(key, map);
  }
  if (withStructure) {
    structureCache.set(key, {
      brokers: new Map(n.brokers.map((b) => [b.entity.id, { cutOff: b.cutOff, parts: b.parts }])),
      bridges: new Set(n.bridges.map((r) => r.id)),
    });
  }
}

async function ensurePage(id, n) {
  let p = pages.get(id);
  if (!p) {
    p = { total: null, rels: [], cursor: null, hasNext: true };
    pages.set(id, p);
  }
  while (p.rels.length < n && p.hasNext) {
    const first = Math.min(MAX_PAGE, n - p.rels.length);
    const data = await gql(Q.page, { id, first, after: p.cursor, asOf: state.asOf });
    if (!data.entity) throw new Error(`no entity has the id ${id}`);
    const c = data.entity.relations;
    p.total = c.totalCount;
    for (const r of c.nodes) p.rels.push(keepRelation(r).id);
    p.cursor = c.pageInfo.endCursor;
    p.hasNext = c.pageInfo.hasNextPage;
  }
}

async function doSync() {
  // 0. Nothing fetched as of another day stays.
  forgetOtherDays();
  // 1. The seeds (and a path's ends), in chunks the API takes.
  const wanted = new Set(state.seeds);
  if (state.path) state.path.forEach((id) => wanted.add(id));
  for (const id of Object.keys(state.pinned)) wanted.add(id);
  const missing = [...wanted].filter((id) => !entities.has(id));
  for (let i = 0; i < missing.length; i += MAX_IDS) {
    await fetchAmong(missing.slice(i, i + MAX_IDS), false).catch(showError);
  }
  // 2. The expansions.
  for (const [id, n] of state.exp) {
    if (state.removed.includes(id)) continue;
    await ensurePage(id, n);
  }
  // 3. The path.
  if (state.path && !paths.has(state.path.join('|'))) {
    const [from, to] = state.path;
    const data = await gql(Q.path, { from, to, asOf: state.asOf });
    const p = data.shortestPath;
    paths.set(
      state.path.join('|'),
      p && {
        length: p.length,
        entities: p.entities.map((e) => (keepEntity(e), e.id)),
        relations: p.relations.map((r) => keepRelation(r).id),
      },
    );
    if (!p) showError(`No path joins ${entities.get(from)?.name || from} and ${entities.get(to)?.name || to}.`);
  }
  // 4. Every relation among the visible entities, when the API can take them in one list;
  //    with it, the communities of that subgraph when colouring by community, and its
  //    brokers and bridges when structure is shown.
  const { v } = visibleEntities();
  if (v.size > 1 && v.size <= MAX_IDS) {
    const ids = [...v].sort();
    const key = ids.join(',');
    const withC = state.color === 'community' && !communityCache.has(key);
    const withS = state.structure && !structureCache.has(key);
    if (!amongFetched.has(key) || withC || withS) {
      await fetchAmong(ids, withC, withS);
      amongFetched.add(key);
    }
  }
  // 5. The ranking that sizes the nodes.
  if ((state.size === 'pagerank' || state.size === 'betweenness') && !rankings.has(state.size)) {
    const data = await gql(Q.ranking, { measure: state.size.toUpperCase(), asOf: state.asOf });
    rankings.set(state.size, new Map(data.ranking.map((r) => [r.entity.id, r.score])));
  }
  // 6. The selection's details.
  if (state.sel && !details.has(state.sel)) {
    const [what, id] = [state.sel.slice(0, 1), state.sel.slice(2)];
    const data = await gql(what === 'e' ? Q.entity : Q.relation, { id });
    const obj = what === 'e' ? data.entity : data.relation;
    if (obj) {
      details.set(state.sel, obj);
      if (what === 'e') keepEntity(obj);
      else keepRelation(obj);
    } else {
      state.sel = null;
      writeHash();
    }
  }
  render();
}

// ---------------------------------------------------------------------------------------------
// Drawing

let layout = null;
let layoutTimer = null;
const perf = { renderMs: null, action: null, started: 0, firstDrawMs: null, layoutMs: null, nodes: 0, edges: 0, layoutRunning: false };
let awaitingDraw = false;

function startTiming(action) {
  perf.action = action;
  perf.started = performance.now();
  perf.firstDrawMs = null;
  perf.layoutMs = null;
  awaitingDraw = true;
}

renderer.on('afterRender', () => {
  if (awaitingDraw && graph.order > 0 && perf.started) {
    awaitingDraw = false;
    perf.firstDrawMs = Math.round(performance.now() - perf.started);
  }
});

function nodeSize(e) {
  // A crowded canvas gets smaller discs, so a hub's thousand neighbours do not overlap.
  const crowd = graph.order > 150 ? Math.max(0.3, Math.sqrt(150 / graph.order)) : 1;
  return crowd * baseSize(e);
}

function baseSize(e) {
  switch (state.size) {
    case 'none':
      return 6;
    case 'pagerank':
    case 'betweenness': {
      const m = rankings.get(state.size);
      const score = m ? m.get(e.id) : undefined;
      if (score === undefined) return 4;
      const max = Math.max(...m.values()) || 1;
      return 5 + 17 * Math.sqrt(score / max);
    }
    default:
      return Math.min(24, 5 + 2.6 * Math.log2(1 + e.degree));
  }
}

function edgeType(r) {
  const dashed = r.claim === 'ALLEGED' || r.claim === 'DISPUTED';
  if (r.symmetric) return dashed ? 'dashedLine' : 'line';
  return dashed ? 'dashedArrow' : 'arrow';
}

function edgeColour(r) {
  switch (r.claim) {
    case 'ALLEGED':
      return EDGE.alleged;
    case 'DISPUTED':
      return EDGE.disputed;
    case 'CONFIRMED':
      return EDGE.confirmed;
    default:
      return EDGE.plain;
  }
}

let communityOf = null;

function communities(v) {
  if (state.color !== 'community') return null;
  const ids = [...v].sort();
  const fromApi = communityCache.get(ids.join(','));
  if (fromApi) return { map: fromApi, source: 'the API (Louvain on the entities shown)' };
  // Above the API's list size, Louvain runs here on the subgraph drawn.
  if (graph.order === 0) return null;
  const plain = new Graph({ type: 'undirected' });
  graph.forEachNode((n) => plain.addNode(n));
  graph.forEachEdge((e, a, s, t) => {
    if (s !== t && !plain.hasEdge(s, t)) plain.addEdge(s, t);
  });
  const parts = louvain(plain, { rng: seededRandom(42) });
  return { map: new Map(Object.entries(parts)), source: 'Louvain in the browser (over 100 entities shown)' };
}

function seededRandom(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}

const entityCount = (n) => `${fmt.format(n)} ${n === 1 ? 'entity' : 'entities'}`;

/**
 * The brokers and bridges to mark, or null when structure is off (or not known yet): the
 * API's, computed on the entities drawn and every relation among them, up to 100 entities;
 * beyond, computed here on the drawing (structureInBrowser).
 */
function structure(v) {
  if (!state.structure) return null;
  if (v.size < 2) return { brokers: new Map(), bridges: new Set(), source: 'nothing to split' };
  const fromApi = structureCache.get([...v].sort().join(','));
  if (fromApi) {
    return { ...fromApi, source: `the API, on the ${fmt.format(v.size)} entities drawn and every relation among them, all dates` };
  }
  if (v.size <= MAX_IDS) return null; // being fetched
  return { ...structureInBrowser(), source: `computed in the browser on the relations drawn (over ${MAX_IDS} entities), all dates` };
}

/**
 * Brokers (articulation points) and bridges of the graph drawn, read as the API reads it:
 * undirected and simple (several relations between two entities are one tie, and never a
 * bridge; self-relations ignored), whatever the date filter hides. Tarjan's depth-first
 * search, without recursion: O(V + E). A broker's parts are the sizes of the pieces its
 * connected component falls into without it, largest first; its cutOff, all but the largest.
 */
function structureInBrowser() {
  const ids = graph.nodes();
  const n = ids.length;
  const index = new Map(ids.map((id, i) => [id, i]));
  const ties = new Map(); // i * n + j (i < j) -> { count, relation }
  const adj = Array.from({ length: n }, () => []);
  graph.forEachEdge((eid, attrs, s, t) => {
    if (s === t) return;
    let i = index.get(s);
    let j = index.get(t);
    if (i > j) [i, j] = [j, i];
    const tie = ties.get(i * n + j);
    if (tie) tie.count++;
    else {
      ties.set(i * n + j, { count: 1, relation: eid });
      adj[i].push(j);
      adj[j].push(i);
    }
  });
  const disc = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const size = new Int32Array(n);
  const parent = new Int32Array(n).fill(-1);
  const brokers = new Map();
  const bridges = new Set();
  let clock = 0;
  for (let root = 0; root < n; root++) {
    if (disc[root] >= 0) continue;
    const split = new Map(); // vertex -> sizes of the child subtrees it alone holds on to
    const stack = [root];
    const next = [0];
    disc[root] = low[root] = clock++;
    size[root] = 1;
    let members = 1;
    while (stack.length) {
      const top = stack.length - 1;
      const u = stack[top];
      if (next[top] < adj[u].length) {
        const w = adj[u][next[top]++];
        if (disc[w] < 0) {
          parent[w] = u;
          disc[w] = low[w] = clock++;
          size[w] = 1;
          members++;
          stack.push(w);
          next.push(0);
        } else if (w !== parent[u]) low[u] = Math.min(low[u], disc[w]);
        continue;
      }
      stack.pop();
      next.pop();
      const p = parent[u];
      if (p < 0) continue;
      low[p] = Math.min(low[p], low[u]);
      size[p] += size[u];
      if (low[u] >= disc[p]) {
        if (!split.has(p)) split.set(p, []);
        split.get(p).push(size[u]);
      }
      if (low[u] > disc[p]) {
        const tie = ties.get(Math.min(p, u) * n + Math.max(p, u));
        if (tie.count === 1) bridges.add(tie.relation);
      }
    }
    for (const [u, held] of split) {
      const parts = [...held];
      if (u === root) {
        if (parts.length < 2) continue;
      } else {
        parts.push(members - 1 - held.reduce((a, b) => a + b, 0));
      }
      parts.sort((a, b) => b - a);
      brokers.set(ids[u], { cutOff: parts.slice(1).reduce((a, b) => a + b, 0), parts });
    }
  }
  return { brokers, bridges };
}

let structureShown = null;

/** Rebuilds the canvas from the state and the cache. */
function render() {
  const t0 = performance.now();
  const { v, anchors } = visibleEntities();
  const path = currentPath();
  const win = timeWindow();

  // Entities: drop those no longer wanted, add the new ones.
  const before = graph.order;
  graph.forEachNode((n) => {
    if (!v.has(n)) graph.dropNode(n);
  });
  const added = [];
  for (const id of v) {
    if (!graph.hasNode(id)) {
      graph.addNode(id, { x: NaN, y: NaN });
      added.push(id);
    }
  }
  // Relations: every one cached whose two ends are on the canvas.
  const edgeIds = new Set();
  for (const r of relations.values()) {
    if (!v.has(r.from) || !v.has(r.to)) continue;
    edgeIds.add(r.id);
    if (!graph.hasEdge(r.id)) graph.addDirectedEdgeWithKey(r.id, r.from, r.to, {});
  }
  graph.forEachEdge((e) => {
    if (!edgeIds.has(e)) graph.dropEdge(e);
  });

  // Place the new entities next to a neighbour already placed, else near the middle.
  const placed = (n) => Number.isFinite(graph.getNodeAttribute(n, 'x'));
  let cx = 0;
  let cy = 0;
  let count = 0;
  let extent = 1;
  graph.forEachNode((n, a) => {
    if (Number.isFinite(a.x)) {
      cx += a.x;
      cy += a.y;
      count++;
    }
  });
  if (count) {
    cx /= count;
    cy /= count;
    graph.forEachNode((n, a) => {
      if (Number.isFinite(a.x)) extent = Math.max(extent, Math.abs(a.x - cx), Math.abs(a.y - cy));
    });
  }
  for (const id of added) {
    const pin = state.pinned[id];
    if (pin) {
      graph.mergeNodeAttributes(id, { x: pin[0], y: pin[1] });
      continue;
    }
    const parent = graph.neighbors(id).find(placed);
    const [jx, jy] = jitter(id);
    if (parent) {
      const p = graph.getNodeAttributes(parent);
      const spread = Math.max(1, Math.sqrt(graph.degree(parent))) * 0.6;
      graph.mergeNodeAttributes(id, { x: p.x + jx * spread, y: p.y + jy * spread });
    } else {
      graph.mergeNodeAttributes(id, { x: cx + jx * extent * 0.8, y: cy + jy * extent * 0.8 });
    }
  }

  // Attributes: colour, size, label, visibility under the date filter.
  const comm = communities(v);
  communityOf = comm;
  const marks = structure(v);
  structureShown = marks;
  const shownRel = new Set();
  const onPath = new Set(path ? path.relations : []);
  graph.forEachEdge((eid) => {
    const r = relations.get(eid);
    // The path's relations stay drawn whatever the date filter says.
    const shown = relationShown(r, win) || onPath.has(eid);
    if (shown) shownRel.add(eid);
    const bridge = Boolean(marks && marks.bridges.has(eid));
    graph.mergeEdgeAttributes(eid, {
      type: edgeType(r),
      color: bridge ? STRUCTURE_COLOUR : edgeColour(r),
      size: bridge ? 4 : r.claim === 'ALLEGED' || r.claim === 'DISPUTED' ? 2 : 1.5,
      label: r.date ? `${r.label} · ${r.date}` : r.label,
      hidden: !shown,
      bridge,
    });
  });
  let shownEntities = 0;
  graph.forEachNode((id) => {
    const e = entities.get(id);
    const hasShown = graph.edges(id).some((eid) => shownRel.has(eid));
    const shown = anchors.has(id) || hasShown || graph.degree(id) === 0;
    if (shown) shownEntities++;
    let colour = KIND_COLOURS[e.kind] || '#888';
    if (comm) {
      const c = comm.map.get(id);
      colour = c === undefined ? '#999' : COMMUNITY_COLOURS[Number(c) % COMMUNITY_COLOURS.length];
    }
    const pinned = Boolean(state.pinned[id]);
    const broker = (marks && marks.brokers.get(id)) || null;
    graph.mergeNodeAttributes(id, {
      label: pinned ? `${e.name} ⚑` : e.name,
      // A ring takes 4.5 pixels of the disc: brokers grow by as much, so their colour shows.
      size: nodeSize(e) + (broker ? 4.5 : 0),
      color: colour,
      hidden: !shown,
      fixed: pinned,
      type: broker ? 'ring' : 'circle',
      broker,
    });
    if (pinned) graph.mergeNodeAttributes(id, { x: state.pinned[id][0], y: state.pinned[id][1] });
  });

  pathSets = path ? { nodes: new Set(path.entities), edges: new Set(path.relations) } : null;
  perf.nodes = shownEntities;
  perf.edges = shownRel.size;
  renderer.setSetting('renderEdgeLabels', true);

  container.dataset.entities = String(shownEntities);
  container.dataset.relations = String(shownRel.size);
  container.dataset.path = path ? String(path.length) : '';
  container.dataset.brokers = marks ? String(marks.brokers.size) : '';
  container.dataset.bridges = marks ? String(marks.bridges.size) : '';
  document.getElementById('counts').textContent =
    `${fmt.format(shownEntities)} entities · ${fmt.format(shownRel.size)} relations shown` +
    (shownRel.size < graph.size ? ` (${fmt.format(graph.size - shownRel.size)} hidden by the date filter)` : '');
  document.getElementById('empty').hidden = graph.order > 0;

  renderTimeline();
  renderPanel();
  renderLegend(comm);
  renderStructureLegend(marks);
  renderShare(v);
  renderPathBar(path);
  document.getElementById('undo').disabled = undoStack.length === 0;
  colourBy.value = state.color;
  sizeBy.value = state.size;
  structureButton.setAttribute('aria-pressed', String(state.structure));
  renderer.refresh();
  perf.renderMs = Math.round(performance.now() - t0);
  if (added.length || graph.order !== before) runLayout(before === 0);
}

function runLayout(fit) {
  stopLayout();
  if (graph.order < 2) {
    layoutFinished();
    if (fit) fitView();
    return;
  }
  // Small drawings get more gravity, so separate clusters stay close and the view compact.
  const settings = {
    ...forceAtlas2.inferSettings(graph),
    gravity: graph.order < 300 ? 0.6 : 0.05,
    adjustSizes: false,
    edgeWeightInfluence: 0,
  };
  settings.barnesHutOptimize = graph.order > 400;
  layout = new FA2Layout(graph, { settings, getEdgeWeight: null });
  // Labels cost more than discs: a large drawing shows them once it has settled.
  if (graph.order > 300) renderer.setSetting('renderLabels', false);
  layout.start();
  perf.layoutRunning = true;
  document.body.dataset.layout = 'running';
  const started = performance.now();
  const maxMs = Math.min(12_000, 1500 + graph.order * 6);
  let last = positions();
  let fitted = !fit;
  layoutTimer = setInterval(() => {
    const now = positions();
    const moved = movement(last, now);
    last = now;
    const elapsed = performance.now() - started;
    if (!fitted && elapsed > 300) {
      fitView();
      fitted = true;
    }
    if ((elapsed > 800 && moved < 0.004) || elapsed > maxMs) {
      stopLayout();
      layoutFinished();
      if (fit) fitView();
    }
  }, 200);
}

function positions() {
  const out = new Map();
  graph.forEachNode((n, a) => out.set(n, [a.x, a.y]));
  return out;
}

/** Mean displacement between two snapshots, as a share of the drawing's extent. */
function movement(a, b) {
  let sum = 0;
  let n = 0;
  let minX = Infinity;
  let maxX = -Infinity;
  for (const [id, [x, y]] of b) {
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    const p = a.get(id);
    if (!p) continue;
    sum += Math.hypot(x - p[0], y - p[1]);
    n++;
  }
  const extent = Math.max(1e-9, maxX - minX);
  return n ? sum / n / extent : 1;
}

function stopLayout() {
  clearInterval(layoutTimer);
  layoutTimer = null;
  if (layout) {
    layout.kill();
    layout = null;
  }
}

function layoutFinished() {
  if (!renderer.getSetting('renderLabels')) renderer.setSetting('renderLabels', true);
  perf.layoutRunning = false;
  document.body.dataset.layout = 'done';
  if (perf.started && perf.layoutMs === null) perf.layoutMs = Math.round(performance.now() - perf.started);
}

function fitView() {
  renderer.getCamera().animatedReset({ duration: 300 });
}

// ---------------------------------------------------------------------------------------------
// Side panel

const panel = document.getElementById('panel');
const put = (...nodes) => panel.append(...nodes.filter((n) => n !== null && n !== undefined && n !== false));
const PANEL_RELATIONS = 200; // the most relations listed in the panel

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function kindBadge(kind) {
  return el('span', { class: 'badge', style: `--kind:${KIND_COLOURS[kind] || '#888'}` }, kind.toLowerCase());
}

function claimBadge(claim) {
  if (!claim) return null;
  return el('span', { class: `claim claim-${claim.toLowerCase()}` }, claim.toLowerCase());
}

function entityLink(id) {
  const e = entities.get(id);
  return el(
    'a',
    { href: '#', class: 'entity-link', dataset: { entity: id }, onclick: (ev) => (ev.preventDefault(), select(`e:${id}`)) },
    e ? e.name : id,
  );
}

function row(label, ...value) {
  if (value.every((v) => v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length))) return null;
  return el('div', { class: 'row' }, el('dt', {}, label), el('dd', {}, ...value));
}

function renderPanel() {
  panel.replaceChildren();
  if (!state.sel) {
    put(
      el('div', { class: 'hint' },
        el('h2', {}, 'Explore the graph'),
        el('p', {}, 'Search for a person, organisation, court, government, event or place above. ',
          'Click an entity to read about it, double-click it (or use ', el('b', {}, 'Expand'), ') to bring in its relations, ',
          'click a relation to read its sources.'),
        el('p', {}, 'Drag an entity to pin it. The URL keeps the view: reload it or send it to a colleague.')),
    );
    return;
  }
  const id = state.sel.slice(2);
  if (state.sel.startsWith('e:')) renderEntityPanel(id);
  else renderRelationPanel(id);
}

function renderEntityPanel(id) {
  const d = details.get(`e:${id}`);
  const e = entities.get(id) || d;
  if (!e) {
    put(el('p', { class: 'hint' }, 'Loading…'));
    return;
  }
  const onCanvas = graph.hasNode(id);
  const p = pages.get(id);
  const shown = Math.min(expansionOf(id), p ? p.rels.length : 0);
  const total = p && p.total !== null ? p.total : e.degree;
  const remaining = total - shown;
  const steps = remaining > 0 ? EXPAND_STEPS.filter((step, i) => i === 0 || remaining > EXPAND_STEPS[i - 1]) : [];
  const expandButtons = steps.map((step) =>
    el('button', { class: 'expand', dataset: { step }, disabled: remaining <= 0, onclick: () => expand(id, step) },
      shown === 0 && step === EXPAND_STEPS[0] ? 'Expand' : `+${fmt.format(Math.min(step, Math.max(remaining, 0)))}`),
  );
  const pinned = Boolean(state.pinned[id]);
  const broker = structureShown && onCanvas ? structureShown.brokers.get(id) : null;
  put(
    el('header', {}, kindBadge(e.kind), el('h2', { id: 'panel-title' }, e.name), el('code', { class: 'id' }, id)),
    d && d.description ? el('p', { class: 'description' }, d.description) : null,
    el('dl', {},
      row('roles', d && d.roles && d.roles.join(', ')),
      row('aliases', d && d.aliases && d.aliases.join(' · ')),
      row('relations', fmt.format(e.degree)),
      broker
        ? row('structure', el('span', { id: 'panel-broker', class: 'structure-note' }, `broker: cuts off ${entityCount(broker.cutOff)}`),
          ` (without it, the drawing's part falls into pieces of ${broker.parts.map((x) => fmt.format(x)).join(', ')})`)
        : null,
      row('start', d && d.start),
      row('end', d && d.end),
      row('place', d && d.place ? entityLink(d.place.id) : null),
      ...(d && d.attributes ? d.attributes.map((a) => row(a.name.replaceAll('_', ' '), a.value)) : []),
    ),
    el('div', { class: 'expand-bar' },
      el('span', { id: 'expand-status' },
        total === 0 ? 'No relations.' : `${fmt.format(shown)} of ${fmt.format(total)} relations shown`),
      ...expandButtons,
      shown > 0 ? el('button', { class: 'quiet', onclick: () => collapse(id) }, 'Collapse') : null),
    el('div', { class: 'actions' },
      onCanvas ? null : el('button', { onclick: () => act((s) => addSeed(s, id)) }, 'Add to canvas'),
      onCanvas ? el('button', { id: 'pin', onclick: () => togglePin(id) }, pinned ? 'Unpin' : 'Pin') : null,
      onCanvas ? el('button', { id: 'remove', onclick: () => removeEntity(id) }, 'Remove') : null,
      el('button', { id: 'path-start', onclick: () => setPathStart(id), title: 'Then select another entity' },
        pathStart === id ? 'Path starts here ✓' : 'Path from here'),
      pathStart && pathStart !== id
        ? el('button', { id: 'path-end', class: 'primary', onclick: () => showPath(pathStart, id) },
          `Shortest path from ${entities.get(pathStart)?.name || pathStart}`)
        : null),
  );
  // The relations of this entity on the canvas: the readable way to reach the evidence.
  const rels = onCanvas ? graph.edges(id).map((eid) => relations.get(eid)) : [];
  if (rels.length) {
    const win = timeWindow();
    rels.sort((a, b) => (a.date || '9999').localeCompare(b.date || '9999') || a.label.localeCompare(b.label));
    put(
      el('h3', {}, `Relations on the canvas (${fmt.format(rels.length)})`),
      el('ul', { class: 'relations' },
        rels.slice(0, PANEL_RELATIONS).map((r) => {
          const out = r.from === id;
          const other = out ? r.to : r.from;
          return el('li', { class: relationShown(r, win) ? '' : 'filtered' },
            el('button', { class: 'relation', dataset: { relation: r.id }, onclick: () => select(`r:${r.id}`) },
              el('span', { class: 'label' }, out || r.symmetric ? r.label : r.inverseLabel),
              ' ', el('span', { class: 'other' }, entities.get(other)?.name || other),
              r.date ? el('span', { class: 'date' }, r.until ? `${r.date} – ${r.until}` : r.date) : null,
              claimBadge(r.claim)));
        })),
      rels.length > PANEL_RELATIONS
        ? el('p', { class: 'hint' }, `and ${fmt.format(rels.length - PANEL_RELATIONS)} more; click them on the canvas.`)
        : null,
    );
  }
}

function renderRelationPanel(id) {
  const d = details.get(`r:${id}`);
  const r = relations.get(id) || d;
  if (!r) {
    put(el('p', { class: 'hint' }, 'Loading…'));
    return;
  }
  const from = typeof r.from === 'string' ? r.from : r.from.id;
  const to = typeof r.to === 'string' ? r.to : r.to.id;
  put(
    el('header', {}, el('span', { class: 'badge relation-badge' }, r.kind.toLowerCase().replaceAll('_', ' ')),
      el('h2', { id: 'panel-title' }, entityLink(from), ` ${r.label} `, entityLink(to)),
      el('code', { class: 'id' }, id)),
    el('dl', {},
      row('date', r.date ? (r.until ? `${r.date} – ${r.until}` : r.date) : 'undated'),
      row('claim', claimBadge(r.claim) || 'not stated'),
      row('role', r.role),
      structureShown && structureShown.bridges.has(id) && graph.hasEdge(id)
        ? row('structure', el('span', { id: 'panel-bridge', class: 'structure-note' }, 'bridge'),
          ': the only tie between two parts of the drawing')
        : null,
      row('description', d && d.description),
      ...(d && d.attributes ? d.attributes.map((a) => row(a.name.replaceAll('_', ' '), a.value)) : []),
    ),
    el('h3', {}, d ? `Sources (${d.citations.length})` : 'Sources'),
    d
      ? el('ol', { class: 'citations' },
        d.citations.map((c) =>
          el('li', {},
            el('blockquote', { class: 'quote' }, c.quote),
            el('div', { class: 'document' },
              c.document.url
                ? el('a', { href: c.document.url, target: '_blank', rel: 'noopener noreferrer' }, c.document.title)
                : c.document.title,
              [c.document.publisher, c.document.published].filter(Boolean).length
                ? ` — ${[c.document.publisher, c.document.published].filter(Boolean).join(', ')}`
                : ''))))
      : el('p', { class: 'hint' }, 'Loading…'),
  );
}

// ---------------------------------------------------------------------------------------------
// Actions

let pathStart = null;

function addSeed(s, id) {
  if (!s.seeds.includes(id)) s.seeds.push(id);
  s.removed = s.removed.filter((x) => x !== id);
}

function select(sel) {
  act((s) => {
    s.sel = sel;
  }, { undo: false });
}

function expand(id, step) {
  startTiming(`expand ${id} +${step}`);
  act((s) => {
    const e = s.exp.find(([x]) => x === id);
    if (e) e[1] += step;
    else s.exp.push([id, step]);
    s.removed = s.removed.filter((x) => x !== id);
    if (!s.seeds.includes(id) && !graph.hasNode(id)) s.seeds.push(id);
  });
}

function collapse(id) {
  act((s) => {
    s.exp = s.exp.filter(([x]) => x !== id);
  });
}

function removeEntity(id) {
  act((s) => {
    s.seeds = s.seeds.filter((x) => x !== id);
    s.exp = s.exp.filter(([x]) => x !== id);
    delete s.pinned[id];
    if (!s.removed.includes(id)) s.removed.push(id);
    if (s.path && s.path.includes(id)) s.path = null;
    if (s.sel === `e:${id}`) s.sel = null;
  });
}

function togglePin(id) {
  act((s) => {
    if (s.pinned[id]) delete s.pinned[id];
    else {
      const a = graph.getNodeAttributes(id);
      s.pinned[id] = [round(a.x), round(a.y)];
    }
  });
}

const round = (x) => Math.round(x * 10) / 10;

function setPathStart(id) {
  pathStart = pathStart === id ? null : id;
  renderPanel();
}

function showPath(from, to) {
  pathStart = null;
  act((s) => {
    s.path = [from, to];
  });
}

function clearAll() {
  act((s) => Object.assign(s, emptyState(), { color: s.color, size: s.size, structure: s.structure }));
}

// ---------------------------------------------------------------------------------------------
// Search

const searchBox = document.getElementById('search');
const hitsBox = document.getElementById('hits');
let searchTimer = null;
let searchSeq = 0;

async function runSearch() {
  const text = searchBox.value.trim();
  const seq = ++searchSeq;
  if (!text) {
    hitsBox.hidden = true;
    return;
  }
  try {
    const data = await gql(Q.search, { text: text.slice(0, 200) });
    if (seq !== searchSeq) return;
    hitsBox.replaceChildren(
      ...(data.search.length
        ? data.search.map((h) => {
          keepEntity(h.entity);
          return el('li', {},
            el('button', { class: 'hit', dataset: { id: h.entity.id }, onclick: () => pick(h.entity.id) },
              kindBadge(h.entity.kind), ' ', el('span', { class: 'name' }, h.entity.name),
              el('span', { class: 'why' },
                `${h.reason.toLowerCase()}: “${h.matched}” · ${fmt.format(h.entity.degree)} relations`)));
        })
        : [el('li', { class: 'none' }, `Nothing matches “${text}”.`)]),
    );
    hitsBox.hidden = false;
  } catch (err) {
    showError(err);
  }
}

function pick(id) {
  hitsBox.hidden = true;
  startTiming(`add ${id}`);
  act((s) => {
    addSeed(s, id);
    s.sel = `e:${id}`;
  });
}

searchBox.addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(runSearch, 180);
});
searchBox.addEventListener('keydown', (ev) => {
  if (ev.key === 'Enter') {
    const first = hitsBox.querySelector('button.hit');
    if (first && !hitsBox.hidden) first.click();
    else runSearch();
  } else if (ev.key === 'Escape') hitsBox.hidden = true;
});
document.addEventListener('click', (ev) => {
  if (!ev.target.closest('#searchbar')) hitsBox.hidden = true;
});

// ---------------------------------------------------------------------------------------------
// Timeline

const tFrom = document.getElementById('t-from');
const tTo = document.getElementById('t-to');
const tLabel = document.getElementById('t-label');
const tUndated = document.getElementById('t-undated');
const asOfInput = document.getElementById('as-of');
const asOfClear = document.getElementById('as-of-clear');
let timeBefore = null;

function dataRange() {
  let min = Infinity;
  let max = -Infinity;
  graph.forEachEdge((eid) => {
    const s = span(relations.get(eid));
    if (!s) return;
    min = Math.min(min, s[0]);
    max = Math.max(max, s[1]);
  });
  return Number.isFinite(min) ? [min, max] : null;
}

function renderTimeline() {
  const range = dataRange();
  const box = document.getElementById('timeline');
  box.classList.toggle('disabled', !range);
  tUndated.checked = state.undated;
  if (asOfInput.value !== (state.asOf || '')) asOfInput.value = state.asOf || '';
  asOfInput.closest('label').classList.toggle('on', Boolean(state.asOf));
  asOfClear.disabled = !state.asOf;
  if (!range) {
    tFrom.disabled = tTo.disabled = true;
    tLabel.textContent = state.time ? `${state.time[0]} – ${state.time[1]}` : 'no dated relations on the canvas';
    return;
  }
  tFrom.disabled = tTo.disabled = false;
  const [lo, hi] = range;
  for (const input of [tFrom, tTo]) {
    input.min = String(lo);
    input.max = String(Math.max(hi, lo + 1));
  }
  const w = timeWindow();
  tFrom.value = String(w ? Math.max(lo, Math.min(hi, w[0])) : lo);
  tTo.value = String(w ? Math.max(lo, Math.min(hi, w[1])) : Math.max(hi, lo + 1));
  tLabel.textContent = state.time
    ? `${state.time[0]} – ${state.time[1]}`
    : `all dates (${isoDay(lo)} – ${isoDay(hi)})`;
}

function onTimeInput(ev) {
  if (timeBefore === null) timeBefore = JSON.stringify(state);
  let a = Number(tFrom.value);
  let b = Number(tTo.value);
  if (a > b) {
    if (ev.target === tFrom) b = a;
    else a = b;
  }
  const range = dataRange();
  state.time = range && a <= range[0] && b >= range[1] ? null : [isoDay(a), isoDay(b)];
  writeHash();
  render();
}

function onTimeChange() {
  if (timeBefore !== null && timeBefore !== JSON.stringify(state)) undoStack.push(timeBefore);
  timeBefore = null;
  render();
}

tFrom.addEventListener('input', onTimeInput);
tTo.addEventListener('input', onTimeInput);
tFrom.addEventListener('change', onTimeChange);
tTo.addEventListener('change', onTimeChange);
tUndated.addEventListener('change', () => act((s) => (s.undated = tUndated.checked)));
document.getElementById('t-reset').addEventListener('click', () => act((s) => (s.time = null)));
asOfInput.addEventListener('change', () => {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(asOfInput.value) ? asOfInput.value : null;
  act((s) => (s.asOf = day));
});
asOfClear.addEventListener('click', () => act((s) => (s.asOf = null)));

// ---------------------------------------------------------------------------------------------
// Legend, path bar, share

function renderLegend(comm) {
  const box = document.getElementById('legend-nodes');
  if (comm) {
    const counts = new Map();
    for (const c of comm.map.values()) counts.set(c, (counts.get(c) || 0) + 1);
    box.replaceChildren(
      el('div', { class: 'legend-title' }, `${counts.size} communities`, el('small', {}, ` — ${comm.source}`)),
      ...[...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([c, n]) =>
        el('span', { class: 'swatch', style: `--c:${COMMUNITY_COLOURS[Number(c) % COMMUNITY_COLOURS.length]}` }, `${n}`)),
    );
  } else {
    box.replaceChildren(
      ...Object.entries(KIND_COLOURS).map(([k, c]) => el('span', { class: 'swatch', style: `--c:${c}` }, k.toLowerCase())),
    );
  }
}

function renderStructureLegend(marks) {
  const box = document.getElementById('legend-structure');
  box.hidden = !state.structure;
  if (!state.structure) return;
  if (!marks) {
    box.replaceChildren(el('span', {}, 'Structure: …'));
    return;
  }
  const b = marks.brokers.size;
  const r = marks.bridges.size;
  box.style.setProperty('--structure', STRUCTURE_COLOUR);
  box.replaceChildren(
    el('span', { class: 'swatch broker-mark' }, `${fmt.format(b)} broker${b === 1 ? '' : 's'}`),
    el('span', { class: 'edge edge-bridge' }, `${fmt.format(r)} bridge${r === 1 ? '' : 's'}`),
    el('small', {}, ` — ${marks.source}`),
  );
}

function renderPathBar(path) {
  const bar = document.getElementById('pathbar');
  if (!state.path) {
    bar.hidden = true;
    return;
  }
  const [a, b] = state.path;
  bar.hidden = false;
  bar.replaceChildren(
    el('span', {}, 'Shortest path: ', entityLink(a), ' → ', entityLink(b), ' ',
      path ? el('b', { id: 'path-length' }, `${path.length} step${path.length === 1 ? '' : 's'}`) : paths.has(state.path.join('|')) ? 'not connected' : '…'),
    el('button', { class: 'quiet', id: 'path-clear', onclick: () => act((s) => (s.path = null)) }, 'Clear'),
  );
}

const FORMATS = [
  ['node-link', 'node-link JSON', 'NetworkX, D3'],
  ['graphml', 'GraphML', 'NetworkX, yEd, Gephi'],
  ['gexf', 'GEXF', 'Gephi (with a timeline)'],
  ['cytoscape', 'Cytoscape JSON', 'Cytoscape.js'],
  ['csv', 'CSV', 'pandas'],
  ['dot', 'DOT', 'Graphviz'],
  ['ftm', 'FtM', 'FollowTheMoney, Aleph'],
];

/** The ids and depth that give the drawn subgraph to /export and to the playground. */
function subgraphSelection(v) {
  const ids = [...v].sort();
  if (ids.length && ids.length <= MAX_IDS) return { ids, depth: 0, exact: true };
  const anchors = [...new Set([...state.seeds, ...state.exp.map(([id]) => id)])].filter((id) => v.has(id));
  return { ids: anchors.slice(0, MAX_IDS), depth: 1, exact: false };
}

function renderShare(v) {
  const sel = subgraphSelection(v);
  const menu = document.getElementById('export-list');
  const note = document.getElementById('export-note');
  const asOf = state.asOf ? `\n    asOf: ${JSON.stringify(state.asOf)}` : '';
  const query = `# The explorer's view: ${sel.exact ? `these ${sel.ids.length} entities and the relations among them` : `the neighbourhoods of ${sel.ids.length} entities`}${state.asOf ? `, as of ${state.asOf}` : ''}
{
  neighbourhood(
    ids: [${sel.ids.map((id) => JSON.stringify(id)).join(', ')}]
    depth: ${sel.depth}
    limit: 1000${asOf}
  ) {
    truncated
    entities { id name kind }
    relations {
      label date claim
      from { name }
      to { name }
      citations { quote document { title } }
    }
  }
}
`;
  const playground = document.getElementById('playground');
  playground.href = `/?query=${encodeURIComponent(query)}`;
  playground.classList.toggle('disabled', !sel.ids.length);
  menu.replaceChildren(
    ...FORMATS.map(([f, name, tool]) => {
      const day = state.asOf ? `&asOf=${state.asOf}` : '';
      const href = `/export/${f}?ids=${sel.ids.map(encodeURIComponent).join(',')}&depth=${sel.depth}&limit=10000${day}`;
      return el('li', {}, el('a', { href, download: '', class: 'export', dataset: { format: f } }, name, el('small', {}, ` ${tool}`)));
    }),
  );
  const dates = state.asOf ? `as of ${state.asOf}` : 'all dates';
  note.textContent = sel.exact
    ? `The ${sel.ids.length} entities drawn and every relation among them (${dates}).`
    : `Over ${MAX_IDS} entities are drawn: the files hold the neighbourhoods of the ${sel.ids.length} entities you searched or expanded (${dates}).`;
  document.getElementById('export').classList.toggle('disabled', !sel.ids.length);
}

// ---------------------------------------------------------------------------------------------
// Canvas events: click selects, double-click expands, drag pins, hover shows neighbours

let dragged = null;
let dragMoved = false;

renderer.on('clickNode', ({ node }) => {
  if (dragMoved) return;
  select(`e:${node}`);
});
renderer.on('doubleClickNode', ({ node, event }) => {
  event.preventSigmaDefault();
  const p = pages.get(node);
  const remaining = (p && p.total !== null ? p.total : entities.get(node).degree) - expansionOf(node);
  if (remaining > 0) expand(node, EXPAND_STEPS[0]);
});
renderer.on('clickEdge', ({ edge }) => select(`r:${edge}`));
renderer.on('clickStage', () => {
  if (state.sel) select(null);
});
renderer.on('enterNode', ({ node }) => {
  hoveredNode = node;
  container.style.cursor = 'pointer';
  renderer.refresh({ skipIndexation: true });
});
renderer.on('leaveNode', () => {
  hoveredNode = null;
  container.style.cursor = '';
  renderer.refresh({ skipIndexation: true });
});
renderer.on('enterEdge', () => (container.style.cursor = 'pointer'));
renderer.on('leaveEdge', () => (container.style.cursor = ''));
renderer.on('downNode', ({ node }) => {
  dragged = node;
  dragMoved = false;
});
renderer.on('moveBody', ({ event }) => {
  if (!dragged) return;
  const pos = renderer.viewportToGraph(event);
  graph.mergeNodeAttributes(dragged, { x: pos.x, y: pos.y, fixed: true });
  dragMoved = true;
  event.preventSigmaDefault();
  event.original.preventDefault();
  event.original.stopPropagation();
});
function endDrag() {
  if (dragged && dragMoved) {
    const id = dragged;
    const a = graph.getNodeAttributes(id);
    act((s) => {
      s.pinned[id] = [round(a.x), round(a.y)];
    });
  }
  dragged = null;
  setTimeout(() => (dragMoved = false), 0);
}
renderer.on('upNode', endDrag);
renderer.on('upStage', endDrag);

// ---------------------------------------------------------------------------------------------
// Toolbar

document.getElementById('undo').addEventListener('click', undo);
document.getElementById('clear').addEventListener('click', clearAll);
document.getElementById('fit').addEventListener('click', fitView);
document.getElementById('relayout').addEventListener('click', () => {
  startTiming('layout');
  runLayout(true);
});
const colourBy = document.getElementById('colour-by');
const sizeBy = document.getElementById('size-by');
colourBy.addEventListener('change', () => act((s) => (s.color = colourBy.value)));
sizeBy.addEventListener('change', () => act((s) => (s.size = sizeBy.value)));
const structureButton = document.getElementById('structure');
structureButton.addEventListener('click', () => act((s) => (s.structure = !s.structure)));
document.getElementById('export').addEventListener('click', (ev) => {
  if (ev.target.closest('#export-toggle')) {
    document.getElementById('export-menu').hidden = !document.getElementById('export-menu').hidden;
  }
});
document.addEventListener('click', (ev) => {
  if (!ev.target.closest('#export')) document.getElementById('export-menu').hidden = true;
});
document.addEventListener('keydown', (ev) => {
  if ((ev.ctrlKey || ev.metaKey) && ev.key === 'z' && ev.target.tagName !== 'INPUT') {
    ev.preventDefault();
    undo();
  }
});

// ---------------------------------------------------------------------------------------------
// For tests and the curious: window.dossierExplorer

window.dossierExplorer = {
  graph,
  renderer,
  perf,
  get state() {
    return JSON.parse(JSON.stringify(state));
  },
  counts: () => ({ entities: perf.nodes, relations: perf.edges, drawn: graph.order, edges: graph.size }),
  /** What the canvas marks: brokers (id -> entities cut off) and bridges (relation ids). */
  structure: () => {
    const brokers = {};
    const bridges = [];
    graph.forEachNode((n, a) => {
      if (a.type === 'ring') brokers[n] = a.broker.cutOff;
    });
    graph.forEachEdge((e, a) => {
      if (a.bridge) bridges.push(e);
    });
    return { on: state.structure, source: structureShown ? structureShown.source : null, brokers, bridges: bridges.sort() };
  },
  /** The brokers and bridges of the drawing as the browser computes them (the fallback above
   *  100 entities), to check against the API. */
  structureInBrowser: () => {
    const s = structureInBrowser();
    return { brokers: Object.fromEntries([...s.brokers].map(([id, b]) => [id, b.cutOff])), bridges: [...s.bridges].sort() };
  },
  /** Resolves when no query is in flight, the state is synced and the layout has stopped. */
  async settled() {
    for (;;) {
      await syncChain;
      await whenIdle();
      if (!perf.layoutRunning && !layoutTimer) {
        await syncChain;
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  },
  expand,
  select,
  showPath,
};

writeHash();
sync().then(() => {
  document.body.dataset.ready = 'true';
});
