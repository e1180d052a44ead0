"""dossier's analyses agree with NetworkX's on the same graph: the bundled bulletin as
NetworkX reads it from dossier's own node-link export, made undirected and simple (as dossier's
analyses read it: parallel relations count once, self-relations are ignored)."""

import networkx as nx
import pytest

from conftest import get, graphql

TOLERANCE = 1e-6


@pytest.fixture(scope="module")
def simple_graph() -> nx.Graph:
    data = get("/export/node-link").json()
    multi = nx.node_link_graph(data, edges="links")
    g = nx.Graph(multi.to_undirected())
    g.remove_edges_from(list(nx.selfloop_edges(g)))
    return g


def dossier_scores(measure: str) -> dict:
    ranking = graphql(
        f"{{ ranking(measure: {measure}, limit: 1000) {{ score entity {{ id }} }} }}"
    )["ranking"]
    return {r["entity"]["id"]: r["score"] for r in ranking}


def test_every_entity_is_ranked(simple_graph):
    assert set(dossier_scores("DEGREE")) == set(simple_graph.nodes)


def test_degree_is_the_number_of_distinct_neighbours(simple_graph):
    ours = dossier_scores("DEGREE")
    for node, degree in simple_graph.degree():
        assert ours[node] == degree, node


def test_pagerank_agrees_with_networkx(simple_graph):
    ours = dossier_scores("PAGERANK")
    theirs = nx.pagerank(simple_graph, alpha=0.85, tol=1e-10)
    worst = max(abs(ours[n] - theirs[n]) for n in theirs)
    assert worst < TOLERANCE, f"largest difference {worst}"


def test_betweenness_agrees_with_networkx(simple_graph):
    # 51 entities: far below the sampling threshold, so the scores are exact.
    ours = dossier_scores("BETWEENNESS")
    theirs = nx.betweenness_centrality(simple_graph, normalized=True)
    worst = max(abs(ours[n] - theirs[n]) for n in theirs)
    assert worst < TOLERANCE, f"largest difference {worst}"


def test_components_agree_with_networkx(simple_graph):
    ours = graphql("{ components(limit: 10) { size members(limit: 1000) { id } } }")["components"]
    theirs = sorted((sorted(c) for c in nx.connected_components(simple_graph)), key=len, reverse=True)
    assert [sorted(m["id"] for m in c["members"]) for c in ours] == theirs


def test_communities_are_a_partition_with_networkx_modularity(simple_graph):
    data = graphql(
        """{ communities { modularity count
              communities(limit: 40) { members(limit: 200) { id } } } }"""
    )["communities"]
    groups = [{m["id"] for m in c["members"]} for c in data["communities"]]
    assert len(groups) == data["count"]
    assert set().union(*groups) == set(simple_graph.nodes)
    assert sum(len(g) for g in groups) == simple_graph.number_of_nodes()
    theirs = nx.community.modularity(simple_graph, groups)
    assert abs(data["modularity"] - theirs) < TOLERANCE
    # Louvain should find real structure in the bulletin, as NetworkX's own Louvain does.
    best = max(
        nx.community.modularity(simple_graph, nx.community.louvain_communities(simple_graph, seed=s))
        for s in range(5)
    )
    assert data["modularity"] > 0.9 * best
