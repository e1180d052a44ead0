//! Tab-separated triples (`head<TAB>relation<TAB>tail`, as CoDEx, FB15k or WN18 ship them).
//!
//! Entities are created on first sight: id the token slugified (`Q42` → `q42`; an entity of
//! `data/` or of another source with that id is used instead), name the token or its label
//! from the mapping's `entity_labels`, kind from the mapping (the entity's types, then
//! `default_entity_kind`), and the labels of its types in the attribute `types`. A relation's
//! kind comes from the mapping's `[relations]`, else it is `RELATED` with the code's label
//! (`relation_labels`) or the code itself. Each relation cites the document standing for the
//! file, quoting its line. Repeated triples are kept, with ids `.2`, `.3` as the data loader
//! gives.
//!
//! The file is read twice when it can be: first the entities its lines name, added in the
//! order they first appear (each chunk's distinct tokens found on the pool, so this thread
//! looks up each token once a chunk rather than twice a line); then every line's relation is
//! made on the pool, checked against a copy of the entities, and added in file order. A file
//! the first pass cannot take whole (a line with the wrong columns or not UTF-8, a token with
//! no kind) is read line after line instead, so its errors are exactly the errors of reading
//! it so: what is added, and every error with its place, is the same either way.

use super::parallel::{each_chunk, each_line};
use super::read::{Chunk, Chunks, Cut};
use super::session::{prepare, Prepared};
use super::{slug, Draft, RelationRule, Session, Site};
use crate::load::LoadError;
use crate::model::{AttributeValue, Citation, Entity, Id, RelationKind};
use crate::store::Resolver;
use hashbrown::{HashMap, HashSet};
use std::ops::{ControlFlow, Range};
use std::path::Path;

/// Refuses a triples file up front when the mapping gives its entities no kind.
pub(super) fn check_mapping(cx: &mut Session, path: &Path) {
    if cx.mapping.has_entity_kinds() {
        return;
    }
    const WHY: &str = "a triples file names its entities by tokens alone (`Q42`), never by kind, \
        so a mapping file must give their kind: `default_entity_kind = \"ORGANISATION\"` for all, \
        or `[entity_types]` with an `entity_types` side file for each (see the README, \
        \"The mapping file\")";
    let message = match cx.mapping.file() {
        None => format!(
            "no mapping file was given (`--mapping FILE`; `--import-mapping FILE` for `serve`): {WHY}"
        ),
        Some(file) => format!(
            "the mapping file {} gives no entity kinds: {WHY}",
            file.display()
        ),
    };
    cx.push(Site::new(path, 1, 1).error("mapping", message));
}

/// What a relation code becomes.
struct Verb {
    rule: Option<RelationRule>,
    label: String,
}

/// Reads a triples file, adding its entities and relations.
pub(super) fn read(cx: &mut Session, path: &Path) {
    if !cx.mapping.has_entity_kinds() {
        return;
    }
    let doc = match cx.standin(path) {
        Ok(id) => id,
        Err(e) => return cx.push(Site::new(path, 1, 1).error("document", e.to_string())),
    };
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into(),
    );
    let mut file = TriplesFile {
        path,
        doc,
        ids: HashMap::new(),
        mine: HashSet::new(),
        verbs: HashMap::new(),
    };
    if file.entities_first(cx, &name) {
        file.relations(cx, &name);
        return;
    }
    each_line(
        cx,
        path,
        &name,
        |n, line| split(path, n, line),
        |cx, n, line, columns| file.line(cx, n, line, columns),
    );
}

#[cfg(test)]
thread_local! {
    /// Set by a test on this thread to read every triples file line after line.
    static ONE_PASS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with triples files read line after line (no first pass for the entities), for
/// tests that compare the two reads.
#[cfg(test)]
pub(super) fn line_after_line<R>(f: impl FnOnce() -> R) -> R {
    let before = ONE_PASS.replace(true);
    let result = f();
    ONE_PASS.set(before);
    result
}

/// What the first pass finds in a chunk, on the pool: the tokens and relation codes its
/// lines name (byte ranges of the chunk's text), each the first time the chunk names it, in
/// the order of the lines, heads before tails; `Stop` at the first line the first pass cannot
/// take (wrong columns, not UTF-8), after which the chunk gives nothing.
enum Named {
    Token(Range<usize>),
    Code(Range<usize>),
    Stop,
}

/// The tokens and codes of a chunk, for the first pass (on the pool).
fn named(path: &Path, chunk: &Chunk, into: &mut Vec<Named>) {
    let start = chunk.text.as_ptr() as usize;
    let mut tokens: HashSet<&str> = HashSet::new();
    let mut codes: HashSet<&str> = HashSet::new();
    for (n, line) in chunk.lines() {
        let Ok(line) = line else {
            return into.push(Named::Stop);
        };
        let [(head, _), (code, _), (tail, _)] = match split(path, n, line) {
            Columns::Blank => continue,
            Columns::Wrong(_) => return into.push(Named::Stop),
            Columns::Three(columns) => columns,
        };
        let at = line.as_ptr() as usize - start;
        let range = |r: &Range<usize>| at + r.start..at + r.end;
        for r in [head, tail] {
            if tokens.insert(&line[r.clone()]) {
                into.push(Named::Token(range(&r)));
            }
        }
        if codes.insert(&line[code.clone()]) {
            into.push(Named::Code(range(&code)));
        }
    }
}

/// A line of the second pass, made on the pool.
enum Made {
    Blank,
    Ready(Prepared),
    /// A line the first pass did not read as this one does: the file changed in between.
    Changed(LoadError),
}

/// A line cut into its three columns, each trimmed, with the column (in characters) it
/// starts at.
enum Columns {
    Blank,
    Wrong(LoadError),
    Three([(Range<usize>, usize); 3]),
}

/// Cuts line `n` at its tabs (on the pool).
fn split(path: &Path, n: usize, line: &str) -> Columns {
    if line.trim().is_empty() {
        return Columns::Blank;
    }
    let columns: Vec<&str> = line.splitn(4, '\t').collect();
    if columns.len() != 3 {
        let found = line.split('\t').count();
        return Columns::Wrong(Site::new(path, n, 1).error(
            "columns",
            format!("expected 3 tab-separated columns (head, relation, tail), found {found}"),
        ));
    }
    let mut column = 1;
    let mut at = [0; 3];
    for (i, c) in columns.iter().enumerate() {
        at[i] = column;
        column += c.chars().count() + 1;
    }
    for (i, field) in ["head", "relation", "tail"].into_iter().enumerate() {
        if columns[i].trim().is_empty() {
            return Columns::Wrong(Site::new(path, n, at[i]).error(field, "is empty"));
        }
    }
    let range = |c: &str| {
        let t = c.trim();
        let start = t.as_ptr() as usize - line.as_ptr() as usize;
        start..start + t.len()
    };
    Columns::Three([0, 1, 2].map(|i| (range(columns[i]), at[i])))
}

struct TriplesFile<'a> {
    path: &'a Path,
    /// The document standing for this file.
    doc: Id,
    /// Token → entity id, for every token seen.
    ids: HashMap<Box<str>, Id>,
    /// The entities this file created (to tell a slug clash from a reference to `data/`).
    mine: HashSet<Id>,
    /// Relation code → what it becomes.
    verbs: HashMap<Box<str>, Verb>,
}

impl TriplesFile<'_> {
    /// The first pass: adds the entities the file names, in the order they first appear, and
    /// learns its relation codes. False if it stopped at a line it cannot take (then the file
    /// is read line after line, which reports it); nothing is reported here.
    fn entities_first(&mut self, cx: &mut Session, name: &str) -> bool {
        #[cfg(test)]
        if ONE_PASS.get() {
            return false;
        }
        let what = format!("{name} (entities)");
        let Ok(mut chunks) = Chunks::open(self.path, &what, Cut::Lines, cx.progress) else {
            return false;
        };
        let path = self.path;
        let mut whole = true;
        let read = each_chunk(
            cx,
            &mut chunks,
            |chunk, into| named(path, chunk, into),
            |cx, chunk, found| {
                for named in found {
                    let text = |r: Range<usize>| std::str::from_utf8(&chunk.text[r]).ok();
                    let taken = match named {
                        Named::Token(r) => text(r).is_some_and(|t| self.find(cx, t).is_ok()),
                        Named::Code(r) => text(r).map(|c| learn(&mut self.verbs, cx, c)).is_some(),
                        Named::Stop => false,
                    };
                    if !taken {
                        whole = false;
                        return ControlFlow::Break(());
                    }
                }
                ControlFlow::Continue(())
            },
        );
        whole && read.is_ok()
    }

    /// The second pass, once the first added every entity: each line's relation made on the
    /// pool against a copy of the entities, and added in file order.
    fn relations(&self, cx: &mut Session, name: &str) {
        let resolver = cx.builder.resolver();
        let path = self.path;
        each_line(
            cx,
            path,
            &format!("{name} (relations)"),
            |n, line| self.made(&resolver, n, line),
            |cx, n, _, made| match made {
                Made::Blank => {}
                Made::Changed(e) => cx.push(e),
                Made::Ready(prepared) => {
                    if let Err(e) = cx.add_prepared(prepared) {
                        let field = e.field().unwrap_or("line");
                        cx.push(Site::new(path, n, 1).error(field, e.to_string()));
                    }
                }
            },
        );
    }

    /// Line `n`'s relation, made ready to add (on the pool, in the second pass).
    fn made(&self, resolver: &Resolver, n: usize, line: &str) -> Made {
        let [(head, head_at), (code, _), (tail, tail_at)] = match split(self.path, n, line) {
            Columns::Blank => return Made::Blank,
            Columns::Wrong(e) => return Made::Changed(e),
            Columns::Three(c) => c.map(|(range, at)| (&line[range], at)),
        };
        let changed = |at: usize, field: &str| {
            Made::Changed(Site::new(self.path, n, at).error(
                field,
                "the file changed while it was read: this line is not the one read before",
            ))
        };
        let (Some(from), Some(to)) = (self.ids.get(head), self.ids.get(tail)) else {
            let (at, field) = match self.ids.get(head) {
                None => (head_at, "head"),
                Some(_) => (tail_at, "tail"),
            };
            return changed(at, field);
        };
        let Some(verb) = self.verbs.get(code) else {
            return changed(1, "relation");
        };
        let draft = draft(&self.doc, from.clone(), to.clone(), verb, line);
        Made::Ready(prepare(resolver, draft))
    }

    fn line(&mut self, cx: &mut Session, n: usize, line: &str, columns: Columns) {
        let [(head, head_at), (code, _), (tail, tail_at)] = match columns {
            Columns::Blank => return,
            Columns::Wrong(e) => return cx.push(e),
            Columns::Three(c) => c.map(|(range, at)| (&line[range], at)),
        };
        let from = self.entity(cx, head, Site::new(self.path, n, head_at), "head");
        let to = self.entity(cx, tail, Site::new(self.path, n, tail_at), "tail");
        let (Some(from), Some(to)) = (from, to) else {
            return;
        };
        let verb = learn(&mut self.verbs, cx, code);
        let draft = draft(&self.doc, from, to, verb, line);
        if let Err(e) = cx.add_relation(draft) {
            cx.push(Site::new(self.path, n, 1).error(e.field().unwrap_or("line"), e.to_string()));
        }
    }

    /// The id of the entity a token names, creating it on first sight; what is wrong, at
    /// `site`, if it cannot be created.
    fn entity(&mut self, cx: &mut Session, token: &str, site: Site, field: &str) -> Option<Id> {
        match self.find(cx, token) {
            Ok(id) => Some(id),
            Err(message) => {
                cx.push(site.error(field, message));
                None
            }
        }
    }

    /// The id of the entity a token names, creating it on first sight; why it cannot be
    /// created.
    fn find(&mut self, cx: &mut Session, token: &str) -> Result<Id, String> {
        if let Some(id) = self.ids.get(token) {
            return Ok(id.clone());
        }
        let mut id = slug::token_id(token);
        if cx.builder.has_entity(id.as_str()) {
            if !self.mine.contains(&id) {
                // An entity of data/ or of another source: refer to it.
                self.ids.insert(token.into(), id.clone());
                return Ok(id);
            }
            id = slug::distinct_id(token, |s| cx.builder.has_entity(s));
        }
        let Some(kind) = cx.mapping.entity_kind(token) else {
            return Err(format!("no entity kind for `{token}`: the mapping's [entity_types] names none of its types, and it has no default_entity_kind"));
        };
        let name = cx.mapping.entity_label(token).unwrap_or(token);
        let mut entity = Entity::new(id.clone(), kind, name);
        if name != token {
            entity.aliases.push(token.to_string());
        }
        let types = cx.mapping.types(token);
        if !types.is_empty() {
            let labels: Vec<&str> = types.iter().map(|t| cx.mapping.type_label(t)).collect();
            entity
                .attributes
                .insert("types".into(), AttributeValue::Text(labels.join(", ")));
        }
        cx.add_entity(entity).map_err(|e| e.to_string())?;
        self.mine.insert(id.clone());
        self.ids.insert(token.into(), id.clone());
        Ok(id)
    }
}

/// What relation code `code` becomes, learnt on first sight.
fn learn<'v>(verbs: &'v mut HashMap<Box<str>, Verb>, cx: &Session, code: &str) -> &'v Verb {
    verbs.entry(code.into()).or_insert_with(|| {
        let label = cx.mapping.relation_label(code).unwrap_or(code).to_string();
        let rule = cx.mapping.relation(code, Some(&label)).cloned();
        Verb { rule, label }
    })
}

/// The relation of a line from `from` to `to` with code `verb`, citing the line in `doc`.
fn draft(doc: &Id, from: Id, to: Id, verb: &Verb, line: &str) -> Draft {
    let citation = Citation {
        document: doc.clone(),
        quote: line.to_string(),
    };
    match &verb.rule {
        Some(rule) if rule.kind == RelationKind::Related => {
            let mut d = Draft::new(RelationKind::Related, from, to, vec![citation]);
            d.label = Some(rule.label.clone().unwrap_or_else(|| verb.label.clone()));
            d.role = rule.role.clone();
            d
        }
        Some(rule) => {
            let (from, to) = if rule.reverse { (to, from) } else { (from, to) };
            let mut d = Draft::new(rule.kind, from, to, vec![citation]);
            d.fallback = Some(verb.label.clone());
            d.reversed = rule.reverse;
            d.role = rule.role.clone();
            d
        }
        None => {
            let mut d = Draft::new(RelationKind::Related, from, to, vec![citation]);
            d.label = Some(verb.label.clone());
            d
        }
    }
}

#[cfg(test)]
mod tests {
    use super::line_after_line;
    use crate::export::{self, Format, View};
    use crate::import::read::with_chunk_bytes;
    use crate::import::{load_with_imports, ImportSource, Mapping, Silent};
    use crate::store::Node;
    use std::fmt::Write;
    use std::path::Path;

    /// The node-link export, the summary and the memory account of importing `path`, or the
    /// errors as `dossier import` prints them; read in two passes or line after line, in
    /// chunks of `size` bytes.
    fn import(path: &Path, mapping: &Mapping, size: usize, one_pass: bool) -> String {
        let run = || {
            let source = ImportSource::at(path, None).unwrap();
            let read = || load_with_imports(None, &[source], mapping, &Silent);
            if one_pass {
                line_after_line(read)
            } else {
                read()
            }
        };
        let result = if size == usize::MAX {
            run()
        } else {
            with_chunk_bytes(size, run)
        };
        match result {
            Ok((graph, summary)) => {
                let whole = export::export(&graph, &View::whole(&graph), Format::NodeLinkJson);
                // The entities in the order they were added, which exports do not show.
                let order: Vec<String> = (0..graph.entity_count())
                    .map(|i| graph.entity(Node::new(i)).id().to_string())
                    .collect();
                format!("{whole}\n{order:?}\n{summary:?}\n{:?}", graph.memory())
            }
            Err(errors) => errors.to_string(),
        }
    }

    /// A triples file with what the two passes must agree on: repeated triples (ids `.2`,
    /// `.3`), tokens whose slugs clash (`Q7`, `q7`), mapped codes turned around or falling
    /// back to `RELATED`, unmapped codes, blank lines and a CRLF line.
    fn triples(dir: &Path, lines: usize) -> std::path::PathBuf {
        let codes = ["P463", "P26", "P488", "P999", "P1"];
        let mut text = String::new();
        let mut x: u64 = 7;
        let mut next = |m: u64| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) % m
        };
        for i in 0..lines {
            let head = next(300);
            let tail = next(300);
            // Every fifth token of a number in lower case: the first of `Q7` and `q7` in the
            // file gets the id `q7`, the other a hash-suffixed one.
            let q = |t: u64| match (t + i as u64) % 5 {
                0 => format!("q{t}"),
                _ => format!("Q{t}"),
            };
            let code = codes[next(codes.len() as u64) as usize];
            write!(text, "{}\t{code}\t{}", q(head), q(tail)).unwrap();
            text.push_str(match i % 97 {
                5 => "\r\n",
                9 => "\n\n",
                _ => "\n",
            });
            if i % 13 == 0 {
                // The same triple again.
                writeln!(text, "{}\t{code}\t{}", q(head), q(tail)).unwrap();
            }
        }
        let path = dir.join("t.tsv");
        std::fs::write(&path, text).unwrap();
        path
    }

    fn mapping() -> Mapping {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/import/triples/mapping.toml");
        Mapping::load(&path).unwrap()
    }

    #[test]
    fn two_passes_give_the_graph_of_reading_line_after_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = triples(dir.path(), 3000);
        let mapping = mapping();
        let expected = import(&path, &mapping, usize::MAX, true);
        assert!(expected.contains(".2\""), "some ids are numbered");
        assert!(
            expected.contains("\"q7-"),
            "a slug taken, hash-suffixed: {expected}"
        );
        for size in [1, 100, 4096, usize::MAX] {
            let found = import(&path, &mapping, size, false);
            assert!(found == expected, "in chunks of {size}");
        }
    }

    #[test]
    fn a_file_the_first_pass_cannot_take_gets_the_errors_of_reading_line_after_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = triples(dir.path(), 500);
        let mut text = std::fs::read_to_string(&path).unwrap();
        // A line with two columns far down the file, after entities were added.
        text.push_str("Q1\tP1\n");
        text.push_str("Q2\tP1\tQ3\n");
        std::fs::write(&path, text).unwrap();
        let mapping = mapping();
        let expected = import(&path, &mapping, usize::MAX, true);
        assert!(
            expected.contains("expected 3 tab-separated columns"),
            "{expected}"
        );
        for size in [1, 100, usize::MAX] {
            assert_eq!(
                import(&path, &mapping, size, false),
                expected,
                "in chunks of {size}"
            );
        }
    }
}
