"""More than 1,000 entities out, read back by NetworkX: `dossier export` with an import (the
whole graph, no cap), and `/export` of a server serving the same import (the whole graph, not
the first 1,000; a cut export says so in G.graph; page by page, the pages composed are the whole
graph)."""

import io
import json
import os
import re
import subprocess
import threading
import time
import urllib.error
import urllib.request

import networkx as nx
import pandas as pd
import pytest

BIN = os.environ.get("DOSSIER_BIN", "target/release/dossier")
DATA = os.environ.get("DOSSIER_DATA", "data")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """1,500 generated entities and 4,000 relations as import tables."""
    out = tmp_path_factory.mktemp("gen") / "tables"
    subprocess.run(
        [BIN, "generate", "--entities", "1500", "--relations", "4000", "--seed", "7", "--output", str(out)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return out


@pytest.fixture(scope="module")
def expected(generated, bundled_sizes):
    """Entities and relations of data/ plus the import, counted from the tables themselves."""
    nodes = len(pd.read_csv(generated / "nodes.csv"))
    relations = len(pd.read_csv(generated / "relations.csv"))
    assert nodes > 1000
    return bundled_sizes[0] + nodes, bundled_sizes[1] + relations


@pytest.fixture(scope="module")
def server(generated):
    """`dossier serve --import` the generated tables on a free port; stopped afterwards."""
    proc = subprocess.Popen(
        [BIN, "serve", "--addr", "127.0.0.1:0", "--data", DATA, "--import", str(generated)],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url, deadline = None, time.time() + 60
        while url is None and time.time() < deadline:
            line = proc.stderr.readline()
            if not line and proc.poll() is not None:
                raise RuntimeError("the server stopped")
            found = re.search(r"http://127\.0\.0\.1:\d+", line)
            url = found.group(0) if found else None
        assert url, "the server did not say where it listens"
        # Keep reading its log, so that a full pipe never blocks it.
        threading.Thread(target=proc.stderr.read, daemon=True).start()
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_the_command_exports_the_whole_graph_with_its_imports(generated, expected, tmp_path):
    path = tmp_path / "all.graphml"
    out = subprocess.run(
        [BIN, "export", "--format", "graphml", "--data", DATA, "--import", str(generated), "--output", str(path)],
        capture_output=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr.decode()
    g = nx.read_graphml(path, force_multigraph=True)
    assert (g.number_of_nodes(), g.number_of_edges()) == expected
    assert "truncated" not in g.graph


def test_http_serves_the_whole_graph_not_the_first_thousand(server, expected):
    with urllib.request.urlopen(server + "/export/graphml", timeout=60) as r:
        assert r.headers["x-dossier-truncated"] == "false"
        g = nx.read_graphml(io.BytesIO(r.read()), force_multigraph=True)
    assert (g.number_of_nodes(), g.number_of_edges()) == expected
    with urllib.request.urlopen(server + "/export/node-link", timeout=60) as r:
        g = nx.node_link_graph(json.loads(r.read()), edges="links")
    assert g.number_of_nodes() == expected[0]


def test_a_cut_export_says_so_in_its_body(server, expected):
    with urllib.request.urlopen(server + "/export/graphml?limit=1000", timeout=60) as r:
        g = nx.read_graphml(io.BytesIO(r.read()), force_multigraph=True)
    assert g.number_of_nodes() == 1000
    assert g.graph["truncated"] is True
    assert f"the first 1000 of {expected[0]} entities" in g.graph["truncation"]
    with urllib.request.urlopen(server + "/export/cytoscape?limit=1000", timeout=60) as r:
        g = nx.cytoscape_graph(json.loads(r.read()))
    assert g.graph["truncated"] is True


def _strip_page_ref(g):
    """A page flags the other ends of its relations `page_ref`; the composed graph drops it."""
    for _, data in g.nodes(data=True):
        data.pop("page_ref", None)
    return g


def _pages(server, first, read):
    """Every page from `first`, following each page's `next_page` (and checking its Link)."""
    graphs, path = [], first
    while path:
        with urllib.request.urlopen(server + path, timeout=60) as r:
            link = r.headers.get("Link")
            g = read(r.read())
        assert g.graph["page"] == len(graphs) + 1
        path = g.graph.get("next_page")
        assert link == (f'<{path}>; rel="next"' if path else None)
        graphs.append(g)
    assert all(g.graph["pages"] == len(graphs) for g in graphs)
    return graphs


def _same_graph(composed, whole):
    assert set(composed.nodes) == set(whole.nodes)
    assert set(composed.edges(keys=True)) == set(whole.edges(keys=True))
    for n, data in whole.nodes(data=True):
        assert composed.nodes[n] == data, n
    for u, v, k, data in whole.edges(keys=True, data=True):
        assert composed.edges[u, v, k] == data, (u, v, k)


@pytest.mark.parametrize("fmt", ["graphml", "node-link"])
def test_pages_composed_are_the_whole_graph(server, generated, expected, tmp_path, fmt):
    limit = 400
    assert expected[0] > limit * 3
    if fmt == "graphml":
        read = lambda body: nx.read_graphml(io.BytesIO(body), force_multigraph=True)  # noqa: E731
    else:
        read = lambda body: nx.node_link_graph(json.loads(body), edges="links")  # noqa: E731
    pages = _pages(server, f"/export/{fmt}?page=1&limit={limit}", read)
    assert len(pages) == -(-expected[0] // limit)
    for k, g in enumerate(pages, 1):
        assert g.graph["truncated"] is True
        assert g.graph["truncation"].startswith(f"truncated: page {k} of {len(pages)}: ")
        own = [n for n, d in g.nodes(data=True) if not d.get("page_ref")]
        assert 0 < len(own) <= limit
        # Every relation of a page starts on the page: each relation is on exactly one.
        assert all(u in own for u, _ in g.edges())
    assert sum(g.number_of_edges() for g in pages) == expected[1]
    composed = _strip_page_ref(nx.compose_all(pages))
    assert (composed.number_of_nodes(), composed.number_of_edges()) == expected

    path = tmp_path / ("all.graphml" if fmt == "graphml" else "all.json")
    out = subprocess.run(
        [BIN, "export", "--format", fmt, "--data", DATA, "--import", str(generated), "--output", str(path)],
        capture_output=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr.decode()
    whole = read(path.read_bytes())
    if fmt == "node-link":
        # The broker flag is of the subgraph exported: a page's is not the whole graph's.
        for g in (composed, whole):
            for _, data in g.nodes(data=True):
                data.pop("broker", None)
    _same_graph(composed, whole)


def test_a_page_past_the_end_is_refused_and_a_cut_names_the_pages(server, expected):
    pages = -(-expected[0] // 1000)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(server + f"/export/graphml?page={pages + 1}&limit=1000", timeout=60)
    assert refused.value.code == 400
    assert json.loads(refused.value.read())["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    with urllib.request.urlopen(server + "/export/graphml?limit=1000", timeout=60) as r:
        g = nx.read_graphml(io.BytesIO(r.read()), force_multigraph=True)
    assert f"page=1…{pages}" in g.graph["truncation"]
