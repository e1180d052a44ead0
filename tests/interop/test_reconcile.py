"""/reconcile checked by the Python `jsonschema` package against the Reconciliation API 0.2
schemas vendored in tests/reconcile/schemas/ (a second validator beside the Rust tests), with a
batch posted form-encoded as OpenRefine posts it."""

import json
import pathlib
import urllib.parse
import urllib.request

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from conftest import BASE_URL, get

SCHEMAS = pathlib.Path(__file__).resolve().parents[1] / "reconcile" / "schemas"


def _registry() -> Registry:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        contents = json.loads(path.read_text())
        # The schemas say "$schema": "http://json-schema.org/schema#" (the latest draft).
        resource = Resource.from_contents(contents, default_specification=DRAFT202012)
        resources.append((contents["$id"].rstrip("#"), resource))
    return Registry().with_resources(resources)


REGISTRY = _registry()


def validate(name: str, instance) -> None:
    schema = json.loads((SCHEMAS / f"{name}.json").read_text())
    jsonschema.Draft202012Validator(schema, registry=REGISTRY).validate(instance)


def post(queries: dict):
    body = urllib.parse.urlencode({"queries": json.dumps(queries)}).encode()
    req = urllib.request.Request(
        BASE_URL + "/reconcile",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"},
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def test_the_manifest_validates():
    validate("manifest", get("/reconcile").json())


def test_a_typed_batch_with_properties_validates_and_finds_the_people():
    names = ["Ibadoghlu", "Aliev", "Rail Abbasov", "Nemat Abbasov", "Amrakh Takhmazov",
             "Emin Ibrahimov", "Afiaddin Mamedov", "Bakhtiyar Hajiev", "Galib Toghrul", "Putin"]
    queries = {
        f"q{i}": {"query": n, "type": "PERSON", "type_strict": "should", "limit": 3,
                  "properties": [{"pid": "related", "v": "Government of Azerbaijan"}]}
        for i, n in enumerate(names)
    }
    validate("reconciliation-query-batch", queries)
    answer = post(queries)
    validate("reconciliation-result-batch", answer)
    assert answer["q0"]["result"][0]["id"] == "gubad-ibadoglu"
    assert answer["q1"]["result"][0]["id"] == "ilham-aliyev"


@pytest.mark.parametrize("path,name", [
    ("/reconcile/suggest/entity?prefix=Ibad", "suggest-entities-response"),
    ("/reconcile/suggest/type?prefix=", "suggest-types-response"),
    ("/reconcile/suggest/property?prefix=", "suggest-properties-response"),
])
def test_suggest_answers_validate(path, name):
    validate(name, get(path).json())


def test_the_schemas_are_not_vacuous():
    with pytest.raises(jsonschema.ValidationError):
        validate("reconciliation-result-batch", {"q0": {"result": [{"id": "x"}]}})
