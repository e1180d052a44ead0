"""The followthemoney package accepts the FtM export: every line is an entity of a known
schema, cleaning drops no value, and every reference points to an entity in the file, of a
schema the property's range allows."""

import json

import pytest
from followthemoney import model

from conftest import VIEWS, get


def load(query: str) -> list:
    d = get(f"/export/ftm{query}")
    assert d.status == 200, d.text
    return [json.loads(line) for line in d.text.splitlines()]


def count(props: dict) -> int:
    return sum(len(v) for v in props.values())


@pytest.mark.parametrize("view", VIEWS)
def test_every_line_is_a_clean_ftm_entity_with_references_inside_the_file(truths, view):
    lines = load(VIEWS[view])
    by_id = {e["id"]: e for e in lines}
    assert len(by_id) == len(lines), "ids are unique"
    for data in lines:
        proxy = model.get_proxy(data, cleaned=False)
        assert proxy.schema.name == data["schema"]
        unknown = set(data["properties"]) - set(proxy.schema.properties)
        assert not unknown, (data["id"], unknown)
        cleaned = proxy.to_dict()["properties"]
        assert count(cleaned) == count(data["properties"]), (data["id"], data["properties"], cleaned)
        for prop in proxy.iterprops():
            if prop.type.name != "entity":
                continue
            for ref in proxy.get(prop):
                assert ref in by_id, (data["id"], prop.name, ref)
                target = model.get(by_id[ref]["schema"])
                assert target.is_a(prop.range), (data["id"], prop.name, target.name, prop.range.name)
    entities = {e["id"] for e in lines if e["id"].startswith("dossier-") and e["schema"] not in SCHEMATA_OF_LINKS}
    assert {f"dossier-{i}" for i in truths[view].entities} <= entities


SCHEMATA_OF_LINKS = {
    "UnknownLink", "Representation", "Call", "Membership", "Employment", "Family", "Associate",
    "CourtCase", "CourtCaseParty", "Documentation", "Document",
}


def test_entity_kinds_and_relation_kinds_map_to_the_documented_schemata(whole_truth):
    by_id = {e["id"]: e for e in load("")}
    schema = {
        "PERSON": "Person", "ORGANISATION": "Organization", "COURT": "PublicBody",
        "GOVERNMENT": "PublicBody", "EVENT": "Event", "PLACE": "Address",
    }
    for i, e in whole_truth.entities.items():
        ftm = by_id[f"dossier-{i}"]
        assert ftm["schema"] == schema[e["kind"]], i
        assert ftm["properties"]["name"] == [e["name"]]
    for i, r in whole_truth.relations.items():
        ftm = by_id[f"dossier-rel-{i}"]
        if r["kind"] == "DEFENDED":
            assert ftm["schema"] == "Representation"
            assert ftm["properties"]["agent"] == [f"dossier-{r['from']}"]
            assert ftm["properties"]["client"] == [f"dossier-{r['to']}"]
        elif r["kind"] == "CALLED":
            assert ftm["schema"] == "Call" and ftm["properties"]["date"] == [r["date"]]
        elif r["kind"] == "RULED_ON":
            assert ftm["schema"] == "CourtCase"
            assert by_id[f"dossier-rel-{i}-party"]["properties"]["party"] == [f"dossier-{r['to']}"]
        elif r["kind"] == "ARRESTED":
            assert ftm["schema"] == "UnknownLink" and ftm["properties"]["role"][0] == "arrested"
    assert any(e["schema"] == "CourtCase" for e in by_id.values())


def test_sources_are_documents_and_quotes_ride_on_documentation(whole_truth):
    lines = load("")
    docs = [e for e in lines if e["schema"] == "Document"]
    assert [d["id"] for d in docs] == ["dossier-doc-cnis-2023-09-22"]
    assert docs[0]["properties"]["date"] == ["2023-09-22"]
    quotes = {}
    for e in lines:
        if e["schema"] == "Documentation":
            quotes.setdefault(e["properties"]["recordId"][0], set()).update(e["properties"]["summary"])
    for i, r in whole_truth.relations.items():
        assert quotes[i] == set(r["quotes"]), i
