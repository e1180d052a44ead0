// The GraphQL API of the server that serves this page: same origin, POST /graphql.
// Nothing here talks to any other host.

/** The fields of an entity drawn on the canvas. */
export const ENTITY = 'id kind name degree';

/** The fields of a relation drawn on the canvas (its citations are read when it is selected). */
export const RELATION = `id kind label inverseLabel symmetric date until claim role
  from { ${ENTITY} } to { ${ENTITY} }`;

/** The fields shown in the side panel for an entity. */
export const ENTITY_DETAILS = `${ENTITY} aliases description attributes { name value }
  ... on Person { roles }
  ... on Event { start end place { id name } }`;

/** The fields shown in the side panel for a relation. */
export const RELATION_DETAILS = `${RELATION} description attributes { name value }
  citations { quote document { id title publisher published url } }`;

/** The most ids one query takes (`--max-list`, 100 by default). */
export const MAX_IDS = 100;
/** The largest page of a connection. */
export const MAX_PAGE = 100;

let inFlight = 0;
const idleWaiters = [];

/** A promise that resolves when no query is in flight. */
export function whenIdle() {
  if (inFlight === 0) return Promise.resolve();
  return new Promise((resolve) => idleWaiters.push(resolve));
}

/** Runs a query; resolves to `data`, rejects with the first error's message. */
export async function gql(query, variables = {}) {
  inFlight++;
  document.body.dataset.busy = 'true';
  try {
    const res = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    let body;
    try {
      body = await res.json();
    } catch {
      throw new Error(`the server answered HTTP ${res.status} without JSON`);
    }
    if (body.errors && body.errors.length) {
      const e = body.errors[0];
      const code = e.extensions && e.extensions.code ? ` (${e.extensions.code})` : '';
      throw new Error(e.message + code);
    }
    return body.data;
  } finally {
    inFlight--;
    if (inFlight === 0) {
      document.body.dataset.busy = 'false';
      idleWaiters.splice(0).forEach((r) => r());
    }
  }
}

// Every query that reads relations takes `$asOf` (null: every relation ever recorded), so the
// canvas shows the graph as of the day the page's "as of" control holds.
export const Q = {
  search: `query Search($text: String!) {
    search(text: $text, limit: 12) { score matched reason entity { ${ENTITY} } } }`,
  entity: `query Entity($id: ID!) { entity(id: $id) { ${ENTITY_DETAILS} } }`,
  relation: `query Relation($id: ID!) { relation(id: $id) { ${RELATION_DETAILS} } }`,
  page: `query Page($id: ID!, $first: Int!, $after: String, $asOf: Date) {
    entity(id: $id) { id relations(first: $first, after: $after, asOf: $asOf) {
      totalCount pageInfo { hasNextPage endCursor } nodes { ${RELATION} } } } }`,
  among: `query Among($ids: [ID!]!, $asOf: Date) {
    neighbourhood(ids: $ids, depth: 0, limit: 1000, asOf: $asOf) { entities { ${ENTITY} } relations { ${RELATION} } } }`,
  /** `among`, with the subgraph's communities and/or its brokers and bridges. */
  amongWith: (communities, structure) => `query AmongWith($ids: [ID!]!, $asOf: Date) {
    neighbourhood(ids: $ids, depth: 0, limit: 1000, asOf: $asOf) { entities { ${ENTITY} } relations { ${RELATION} }
      ${communities ? 'communities { count communities(limit: 100) { id members(limit: 100) { id } } }' : ''}
      ${structure ? 'brokers(limit: 1000) { entity { id } parts cutOff } bridges(limit: 1000) { id }' : ''} } }`,
  path: `query Path($from: ID!, $to: ID!, $asOf: Date) {
    shortestPath(from: $from, to: $to, asOf: $asOf) { length entities { ${ENTITY} } relations { ${RELATION} } } }`,
  ranking: `query Ranking($measure: Centrality!, $asOf: Date) {
    ranking(measure: $measure, limit: 1000, asOf: $asOf) { score entity { id } } }`,
};
