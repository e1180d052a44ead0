//! Structured data files: documents, entities and relations with ids from a small pool, the
//! real kind, relation-kind and claim names, and dates that are sometimes malformed, rendered
//! to TOML (one to three files) and loaded with `dossier::load::load_sources`. This reaches
//! the semantic checks (kinds allowed by the vocabulary, duplicates across files, places,
//! quotes against a document's text, date order) that random bytes rarely get past the TOML
//! parser to.
//!
//! Checks: no panic; `Ok` exactly when there is no error (never `Err` with an empty list);
//! every error points inside the file it names; on success, everything written was loaded
//! (the counts match, every id is in the graph), and a fixed GraphQL query over every root
//! field runs on the loaded graph with no error lacking a code and none `INTERNAL`.
//!
//! A leading `strict` flag keeps most choices valid, so that whole files often load.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use dossier::graphql::{build_schema, DossierSchema};
use dossier::model::{ClaimStatus, EntityKind, RelationKind};
use dossier::store::{GraphBuilder, Store};
use dossier_fuzz::{check_graphql_response, check_load_error, data_dir, runtime, tally};
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;
use toml::{Table, Value};

const MAX_FILES: usize = 3;
const MAX_ITEMS: usize = 8;

/// Valid ids: short, dotted, the fixture's, and a long one (so a relation's default id,
/// `from.kind.to`, can pass the 128-byte limit).
const IDS: &[&str] = &[
    "ana",
    "bob",
    "court",
    "gov",
    "org",
    "event",
    "place",
    "doc",
    "doc-2",
    "ana-petrova",
    "x.y-2",
    "a123456789-a123456789-a123456789-a123456789-a123456789-a123456789-a123456789",
];
const BAD_IDS: &[&str] = &[
    "", "Ana", "a b", "a..b", "-a", "a-", "a_b", "ä", ".", "a.", "\u{0}",
];
const BAD_KINDS: &[&str] = &["person", "PERSONS", "", " EVENT", "KIDNAPPED", "arrested"];
const BAD_CLAIMS: &[&str] = &["reported", "FACT", ""];
const TEXTS: &[&str] = &["sources/court-news.txt", "sources/cnis-2023-09-22.txt"];
const BAD_TEXTS: &[&str] = &["missing.txt", "sources", "", "sources/"];
const STRINGS: &[&str] = &[
    "Ana Petrova",
    "Анна Петрова",
    "İbadoğlu",
    "x",
    "with \"quotes\" and \\ backslash",
    "tab\there",
    "two\nlines",
    "emoji 😀 ok",
    "'single'",
    "\u{feff}bom",
];
const BAD_STRINGS: &[&str] = &["", " ", "\t\n"];
/// Quotes: verbatim sentences of `court-news.txt`, then ones that are not in it.
const QUOTES: &[&str] = &[
    "On Monday the State Security Service arrested Ana Petrova, a journalist.",
    "Boris Lind spoke with Minister Karl Olsen by phone.",
    "Minister Karl Olsen",
    "The City Court sentenced Ana Petrova",
    "Court news, 3 March 2024.",
    "a.",
    "Ana Petrova was not arrested.",
    "“curly quotes”",
];
const BAD_QUOTES: &[&str] = &["", "   "];
const KEYS: &[&str] = &["months", "n", "source_page", "with space", "ü", ""];

/// A choice among valid values, or (not in strict mode, about one time in eight) a bad one.
#[derive(Debug, Clone, Copy, Arbitrary)]
struct Pick(u8);

impl Pick {
    fn of(self, strict: bool, good: &[&'static str], bad: &[&'static str]) -> String {
        let n = self.0 as usize;
        if strict || bad.is_empty() || n < 224 {
            good[n % good.len()].to_string()
        } else {
            bad[n % bad.len()].to_string()
        }
    }
}

/// A string: usually from a pool; sometimes any string at all.
#[derive(Debug, Clone, Arbitrary)]
enum Text {
    Pool(Pick),
    Any(String),
}

impl Text {
    fn render(&self, strict: bool, good: &[&'static str], bad: &[&'static str]) -> String {
        match self {
            Text::Pool(p) => p.of(strict, good, bad),
            Text::Any(s) if !strict => s.clone(),
            Text::Any(s) => good[s.len() % good.len()].to_string(),
        }
    }
}

#[derive(Debug, Clone, Arbitrary)]
struct DateSpec {
    year: u8,
    month: u8,
    day: u8,
    precision: u8,
    /// 224 and over (not in strict mode): malformed.
    mangle: u8,
}

impl DateSpec {
    fn render(&self, strict: bool) -> String {
        const YEARS: &[i32] = &[2023, 2024, 2024, 2024, 1900, 2000, 1, 0, 9999];
        let year = YEARS[self.year as usize % YEARS.len()];
        let month = 1 + self.month % 12;
        let days = match month {
            2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        let day = 1 + self.day % days;
        if strict || self.mangle < 224 {
            return match self.precision % 3 {
                0 => format!("{year:04}"),
                1 => format!("{year:04}-{month:02}"),
                _ => format!("{year:04}-{month:02}-{day:02}"),
            };
        }
        match self.mangle % 16 {
            0 => format!("{year:04}-00"),
            1 => format!("{year:04}-13"),
            2 => format!("{year:04}-{month:02}-00"),
            3 => format!("{year:04}-{month:02}-{}", days + 1),
            4 => "2023-02-29".into(),
            5 => "1900-02-29".into(),
            6 => format!("{:02}-{month:02}-{day:02}", year % 100),
            7 => format!("{year}-{month}-{day}"),
            8 => format!("{year:04}-{month:02}-{day:02}-01"),
            9 => String::new(),
            10 => format!("{year:04}-"),
            11 => format!("{year:04}/{month:02}/{day:02}"),
            12 => "２０２４".into(),
            13 => format!("+{year:04}"),
            14 => format!("{year:04}--{month:02}"),
            _ => format!("{year:04}-{month:02}-{day:02}T00:00:00Z"),
        }
    }
}

#[derive(Debug, Clone, Arbitrary)]
enum Attr {
    Integer(i64),
    Float(f64),
    Text(String),
    Bool(bool),
    /// Not allowed: an array.
    Array(Vec<i64>),
    /// Not allowed: a table.
    Table(u8),
}

impl Attr {
    fn render(&self, strict: bool) -> Value {
        match self {
            Attr::Integer(i) => Value::Integer(*i),
            Attr::Float(x) => Value::Float(*x),
            Attr::Text(s) => Value::String(s.clone()),
            Attr::Bool(b) => Value::Boolean(*b),
            Attr::Array(_) | Attr::Table(_) if strict => Value::Integer(1),
            Attr::Array(a) => Value::Array(a.iter().map(|i| Value::Integer(*i)).collect()),
            Attr::Table(n) => {
                let mut t = Table::new();
                t.insert("k".into(), Value::Integer(*n as i64));
                Value::Table(t)
            }
        }
    }
}

/// Not in strict mode: something the file's shape forbids.
#[derive(Debug, Clone, Copy, Arbitrary)]
enum Junk {
    UnknownField,
    IdIsANumber,
    KindIsAnArray,
}

#[derive(Debug, Clone, Arbitrary)]
struct DocSpec {
    id: Pick,
    title: Text,
    publisher: Option<Text>,
    published: Option<DateSpec>,
    url: Option<String>,
    text: Option<Pick>,
    junk: Option<Junk>,
}

#[derive(Debug, Clone, Arbitrary)]
struct EntitySpec {
    id: Pick,
    kind: Pick,
    name: Text,
    aliases: Vec<Text>,
    description: Option<Text>,
    roles: Option<Vec<Text>>,
    start: Option<DateSpec>,
    end: Option<DateSpec>,
    place: Option<Pick>,
    attributes: Option<Vec<(Pick, Attr)>>,
    junk: Option<Junk>,
}

#[derive(Debug, Clone, Arbitrary)]
struct CitationSpec {
    document: Pick,
    quote: Text,
}

#[derive(Debug, Clone, Arbitrary)]
struct RelationSpec {
    id: Option<Pick>,
    kind: Pick,
    from: Pick,
    to: Pick,
    date: Option<DateSpec>,
    until: Option<DateSpec>,
    role: Option<Text>,
    claim: Option<Pick>,
    description: Option<Text>,
    quote: Option<Text>,
    citations: Vec<CitationSpec>,
    attributes: Option<Vec<(Pick, Attr)>>,
    junk: Option<Junk>,
}

#[derive(Debug, Clone, Arbitrary)]
struct FileSpec {
    document: Option<DocSpec>,
    entities: Vec<EntitySpec>,
    relations: Vec<RelationSpec>,
}

#[derive(Debug)]
struct Input {
    strict: bool,
    files: Vec<FileSpec>,
}

impl<'a> Arbitrary<'a> for Input {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let strict = u.arbitrary()?;
        let n = u.int_in_range(1..=MAX_FILES)?;
        let mut files = Vec::with_capacity(n);
        for _ in 0..n {
            let mut f: FileSpec = u.arbitrary()?;
            f.entities.truncate(MAX_ITEMS);
            f.relations.truncate(MAX_ITEMS);
            files.push(f);
        }
        Ok(Input { strict, files })
    }
}

fn names<T: Copy>(all: &[T], name: impl Fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|&k| name(k)).collect()
}

fn attributes(strict: bool, attrs: &[(Pick, Attr)]) -> Value {
    let mut t = Table::new();
    for (k, v) in attrs {
        t.insert(k.of(true, KEYS, &[]), v.render(strict));
    }
    Value::Table(t)
}

fn junk(strict: bool, junk: Option<Junk>, t: &mut Table) {
    match junk {
        None => {}
        Some(_) if strict => {}
        Some(Junk::UnknownField) => {
            t.insert("colour".into(), Value::String("red".into()));
        }
        Some(Junk::IdIsANumber) => {
            t.insert("id".into(), Value::Integer(3));
        }
        Some(Junk::KindIsAnArray) => {
            t.insert("kind".into(), Value::Array(vec![]));
        }
    }
}

fn str_value(s: String) -> Value {
    Value::String(s)
}

/// What the rendered files hold, to check a successful load against.
#[derive(Default)]
struct Expected {
    documents: usize,
    entities: Vec<String>,
    relations: usize,
    relation_ids: Vec<String>,
}

fn render(input: &Input) -> (Vec<(PathBuf, String)>, Expected) {
    let s = input.strict;
    let entity_kinds = names(EntityKind::ALL, EntityKind::name);
    let relation_kinds = names(RelationKind::ALL, |k| k.spec().name);
    let claims = names(ClaimStatus::ALL, ClaimStatus::name);
    let mut expected = Expected::default();
    let mut sources = Vec::new();
    for (i, f) in input.files.iter().enumerate() {
        let mut root = Table::new();
        if let Some(d) = &f.document {
            let mut t = Table::new();
            t.insert("id".into(), str_value(d.id.of(s, IDS, BAD_IDS)));
            t.insert(
                "title".into(),
                str_value(d.title.render(s, STRINGS, BAD_STRINGS)),
            );
            if let Some(p) = &d.publisher {
                t.insert("publisher".into(), str_value(p.render(s, STRINGS, &[])));
            }
            if let Some(p) = &d.published {
                t.insert("published".into(), str_value(p.render(s)));
            }
            if let Some(u) = &d.url {
                t.insert("url".into(), str_value(u.clone()));
            }
            if let Some(p) = &d.text {
                t.insert("text".into(), str_value(p.of(s, TEXTS, BAD_TEXTS)));
            }
            junk(s, d.junk, &mut t);
            root.insert("document".into(), Value::Table(t));
            expected.documents += 1;
        }
        let mut entities = Vec::new();
        for e in &f.entities {
            let mut t = Table::new();
            let id = e.id.of(s, IDS, BAD_IDS);
            expected.entities.push(id.clone());
            t.insert("id".into(), str_value(id));
            t.insert(
                "kind".into(),
                str_value(e.kind.of(s, &entity_kinds, BAD_KINDS)),
            );
            t.insert(
                "name".into(),
                str_value(e.name.render(s, STRINGS, BAD_STRINGS)),
            );
            if !e.aliases.is_empty() {
                let a = e
                    .aliases
                    .iter()
                    .map(|a| str_value(a.render(s, STRINGS, BAD_STRINGS)));
                t.insert("aliases".into(), Value::Array(a.collect()));
            }
            if let Some(d) = &e.description {
                t.insert(
                    "description".into(),
                    str_value(d.render(s, STRINGS, BAD_STRINGS)),
                );
            }
            if let Some(r) = &e.roles {
                let r = r
                    .iter()
                    .map(|r| str_value(r.render(s, STRINGS, BAD_STRINGS)));
                t.insert("roles".into(), Value::Array(r.collect()));
            }
            if let Some(d) = &e.start {
                t.insert("start".into(), str_value(d.render(s)));
            }
            if let Some(d) = &e.end {
                t.insert("end".into(), str_value(d.render(s)));
            }
            if let Some(p) = &e.place {
                t.insert("place".into(), str_value(p.of(s, IDS, BAD_IDS)));
            }
            if let Some(a) = &e.attributes {
                t.insert("attributes".into(), attributes(s, a));
            }
            junk(s, e.junk, &mut t);
            entities.push(Value::Table(t));
        }
        if !entities.is_empty() {
            root.insert("entity".into(), Value::Array(entities));
        }
        let mut relations = Vec::new();
        for r in &f.relations {
            let mut t = Table::new();
            if let Some(id) = &r.id {
                let id = id.of(s, IDS, BAD_IDS);
                expected.relation_ids.push(id.clone());
                t.insert("id".into(), str_value(id));
            }
            t.insert(
                "kind".into(),
                str_value(r.kind.of(s, &relation_kinds, BAD_KINDS)),
            );
            t.insert("from".into(), str_value(r.from.of(s, IDS, BAD_IDS)));
            t.insert("to".into(), str_value(r.to.of(s, IDS, BAD_IDS)));
            if let Some(d) = &r.date {
                t.insert("date".into(), str_value(d.render(s)));
            }
            if let Some(d) = &r.until {
                t.insert("until".into(), str_value(d.render(s)));
            }
            if let Some(x) = &r.role {
                t.insert("role".into(), str_value(x.render(s, STRINGS, BAD_STRINGS)));
            }
            if let Some(c) = &r.claim {
                t.insert("claim".into(), str_value(c.of(s, &claims, BAD_CLAIMS)));
            }
            if let Some(x) = &r.description {
                t.insert(
                    "description".into(),
                    str_value(x.render(s, STRINGS, BAD_STRINGS)),
                );
            }
            if let Some(q) = &r.quote {
                t.insert("quote".into(), str_value(q.render(s, QUOTES, BAD_QUOTES)));
            }
            if !r.citations.is_empty() {
                let cites = r.citations.iter().map(|c| {
                    let mut ct = Table::new();
                    ct.insert("document".into(), str_value(c.document.of(s, IDS, BAD_IDS)));
                    ct.insert(
                        "quote".into(),
                        str_value(c.quote.render(s, QUOTES, BAD_QUOTES)),
                    );
                    Value::Table(ct)
                });
                t.insert("citations".into(), Value::Array(cites.collect()));
            }
            if let Some(a) = &r.attributes {
                t.insert("attributes".into(), attributes(s, a));
            }
            junk(s, r.junk, &mut t);
            relations.push(Value::Table(t));
            expected.relations += 1;
        }
        if !relations.is_empty() {
            root.insert("relation".into(), Value::Array(relations));
        }
        let text = toml::to_string(&root).expect("the rendered file serializes");
        sources.push((PathBuf::from(format!("f{i}.toml")), text));
    }
    (sources, expected)
}

/// Every root field, on the loaded graph. Errors such as `NOT_FOUND` are expected (the ids
/// may name nothing); a panic or an `INTERNAL` error is not.
const QUERY: &str = r#"{
  entities(first: 100) { totalCount nodes { id kind name aliases degree
    ... on Event { start end place { id } participants { id } } } }
  relations(first: 100) { totalCount nodes { id kind label date until claim role
    citations { quote document { id title published } } attributes { name value } } }
  timeline { id date until }
  between: timeline(since: "2024-01", until: "2024-02-29") { id }
  search(text: "ana") { score reason entity { id } }
  neighbourhood(ids: ["ana"], depth: 3) { truncated entities { id } relations { id } }
  shortestPath(from: "ana", to: "bob") { length entities { id } }
  paths(from: "ana", to: "court", maxLength: 6) { length }
  documents { id title published }
  vocabulary { kind label symmetric fromKinds toKinds }
}"#;

fuzz_target!(|input: Input| {
    let (sources, expected) = render(&input);
    match dossier::load::load_sources(data_dir(), &sources) {
        Ok((graph, summary)) => {
            tally("data_file_structured", true);
            assert_eq!(summary.files, sources.len());
            assert_eq!(summary.documents, expected.documents, "{sources:#?}");
            assert_eq!(summary.entities, expected.entities.len(), "{sources:#?}");
            assert_eq!(summary.relations, expected.relations, "{sources:#?}");
            for id in &expected.entities {
                assert!(graph.node(id).is_some(), "entity {id} not in the graph");
            }
            for id in &expected.relation_ids {
                assert!(graph.edge(id).is_some(), "relation {id} not in the graph");
            }
            // Building a schema is far slower than a load: one schema over one store, whose
            // graph is replaced by each loaded one.
            static SCHEMA: OnceLock<(Store, DossierSchema)> = OnceLock::new();
            let (store, schema) = SCHEMA.get_or_init(|| {
                let empty = GraphBuilder::new().build().expect("an empty graph");
                let store = Store::new(empty);
                (store.clone(), build_schema(store))
            });
            store.replace(graph);
            let response = runtime().block_on(schema.execute(QUERY));
            let json = serde_json::to_value(&response).expect("a response serializes");
            check_graphql_response(&json, &format!("{sources:#?}"));
            if let Some(errors) = json.get("errors").and_then(|e| e.as_array()) {
                for e in errors {
                    let code = e["extensions"]["code"].as_str().unwrap_or_default();
                    assert!(
                        !matches!(code, "GRAPHQL_PARSE_FAILED" | "GRAPHQL_VALIDATION_FAILED" | "LIMIT_EXCEEDED"),
                        "the target's fixed query no longer fits the schema or its limits; update QUERY: {e}"
                    );
                }
            }
        }
        Err(errors) => {
            tally("data_file_structured", false);
            assert!(!errors.0.is_empty(), "Err with an empty error list");
            for e in &errors.0 {
                check_load_error(&sources, e);
            }
        }
    }
});
