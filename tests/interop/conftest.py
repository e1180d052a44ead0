"""Shared fixtures: the running server (DOSSIER_URL, started by run.sh), downloads from
/export, and what the GraphQL API says the graph holds — the truth every export is checked
against."""

import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass, field

import pytest

BASE_URL = os.environ.get("DOSSIER_URL", "http://127.0.0.1:8080")

# The two subgraphs every format is checked on: the whole graph, and two steps around the ECHR.
VIEWS = {
    "whole": "",
    "echr-2": "?ids=echr&depth=2",
}


@dataclass
class Download:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self):
        return json.loads(self.body)


def get(path: str) -> Download:
    """GET a path of the server; errors are returned, not raised."""
    try:
        with urllib.request.urlopen(BASE_URL + path, timeout=30) as r:
            return Download(r.status, {k.lower(): v for k, v in r.headers.items()}, r.read())
    except urllib.error.HTTPError as e:
        return Download(e.code, {k.lower(): v for k, v in e.headers.items()}, e.read())


def graphql(query: str, variables: dict | None = None) -> dict:
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    req = urllib.request.Request(
        BASE_URL + "/graphql", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        answer = json.loads(r.read())
    assert not answer.get("errors"), answer["errors"]
    return answer["data"]


@dataclass
class Truth:
    """What the GraphQL API returns for a view."""

    entities: dict = field(default_factory=dict)  # id -> {id, name, kind}
    relations: dict = field(default_factory=dict)  # id -> {id, kind, date, from, to, quotes}


def _paginate(field_name: str, selection: str) -> list:
    nodes, after = [], None
    while True:
        data = graphql(
            f"""query($after: String) {{
                {field_name}(first: 100, after: $after) {{
                    totalCount
                    pageInfo {{ hasNextPage endCursor }}
                    nodes {{ {selection} }}
                }}
            }}""",
            {"after": after},
        )[field_name]
        nodes += data["nodes"]
        if not data["pageInfo"]["hasNextPage"]:
            assert len(nodes) == data["totalCount"]
            return nodes
        after = data["pageInfo"]["endCursor"]


def _relation(r: dict) -> dict:
    return {
        "id": r["id"],
        "kind": r["kind"],
        "date": r["date"],
        "from": r["from"]["id"],
        "to": r["to"]["id"],
        "quotes": [c["quote"] for c in r["citations"]],
    }


@pytest.fixture(scope="session")
def whole_truth() -> Truth:
    entities = _paginate("entities", "id name kind")
    relations = _paginate(
        "relations", "id kind date from { id } to { id } citations { quote }"
    )
    return Truth(
        {e["id"]: e for e in entities},
        {r["id"]: _relation(r) for r in relations},
    )


@pytest.fixture(scope="session")
def echr_truth(whole_truth) -> Truth:
    data = graphql(
        """{ neighbourhood(ids: ["echr"], depth: 2, limit: 1000) {
                truncated entities { id } relations { id } } }"""
    )["neighbourhood"]
    assert not data["truncated"]
    return Truth(
        {e["id"]: whole_truth.entities[e["id"]] for e in data["entities"]},
        {r["id"]: whole_truth.relations[r["id"]] for r in data["relations"]},
    )


@pytest.fixture(scope="session")
def truths(whole_truth, echr_truth) -> dict:
    return {"whole": whole_truth, "echr-2": echr_truth}


@pytest.fixture(scope="session")
def bundled_sizes(whole_truth):
    """The bundled bulletin is what these tests are about: make sure it is the one served."""
    assert len(whole_truth.entities) >= 40, "expected the bundled bulletin (about 51 entities)"
    assert len(whole_truth.relations) > 100, "expected the bundled bulletin (about 100 relations)"
    return len(whole_truth.entities), len(whole_truth.relations)
