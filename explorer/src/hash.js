// The page's state in the URL's fragment, so a view can be reloaded or sent to a colleague:
//   s=seed,seed  x=id:n,id:n (expanded, n relations shown)  rm=id,id (removed)
//   pin=id:x:y,…  sel=e:id | r:id  path=from,to  t=from..to (dates)  u=0 (hide undated)
//   a=YYYY-MM-DD (the graph as of that day)
//   c=community  z=pagerank|betweenness|none  st=1 (brokers and bridges marked)
// Ids are slugs; each part is percent-encoded anyway.

const enc = encodeURIComponent;
const dec = decodeURIComponent;

/** A fresh, empty state. */
export function emptyState() {
  return {
    seeds: [], // entity ids put on the canvas by search or by hand
    exp: [], // [id, n]: the first n relations of id are shown
    removed: [], // entity ids the user removed
    pinned: {}, // id -> [x, y]
    sel: null, // 'e:<id>' or 'r:<id>'
    path: null, // [from, to]
    time: null, // [from, to] as YYYY-MM-DD, or null for no date filter
    undated: true, // whether undated relations are shown
    asOf: null, // 'YYYY-MM-DD': every request asks for the graph as of that day (the API's asOf)
    color: 'kind', // 'kind' or 'community'
    size: 'degree', // 'degree', 'pagerank', 'betweenness' or 'none'
    structure: false, // whether brokers and bridges are marked
  };
}

const list = (v) => (v ? v.split(',').filter(Boolean).map(dec) : []);

/** The state as a fragment (without '#'). */
export function encode(s) {
  const parts = [];
  const put = (k, v) => parts.push(`${k}=${v}`);
  if (s.seeds.length) put('s', s.seeds.map(enc).join(','));
  if (s.exp.length) put('x', s.exp.map(([id, n]) => `${enc(id)}:${n}`).join(','));
  if (s.removed.length) put('rm', s.removed.map(enc).join(','));
  const pins = Object.entries(s.pinned);
  if (pins.length) put('pin', pins.map(([id, [x, y]]) => `${enc(id)}:${x}:${y}`).join(','));
  if (s.sel) put('sel', enc(s.sel));
  if (s.path) put('path', s.path.map(enc).join(','));
  if (s.time) put('t', `${s.time[0]}..${s.time[1]}`);
  if (!s.undated) put('u', '0');
  if (s.asOf) put('a', s.asOf);
  if (s.color !== 'kind') put('c', s.color);
  if (s.size !== 'degree') put('z', s.size);
  if (s.structure) put('st', '1');
  return parts.join('&');
}

/** A fragment (with or without '#') as a state; unknown or malformed parts are ignored. */
export function decode(fragment) {
  const s = emptyState();
  const text = fragment.replace(/^#/, '');
  for (const part of text.split('&')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const k = part.slice(0, eq);
    const v = part.slice(eq + 1);
    try {
      switch (k) {
        case 's':
          s.seeds = list(v);
          break;
        case 'x':
          s.exp = v
            .split(',')
            .map((p) => p.split(':'))
            .filter(([id, n]) => id && Number(n) > 0)
            .map(([id, n]) => [dec(id), Math.floor(Number(n))]);
          break;
        case 'rm':
          s.removed = list(v);
          break;
        case 'pin':
          for (const p of v.split(',')) {
            const [id, x, y] = p.split(':');
            if (id && Number.isFinite(Number(x)) && Number.isFinite(Number(y))) {
              s.pinned[dec(id)] = [Number(x), Number(y)];
            }
          }
          break;
        case 'sel':
          if (/^[er]:/.test(dec(v))) s.sel = dec(v);
          break;
        case 'path': {
          const p = list(v);
          if (p.length === 2) s.path = p;
          break;
        }
        case 't': {
          const m = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(v);
          if (m) s.time = [m[1], m[2]];
          break;
        }
        case 'u':
          s.undated = v !== '0';
          break;
        case 'a':
          if (/^\d{4}-\d{2}-\d{2}$/.test(v)) s.asOf = v;
          break;
        case 'c':
          if (v === 'community') s.color = v;
          break;
        case 'z':
          if (['pagerank', 'betweenness', 'none'].includes(v)) s.size = v;
          break;
        case 'st':
          s.structure = v === '1';
          break;
        default:
      }
    } catch {
      // a malformed percent-escape: skip this part
    }
  }
  return s;
}
