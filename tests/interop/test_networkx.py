"""NetworkX reads GraphML, GEXF, node-link and Cytoscape JSON from /export with the same
entities, relations and attributes as the GraphQL API returns."""

import io
import urllib.request

import networkx as nx
import pytest

from conftest import BASE_URL, VIEWS, get


def read(fmt: str, body: bytes) -> nx.MultiDiGraph:
    if fmt == "graphml":
        return nx.read_graphml(io.BytesIO(body), force_multigraph=True)
    if fmt == "gexf":
        return nx.read_gexf(io.BytesIO(body))
    if fmt == "node-link":
        import json

        return nx.node_link_graph(json.loads(body), edges="links")
    if fmt == "cytoscape":
        import json

        return nx.cytoscape_graph(json.loads(body))
    raise ValueError(fmt)


FORMATS = ["graphml", "gexf", "node-link", "cytoscape"]


@pytest.fixture(scope="module")
def graphs():
    """Every format × view, downloaded once and read by NetworkX."""
    out = {}
    for fmt in FORMATS:
        for view, query in VIEWS.items():
            d = get(f"/export/{fmt}{query}")
            assert d.status == 200, d.text
            out[fmt, view] = read(fmt, d.body)
    return out


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_entities_and_relations_match_the_graphql_api(graphs, truths, bundled_sizes, fmt, view):
    g = graphs[fmt, view]
    truth = truths[view]
    assert g.is_directed() and g.is_multigraph()
    assert g.number_of_nodes() == len(truth.entities)
    assert g.number_of_edges() == len(truth.relations)
    assert set(g.nodes) == set(truth.entities)
    for node, data in g.nodes(data=True):
        assert data["name"] == truth.entities[node]["name"], node
        assert data["kind"] == truth.entities[node]["kind"], node
    seen = set()
    for u, v, key, data in g.edges(keys=True, data=True):
        r = truth.relations[key]
        seen.add(key)
        assert (u, v) == (r["from"], r["to"]), key
        assert data["kind"] == r["kind"], key
        assert data.get("date") == r["date"], key
        if "citations" in data:
            assert [c["quote"] for c in data["citations"]] == r["quotes"], key
        else:
            assert data["quote"] == " | ".join(r["quotes"]), key
    assert seen == set(truth.relations)


def flat_node(data: dict) -> dict:
    """A node-link node as the flat formats write it: lists joined, empty ones left out, and
    no `broker` flag (the JSON formats' alone)."""
    out = {k: v for k, v in data.items() if k not in ("id", "broker")}
    for k in ("aliases", "roles"):
        if out.get(k):
            out[k] = "; ".join(out[k])
        else:
            out.pop(k, None)
    return out


def flat_edge(data: dict) -> dict:
    out = {k: v for k, v in data.items() if k not in ("id", "key", "source", "target", "citations")}
    cites = data["citations"]
    out["quote"] = " | ".join(c["quote"] for c in cites)
    out["document"] = cites[0]["document"]
    out["document_title"] = cites[0]["title"]
    return out


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_xml_formats_carry_every_field_with_its_type(graphs, fmt, view):
    """GraphML and GEXF hold the same fields as node-link JSON, typed the same (an integer
    attribute reads back as an int, not a string)."""
    reference = graphs["node-link", view]
    g = graphs[fmt, view]
    for node, data in reference.nodes(data=True):
        got = {k: v for k, v in g.nodes[node].items() if k not in ("label", "spells")}
        assert got == flat_node(data), node
    for u, v, key, data in reference.edges(keys=True, data=True):
        got = {k: v for k, v in g.edges[u, v, key].items() if k not in ("label", "spells", "id")}
        want = flat_edge(data)
        want.pop("label")
        assert got == want, key
        assert g.edges[u, v, key]["label"] == data["label"]


def test_typed_attributes_survive_the_round_trip(graphs):
    for fmt in ["graphml", "gexf", "node-link", "cytoscape"]:
        op = graphs[fmt, "whole"].nodes["military-operation-in-karabakh"]
        assert op["dead_min"] == 200 and isinstance(op["dead_min"], int), fmt
        assert op["start"] == "2023-09-19" and op["place"] == "nagorno-karabakh", fmt


def test_cytoscape_json_has_the_shape_cytoscape_js_reads():
    doc = get("/export/cytoscape").json()
    assert set(doc["elements"]) == {"nodes", "edges"}
    for n in doc["elements"]["nodes"]:
        assert {"id", "label", "kind", "name"} <= set(n["data"])
    for e in doc["elements"]["edges"]:
        assert {"id", "source", "target", "label", "kind"} <= set(e["data"])
    ids = [x["data"]["id"] for x in doc["elements"]["nodes"] + doc["elements"]["edges"]]
    assert len(ids) == len(set(ids)), "Cytoscape.js needs ids unique across nodes and edges"


def test_node_link_lists_the_cited_documents():
    doc = get("/export/node-link").json()
    docs = doc["graph"]["documents"]
    assert [d["id"] for d in docs] == ["cnis-2023-09-22"]
    assert docs[0]["publisher"] == "Center for National and International Studies"
    assert docs[0]["published"] == "2023-09-22"


def test_gexf_is_dynamic_with_spells_for_dated_relations_and_events(graphs, whole_truth):
    g = graphs["gexf", "whole"]
    assert g.graph["mode"] == "dynamic"
    dated = 0
    for u, v, key, data in g.edges(keys=True, data=True):
        date = whole_truth.relations[key]["date"]
        if date is None:
            assert "spells" not in data, key
            continue
        dated += 1
        [(start, end)] = data["spells"]
        assert start.startswith(date), (key, start, date)
        assert len(start) == len(end) == 10 and start <= end, key
    assert dated > 20
    # "in the past 24 hours": 21 to 22 September.
    assert g.edges["azerbaijan", "rail-abbasov", "azerbaijan.arrested.rail-abbasov"]["spells"] == [
        ("2023-09-21", "2023-09-22")
    ]
    assert g.nodes["military-operation-in-karabakh"]["spells"] == [("2023-09-19", "2023-09-20")]


def test_gexf_declares_version_1_3():
    text = get("/export/gexf").text
    assert 'xmlns="http://gexf.net/1.3"' in text and 'version="1.3"' in text
    assert 'mode="dynamic"' in text and 'timeformat="date"' in text


def test_networkx_reads_straight_from_the_url():
    with urllib.request.urlopen(f"{BASE_URL}/export/graphml?ids=echr&depth=1") as r:
        g = nx.read_graphml(r)
    assert "echr" in g and g.number_of_edges() > 0
