#!/usr/bin/env python3
"""Regenerates the committed seed corpora (corpus/<target>/seed-*) and the dictionaries
(dict/*.dict) from the repository: the data files, the playground's example queries,
tests/it/introspection.graphql, schema.graphql and a few hand-written malformed inputs.

Run from anywhere: python3 fuzz/make_seeds.py. Files that libFuzzer adds to corpus/<target>/
while fuzzing are named by their hash and ignored by git (see .gitignore); only seed-* files
are committed.
"""
import json
import re
from pathlib import Path

FUZZ = Path(__file__).resolve().parent
ROOT = FUZZ.parent


def write(target, name, text):
    d = FUZZ / "corpus" / target
    d.mkdir(parents=True, exist_ok=True)
    (d / f"seed-{name}").write_bytes(text.encode() if isinstance(text, str) else text)


def clear(target):
    d = FUZZ / "corpus" / target
    if d.exists():
        for p in d.glob("seed-*"):
            p.unlink()


# --- data_file ----------------------------------------------------------------------------
clear("data_file")
for p in sorted(ROOT.glob("data/*.toml")) + sorted(ROOT.glob("tests/fixtures/small/*.toml")):
    write("data_file", f"{p.parent.name}-{p.name}", p.read_text())
MALFORMED_TOML = {
    "unclosed-table.toml": '[document\nid = "a"\n',
    "bad-string.toml": '[document]\nid = "a\ntitle = "t"\n',
    "unknown-field.toml": '[[entity]]\nid = "a"\nkind = "PERSON"\nname = "A"\ncolour = "red"\n',
    "bad-kind-and-date.toml": '[[entity]]\nid = "e"\nkind = "EVENT"\nname = "E"\nstart = "2023-02-29"\nend = "2023-13"\nplace = "nowhere"\n',
    "relation-no-source.toml": '[[entity]]\nid = "a"\nkind = "PERSON"\nname = "A"\n[[entity]]\nid = "b"\nkind = "COURT"\nname = "B"\n[[relation]]\nkind = "SENTENCED"\nfrom = "b"\nto = "a"\n',
    "quote-not-in-text.toml": '[document]\nid = "d"\ntitle = "D"\ntext = "sources/court-news.txt"\n[[entity]]\nid = "a"\nkind = "PERSON"\nname = "A"\n[[entity]]\nid = "b"\nkind = "PERSON"\nname = "B"\n[[relation]]\nkind = "MET"\nfrom = "a"\nto = "b"\ndate = "2024-02-29"\nuntil = "2024-02-28"\nquote = "not in the text"\n',
    "crlf-and-unicode.toml": '[document]\r\nid = "d"\r\ntitle = "Анна — “quoted”"\r\n[[entity]]\r\nid = "Ana"\r\nkind = "PERSON"\r\nname = "  "\r\n',
    "wrong-types.toml": 'document = 3\nentity = "x"\n[[relation]]\nkind = ["A"]\nfrom = 1\nto = 2\nattributes = { a = [1], b = { c = 1 } }\n',
    "empty.toml": "",
}
for name, text in MALFORMED_TOML.items():
    write("data_file", name, text)

# --- graphql_query ------------------------------------------------------------------------
clear("graphql_query")
html = (ROOT / "assets/playground/index.html").read_text()
queries = {}
for i, q in enumerate(re.findall(r"\{ query: `(.*?)` \}", html, re.S)):
    m = re.search(r"^query (\w+)", q, re.M)
    queries[f"playground-{m.group(1) if m else i}.graphql"] = q
queries["introspection.graphql"] = (ROOT / "tests/it/introspection.graphql").read_text()
# A few of the in-process tests' queries, against the small fixture's ids.
queries.update({
    "entity-fields.graphql": '{ entity(id: "ana-petrova") { id kind name aliases description degree ... on Person { roles } relations(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } } } }',
    "event.graphql": '{ entity(id: "hearing-2024-02-27") { ... on Event { start end place { name } participants { id } } } }',
    "relations-filter.graphql": '{ relations(kinds: [SENTENCED], to: "ana-petrova", since: "2024-02", until: "2024-12-31", first: 5) { totalCount nodes { id kind label inverseLabel date claim role citations { quote document { id } } attributes { name value } } } }',
    "paths.graphql": '{ p: shortestPath(from: "ana-petrova", to: "interior-ministry", directed: false) { length entities { id } relations { label } } q: paths(from: "boris-lind", to: "city-court", maxLength: 6, limit: 100) { length } }',
    "neighbourhood-timeline.graphql": '{ neighbourhood(ids: ["ana-petrova"], depth: 3, relationKinds: [ARRESTED, DEFENDED], kinds: [PERSON, GOVERNMENT], limit: 1000) { truncated entities { id } relations { id } } timeline(since: "2024-02", entity: "ana-petrova", limit: 10000) { id date } }',
    "variables-directives.graphql": 'query Q($id: ID! = "ana-petrova", $skip: Boolean = false) { entity(id: $id) @skip(if: $skip) { name } documents { id title } vocabulary { kind label } }',
})
MALFORMED_GQL = {
    "unclosed.graphql": '{ entity(id: "ana-petrova" { name }',
    "nesting.graphql": "{" * 40 + "}" * 40,
    "fragment-cycle.graphql": "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }",
    "alias-bomb.graphql": "{ " + " ".join(f"a{i}: search(text: \"a\") {{ score }}" for i in range(40)) + " }",
    "bad-arguments.graphql": '{ relations(first: -1, after: "garbage") { totalCount } timeline(since: "2024-02-30") { id } x: relations(first: 99999999999999999999) { totalCount } search(text: "\\uD800", limit: 1000) { score } }',
    "mutation.graphql": 'mutation { addEntity(id: "x") } subscription { s }',
    "block-string.graphql": '{ search(text: """multi\nline \\""" quote""") { score } }',
    "unknown.graphql": '{ entity(id: "ana-petrova") { nonsense ... on Nothing { x } } __typename __schema { types { name } } }',
}
for name, text in {**queries, **MALFORMED_GQL}.items():
    write("graphql_query", name, text)

# --- graphql_request_json -----------------------------------------------------------------
clear("graphql_request_json")
for name in ["playground-Search.graphql", "entity-fields.graphql", "paths.graphql", "unclosed.graphql"]:
    q = queries.get(name) or MALFORMED_GQL[name]
    write("graphql_request_json", name.replace(".graphql", ".json"), json.dumps({"query": q}))
REQUESTS = {
    "variables.json": json.dumps({"query": "query Q($id: ID!, $k: [RelationKind!]) { entity(id: $id) { name relations(kinds: $k) { totalCount } } }", "variables": {"id": "ana-petrova", "k": ["ARRESTED"]}, "operationName": "Q"}),
    "two-operations.json": json.dumps({"query": "query A { documents { id } } query B { vocabulary { kind label } }", "operationName": "C"}),
    "bad-variables.json": json.dumps({"query": "query Q($d: Date) { timeline(since: $d) { id } }", "variables": {"d": "2023-13", "extra": [1, 2]}}),
    "variables-not-object.json": '{"query": "{ documents { id } }", "variables": "x"}',
    "query-not-string.json": '{"query": 1}',
    "batch.json": '[{"query": "{ documents { id } }"}]',
    "truncated.json": '{"query": "{ documents',
    "null.json": "null",
    "deep.json": "[" * 200 + "]" * 200,
    "lone-surrogate.json": '{"query": "{ search(text: \\"\\ud800\\") { score } }"}',
    "extensions.json": '{"query": "{ __typename }", "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "x"}}, "operationName": null}',
}
for name, text in REQUESTS.items():
    write("graphql_request_json", name, text)

# --- data_file_structured: the fuzzer builds its own inputs; a few byte seeds help it start.
clear("data_file_structured")
write("data_file_structured", "zeros", bytes(64))
write("data_file_structured", "strict", bytes([1]) + bytes(range(1, 255)))
write("data_file_structured", "lax", bytes([0]) + bytes(range(255, 0, -1)))

# --- dictionaries --------------------------------------------------------------------------
def dict_file(name, tokens):
    tokens = sorted(set(t for t in tokens if t))
    def quote(t):  # libFuzzer's dictionary syntax: "..." with \\, \" and \xNN escapes
        out = ""
        for b in t.encode():
            c = chr(b)
            out += c if 32 <= b < 127 and c not in '"\\' else f"\\x{b:02X}"
        return f'"{out}"'
    lines = ["# Generated by make_seeds.py"] + [quote(t) for t in tokens]
    (FUZZ / "dict").mkdir(exist_ok=True)
    (FUZZ / "dict" / name).write_text("\n".join(lines) + "\n")

sdl = (ROOT / "schema.graphql").read_text()
sdl = re.sub(r'""".*?"""', " ", sdl, flags=re.S)
names = set(re.findall(r"[_A-Za-z][_0-9A-Za-z]*", sdl))
gql = names | {"query", "fragment", "on", "true", "false", "null", "__schema", "__type", "__typename",
               "@skip(if: true)", "@include(if: false)", "...", "$", "{", "}", "(", ")", ":", "[", "]", "!",
               "=", "\"", "\"\"\"", "ana-petrova", "boris-lind", "city-court", "hearing-2024-02-27", "2024-02-27"}
# Fragment definitions and spreads, so the fuzzer builds fragments that spread each other
# (fan-outs that expand exponentially must be refused in bounded time).
gql |= {"fragment A on Entity { ", "fragment B on Entity { ", "fragment C on Person { ",
        "...A ", "...B ", "...C ", "...A ...A ", "...B ...B ...B ", "... on Person { ",
        "query { entity(id: \"ana-petrova\") { ...A } }", "{ documents { ...D } } fragment D on Document { id }"}
dict_file("graphql.dict", gql)
dict_file("graphql_json.dict", gql | {'"query"', '"variables"', '"operationName"', '"extensions"', "{\"query\": \"", "\\\"", "\\u"})

vocab = (ROOT / "src/model/vocabulary.rs").read_text()
kinds = set(re.findall(r'=> "([A-Z_]+)"', vocab))
kinds |= set(re.findall(r'=> "([A-Z_]+)"', (ROOT / "src/model/kind.rs").read_text()))
fields = set()
for m in re.finditer(r"pub (\w+):", (ROOT / "src/load/file.rs").read_text()):
    fields.add(m.group(1))
toml_tokens = kinds | fields | {f"{f} = " for f in fields} | {
    "[document]", "[[entity]]", "[[relation]]", "[[relation.citations]]", "citations = [{ document = \"", "quote = \"",
    "\"\"\"", "'''", "\\u", "\n", "=", "\"", "[", "]", "{", "}", ",", "sources/court-news.txt", "sources/cnis-2023-09-22.txt",
    "2024-02-29", "2023-02-29", "2024-13", "true", "1e3", "nan", "inf", "1979-05-27T07:32:00Z"}
dict_file("toml.dict", toml_tokens)
