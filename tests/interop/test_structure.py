"""dossier's structural analyses agree with NetworkX's: brokers are
`articulation_points` (with the parts `connected_components` finds without each), bridges are
`bridges`, cycles are the `strongly_connected_components` of two or more — on the bundled
bulletin (the server run.sh started) and on a generated graph (a second server, started here
with `--import`).

NetworkX reads each graph from dossier's own node-link export. Brokers and bridges read it
undirected and simple, self-relations removed; dossier reads it as a multigraph, where two
relations between the same entities are never bridges, so those pairs are left out of
NetworkX's bridges. Cycles read the relations of directed (not symmetric) kinds."""

import json
import os
import re
import subprocess
import time
import urllib.request

import networkx as nx
import pytest

import conftest

BIN = os.environ.get("DOSSIER_BIN", "target/release/dossier")


class Server:
    """A dossier endpoint: the GraphQL API and the node-link export."""

    def __init__(self, url: str):
        self.url = url

    def graphql(self, query: str) -> dict:
        body = json.dumps({"query": query}).encode()
        req = urllib.request.Request(
            self.url + "/graphql", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=120) as r:
            answer = json.loads(r.read())
        assert not answer.get("errors"), answer["errors"]
        return answer["data"]

    def multigraph(self) -> nx.MultiDiGraph:
        with urllib.request.urlopen(self.url + "/export/node-link", timeout=120) as r:
            data = json.loads(r.read())
        return nx.node_link_graph(data, edges="links", directed=True, multigraph=True)


@pytest.fixture(scope="module")
def bulletin() -> Server:
    return Server(conftest.BASE_URL)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A generated graph of 1,000 entities and 3,000 relations, served on a free port."""
    root = tmp_path_factory.mktemp("generated")
    tables, empty = root / "tables", root / "data"
    empty.mkdir()
    out = subprocess.run(
        [BIN, "generate", "--entities", "1000", "--relations", "3000", "--seed", "7",
         "--output", str(tables)],
        capture_output=True, timeout=120,
    )
    assert out.returncode == 0, out.stderr.decode()
    log = open(root / "serve.log", "w+")
    server = subprocess.Popen(
        [BIN, "serve", "--addr", "127.0.0.1:0", "--data", str(empty),
         "--import", str(tables)],
        stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        url = None
        for _ in range(300):
            log.seek(0)
            found = re.search(r"http://127\.0\.0\.1:\d+", log.read())
            if found:
                try:
                    urllib.request.urlopen(found.group(0) + "/health", timeout=2)
                    url = found.group(0)
                    break
                except OSError:
                    pass
            assert server.poll() is None, open(root / "serve.log").read()
            time.sleep(0.2)
        assert url, open(root / "serve.log").read()
        yield Server(url)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.fixture(params=["bulletin", "generated"])
def served(request) -> Server:
    return request.getfixturevalue(request.param)


def simple(multi: nx.MultiDiGraph) -> nx.Graph:
    g = nx.Graph(multi.to_undirected())
    g.remove_edges_from(list(nx.selfloop_edges(g)))
    return g


def test_brokers_are_networkxs_articulation_points_with_the_parts_left(served):
    g = simple(served.multigraph())
    ours = served.graphql("{ brokers(limit: 1000) { entity { id } parts cutOff } }")["brokers"]
    theirs = set(nx.articulation_points(g))
    assert {b["entity"]["id"] for b in ours} == theirs
    assert len(ours) > 0
    for b in ours:
        v = b["entity"]["id"]
        component = nx.node_connected_component(g, v)
        rest = g.subgraph(component - {v})
        parts = sorted((len(c) for c in nx.connected_components(rest)), reverse=True)
        assert b["parts"] == parts, v
        assert b["cutOff"] == sum(parts[1:])
    cut_offs = [b["cutOff"] for b in ours]
    assert cut_offs == sorted(cut_offs, reverse=True)


def test_bridges_are_networkxs_bridges_of_single_relations(served):
    multi = served.multigraph()
    g = simple(multi)
    pairs = {}
    for a, b in multi.to_undirected().edges():
        if a != b:
            key = frozenset((a, b))
            pairs[key] = pairs.get(key, 0) + 1
    theirs = {frozenset(e) for e in nx.bridges(g) if pairs[frozenset(e)] == 1}
    ours = served.graphql("{ bridges(limit: 1000) { from { id } to { id } } }")["bridges"]
    assert len(ours) < 1000, "raise the limit: the answer may be cut"
    assert {frozenset((r["from"]["id"], r["to"]["id"])) for r in ours} == theirs
    assert len(theirs) > 0


def test_cycles_are_networkxs_strongly_connected_components(served):
    vocabulary = served.graphql("{ vocabulary { kind symmetric } }")["vocabulary"]
    symmetric = {v["kind"] for v in vocabulary if v["symmetric"]}
    multi = served.multigraph()
    directed = nx.DiGraph()
    directed.add_nodes_from(multi.nodes)
    directed.add_edges_from(
        (a, b) for a, b, kind in multi.edges(data="kind") if kind not in symmetric
    )
    theirs = {frozenset(c) for c in nx.strongly_connected_components(directed) if len(c) >= 2}
    # 40 groups of up to 1,000 members stay under the default complexity limit (50,000);
    # both graphs have fewer groups than that, so the comparison is complete.
    assert len(theirs) < 40
    ours = served.graphql("{ cycles(limit: 40) { size members(limit: 1000) { id } } }")["cycles"]
    assert {frozenset(m["id"] for m in c["members"]) for c in ours} == theirs
    assert [c["size"] for c in ours] == sorted((c["size"] for c in ours), reverse=True)
    assert len(theirs) > 0


def test_the_node_link_exports_broker_flags_are_networkxs_articulation_points(bulletin):
    multi = bulletin.multigraph()
    flagged = {n for n, broker in multi.nodes(data="broker") if broker}
    assert flagged == set(nx.articulation_points(simple(multi)))
