"""The /export route: attachments with the right names and types, and JSON errors."""

import pytest

from conftest import get

TYPES = {
    "node-link": ("application/json", "json"),
    "graphml": ("application/graphml+xml", "graphml"),
    "gexf": ("application/gexf+xml", "gexf"),
    "cytoscape": ("application/json", "cyjs"),
    "csv": ("text/csv", "csv"),
    "dot": ("text/vnd.graphviz", "dot"),
    "ftm": ("application/x-ndjson", "ftm.json"),
}


@pytest.mark.parametrize("fmt", TYPES)
def test_each_format_is_an_attachment_of_its_type(fmt):
    ctype, ext = TYPES[fmt]
    d = get(f"/export/{fmt}")
    assert d.status == 200
    assert d.headers["content-type"].startswith(ctype)
    assert d.headers["content-disposition"] == f'attachment; filename="dossier-all.{ext}"'
    assert d.headers["x-dossier-truncated"] == "false"
    d = get(f"/export/{fmt}?ids=echr&depth=2")
    assert d.headers["content-disposition"] == f'attachment; filename="dossier-echr-depth2.{ext}"'


def test_graphql_enum_names_work_as_format_names():
    assert get("/export/NODE_LINK_JSON").status == 200
    assert get("/export/CYTOSCAPE_JSON").status == 200


def error(path: str, status: int, code: str) -> str:
    d = get(path)
    assert d.status == status, (path, d.status, d.text)
    assert d.headers["content-type"].startswith("application/json")
    body = d.json()
    assert body["errors"][0]["extensions"]["code"] == code, body
    assert body["errors"][0]["message"]
    return body["errors"][0]["message"]


def test_an_unknown_format_is_refused():
    assert "graphml" in error("/export/xlsx", 400, "INVALID_INPUT")


def test_an_unknown_id_is_not_found():
    assert "nobody" in error("/export/graphml?ids=echr,nobody", 404, "NOT_FOUND")


def test_bad_values_and_limits_are_refused():
    error("/export/graphml?kinds=PEOPLE", 400, "INVALID_INPUT")
    error("/export/graphml?relationKinds=HUGGED", 400, "INVALID_INPUT")
    error("/export/graphml?depth=-1", 400, "INVALID_INPUT")
    error("/export/graphml?depth=0", 400, "INVALID_INPUT")
    error("/export/graphml?dept=2", 400, "INVALID_INPUT")
    error("/export/graphml?table=nodes", 400, "INVALID_INPUT")
    error("/export/graphml?ids=echr&depth=5", 400, "LIMIT_EXCEEDED")
    error("/export/graphml?ids=echr&limit=10001", 400, "LIMIT_EXCEEDED")
    error("/export/graphml?limit=100001", 400, "LIMIT_EXCEEDED")
    error("/export/graphml?ids=" + ",".join(["echr"] * 101), 400, "LIMIT_EXCEEDED")


def test_filters_and_the_limit_shape_the_subgraph():
    import json

    d = get("/export/node-link?ids=echr&depth=2&relationKinds=RULED_ON&kinds=PERSON,EVENT")
    doc = json.loads(d.body)
    assert {l["kind"] for l in doc["links"]} == {"RULED_ON"}
    assert {n["kind"] for n in doc["nodes"] if n["id"] != "echr"} <= {"PERSON", "EVENT"}
    d = get("/export/node-link?limit=3")
    assert len(json.loads(d.body)["nodes"]) == 3
    assert d.headers["x-dossier-truncated"] == "true"
