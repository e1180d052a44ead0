"""pandas reads the CSV exports: the long table of both, and the two plain tables."""

import io

import networkx as nx
import pandas as pd
import pytest

from conftest import VIEWS, get

NODE_COLUMNS = ["id", "kind", "name", "aliases", "description", "roles", "start", "end", "place", "place_name"]
EDGE_COLUMNS = [
    "id", "kind", "label", "from", "to", "date", "until", "role", "claim", "description",
    "quote", "document", "document_title",
]


def read(path: str) -> pd.DataFrame:
    d = get(path)
    assert d.status == 200, d.text
    assert d.headers["content-type"].startswith("text/csv")
    return pd.read_csv(io.BytesIO(d.body), dtype={"date": str, "until": str, "start": str, "end": str})


@pytest.mark.parametrize("view", VIEWS)
def test_the_two_tables_have_a_row_per_entity_and_relation(truths, bundled_sizes, view):
    truth = truths[view]
    q = VIEWS[view]
    sep = "&" if q else "?"
    nodes = read(f"/export/csv{q}{sep}table=nodes")
    edges = read(f"/export/csv{q}{sep}table=edges")
    assert list(nodes.columns[: len(NODE_COLUMNS)]) == NODE_COLUMNS
    assert list(edges.columns[: len(EDGE_COLUMNS)]) == EDGE_COLUMNS
    assert len(nodes) == len(truth.entities) and set(nodes.id) == set(truth.entities)
    assert len(edges) == len(truth.relations) and set(edges.id) == set(truth.relations)
    for row in edges.to_dict("records"):
        r = truth.relations[row["id"]]
        assert (row["from"], row["to"]) == (r["from"], r["to"])
        assert row["quote"] == " | ".join(r["quotes"])
        assert (None if pd.isna(row["date"]) else row["date"]) == r["date"]
    names = dict(zip(nodes.id, nodes.name))
    assert all(names[i] == e["name"] for i, e in truth.entities.items())


def test_a_date_a_quote_and_a_figure_read_back_as_written():
    edges = read("/export/csv?table=edges").set_index("id")
    arrest = edges.loc["azerbaijan.arrested.rail-abbasov"]
    assert arrest["date"] == "2023-09-21" and arrest["until"] == "2023-09-22"
    assert arrest["quote"].startswith("Rail Abbasov, who played an active role")
    assert arrest["document"] == "cnis-2023-09-22"
    assert edges.loc["azerbaijani-courts.sentenced.rail-abbasov", "sentence_months"] == 4
    nodes = read("/export/csv?table=nodes").set_index("id")
    assert nodes.loc["military-operation-in-karabakh", "dead_min"] == 200
    assert "Ильхам Алиев" in nodes.loc["ilham-aliyev", "aliases"]


def test_the_long_table_holds_both_told_apart_by_element(whole_truth):
    df = read("/export/csv")
    assert df.columns[0] == "element"
    assert df.element.value_counts().to_dict() == {
        "edge": len(whole_truth.relations),
        "node": len(whole_truth.entities),
    }
    edges = df[df.element == "edge"]
    g = nx.from_pandas_edgelist(edges, "from", "to", edge_key="id", edge_attr=True, create_using=nx.MultiDiGraph)
    assert g.number_of_edges() == len(whole_truth.relations)
