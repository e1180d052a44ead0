//! Synthetic graphs for benchmarks: `dossier generate` writes the three CSV tables of the
//! import format (`documents.csv`, `nodes.csv`, `relations.csv`) for a graph of any size,
//! the same bytes for the same seed.
//!
//! # Shape
//! - **Entities** take the kind mix of a news dataset: 55% PERSON, 20% ORGANISATION,
//!   10% GOVERNMENT, 5% COURT, 5% EVENT, 5% PLACE.
//! - **Relations** join ends drawn by a Chung–Lu style sampler over Zipf weights: entity `i`
//!   is drawn with probability proportional to `(i + 1)^-0.75`, so degrees follow a power law
//!   (tail exponent about 2.3) with a few hubs of tens of thousands of relations at 10M.
//!   Self-relations are redrawn; repeated pairs are kept, as news repeats itself.
//! - Each relation's kind is drawn among those the vocabulary allows for its ends' kinds
//!   ([`RelationKind::allows`]; read the other way round when only `RELATED` fits, and
//!   `RELATED` "mentioned with" when nothing else fits either way); its date is spread over
//!   2019–2024, 60% to the day, 25% to the month, 5% to the year and 10% undated; it cites one
//!   of [`DOCUMENTS`] generated documents with a short generated sentence.
//!
//! # Cost
//! Streaming: an entity's kind and name are pure functions of the seed and its index, so
//! nothing is held per row. O(V + E) time, O(1) memory.

mod names;

use crate::model::{EntityKind, RelationKind};
use crate::rng::{self, hash, SplitMix64};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// How many documents the relations cite (fewer when there are fewer relations).
pub const DOCUMENTS: u64 = 1_000;

/// The Zipf exponent of the entities' weights: higher makes bigger hubs.
const ZIPF: f64 = 0.75;

/// The label of a `RELATED` relation, for the pairs of kinds nothing else fits either way.
const RELATED_LABEL: &str = "mentioned with";

/// The kind mix of a news dataset, in percent (summing to 100).
const KIND_MIX: &[(EntityKind, u64)] = &[
    (EntityKind::Person, 55),
    (EntityKind::Organisation, 20),
    (EntityKind::Government, 10),
    (EntityKind::Court, 5),
    (EntityKind::Event, 5),
    (EntityKind::Place, 5),
];

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// How many entities (at least 2 when there are relations).
    pub entities: u64,
    /// How many relations.
    pub relations: u64,
    /// The seed: the same spec always gives the same bytes.
    pub seed: u64,
}

/// What was written: rows and bytes per table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    /// Rows of `documents.csv`.
    pub documents: u64,
    /// Rows of `nodes.csv`.
    pub entities: u64,
    /// Rows of `relations.csv`.
    pub relations: u64,
    /// Bytes of the three files together.
    pub bytes: u64,
}

/// Writes `documents.csv`, `nodes.csv` and `relations.csv` into `dir` (created if missing).
/// Fails on an I/O error, or if `spec` asks for relations among fewer than 2 entities.
pub fn generate(spec: &Spec, dir: &Path) -> io::Result<Written> {
    std::fs::create_dir_all(dir)?;
    let open =
        |name: &str| File::create(dir.join(name)).map(|f| BufWriter::with_capacity(1 << 20, f));
    write(
        spec,
        Counted::new(open("documents.csv")?),
        Counted::new(open("nodes.csv")?),
        Counted::new(open("relations.csv")?),
    )
}

/// Writes the three tables to the given writers. See [`generate`].
pub fn write<D: Write, N: Write, R: Write>(
    spec: &Spec,
    documents: Counted<D>,
    nodes: Counted<N>,
    relations: Counted<R>,
) -> io::Result<Written> {
    if spec.relations > 0 && spec.entities < 2 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "relations need at least 2 entities",
        ));
    }
    let docs = DOCUMENTS.min(spec.relations.max(1));
    let mut written = Written {
        documents: docs,
        entities: spec.entities,
        relations: spec.relations,
        bytes: 0,
    };
    written.bytes += write_documents(spec.seed, docs, documents)?;
    written.bytes += write_nodes(spec, nodes)?;
    written.bytes += write_relations(spec, docs, relations)?;
    Ok(written)
}

/// A writer that counts the bytes through it.
#[derive(Debug)]
pub struct Counted<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Counted<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Counted<W> {
        Counted { inner, bytes: 0 }
    }

    /// Flushes and returns the bytes written and the writer.
    pub fn finish(mut self) -> io::Result<(u64, W)> {
        self.inner.flush()?;
        Ok((self.bytes, self.inner))
    }
}

impl<W: Write> Write for Counted<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn finish<W: Write>(w: csv::Writer<Counted<W>>) -> io::Result<u64> {
    let counted = w
        .into_inner()
        .map_err(|e| io::Error::other(e.to_string()))?;
    Ok(counted.finish()?.0)
}

fn write_documents<W: Write>(seed: u64, count: u64, out: Counted<W>) -> io::Result<u64> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["id", "title", "publisher", "published"])?;
    let mut rng = SplitMix64::new(seed ^ 0x646F_6373);
    for d in 0..count {
        let published = day(&mut rng);
        w.write_record([
            format!("doc-{d}").as_str(),
            &format!("Weekly bulletin no. {}", d + 1),
            ["Center for Studies", "Rights Monitor", "Daily Courier"][d as usize % 3],
            &published,
        ])?;
    }
    finish(w)
}

fn write_nodes<W: Write>(spec: &Spec, out: Counted<W>) -> io::Result<u64> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["id", "kind", "name"])?;
    for i in 0..spec.entities {
        let kind = kind_of(spec.seed, i);
        w.write_record([
            entity_id(i).as_str(),
            kind.name(),
            &names::entity_name(spec.seed, i, kind),
        ])?;
    }
    finish(w)
}

fn write_relations<W: Write>(spec: &Spec, docs: u64, out: Counted<W>) -> io::Result<u64> {
    let table = KindTable::new();
    let sampler = Zipf::new(spec.entities);
    let mut rng = SplitMix64::new(spec.seed ^ 0x7265_6C73);
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["from", "to", "kind", "label", "date", "quote", "source"])?;
    for _ in 0..spec.relations {
        let from = sampler.draw(&mut rng);
        let to = loop {
            let to = sampler.draw(&mut rng);
            if to != from {
                break to;
            }
        };
        let (mut fk, mut tk) = (kind_of(spec.seed, from), kind_of(spec.seed, to));
        let (mut from, mut to) = (from, to);
        if table.allowed(fk, tk) == [RelationKind::Related] {
            // A place does not act: read the pair the other way round when that fits better.
            std::mem::swap(&mut from, &mut to);
            std::mem::swap(&mut fk, &mut tk);
        }
        let choices = table.allowed(fk, tk);
        let kind = choices[rng.below(choices.len())];
        let date = date(&mut rng);
        let quote = format!(
            "{} {} {}{}{}.",
            names::entity_name(spec.seed, from, fk),
            if kind == RelationKind::Related {
                RELATED_LABEL
            } else {
                kind.label()
            },
            names::entity_name(spec.seed, to, tk),
            if date.is_empty() { "" } else { " on " },
            date
        );
        w.write_record([
            entity_id(from).as_str(),
            &entity_id(to),
            kind.name(),
            if kind == RelationKind::Related {
                RELATED_LABEL
            } else {
                ""
            },
            &date,
            &quote,
            &format!("doc-{}", rng.below(docs as usize)),
        ])?;
    }
    finish(w)
}

/// The id of entity `i`.
fn entity_id(i: u64) -> String {
    format!("e{i}")
}

/// The kind of entity `i`, drawn from [`KIND_MIX`]. O(1).
fn kind_of(seed: u64, i: u64) -> EntityKind {
    let mut roll = hash(seed, i) % 100;
    for &(kind, percent) in KIND_MIX {
        if roll < percent {
            return kind;
        }
        roll -= percent;
    }
    EntityKind::Place
}

/// The relation kinds allowed between each pair of entity kinds, `RELATED` only when no
/// other fits.
struct KindTable(Vec<Vec<RelationKind>>);

impl KindTable {
    fn new() -> KindTable {
        let n = EntityKind::ALL.len();
        let mut table = Vec::with_capacity(n * n);
        for &from in EntityKind::ALL {
            for &to in EntityKind::ALL {
                let mut kinds: Vec<RelationKind> = RelationKind::ALL
                    .iter()
                    .copied()
                    .filter(|&k| k != RelationKind::Related && k.allows(from, to))
                    .collect();
                if kinds.is_empty() {
                    kinds.push(RelationKind::Related);
                }
                table.push(kinds);
            }
        }
        KindTable(table)
    }

    fn allowed(&self, from: EntityKind, to: EntityKind) -> &[RelationKind] {
        let index = |k: EntityKind| EntityKind::ALL.iter().position(|&x| x == k).unwrap_or(0);
        &self.0[index(from) * EntityKind::ALL.len() + index(to)]
    }
}

/// Draws an entity index in `0..n` with probability proportional to `(i + 1)^-ZIPF`, by
/// inverting the continuous CDF: O(1) a draw, no table.
struct Zipf {
    n: f64,
    /// `(n + 1)^(1 - ZIPF) - 1`, the CDF's scale.
    span: f64,
}

impl Zipf {
    fn new(n: u64) -> Zipf {
        let n = n as f64;
        Zipf {
            n,
            span: (n + 1.0).powf(1.0 - ZIPF) - 1.0,
        }
    }

    fn draw(&self, rng: &mut SplitMix64) -> u64 {
        let x = (rng.unit() * self.span + 1.0).powf(1.0 / (1.0 - ZIPF)) - 1.0;
        (x.floor().min(self.n - 1.0)).max(0.0) as u64
    }
}

/// A date in 2019–2024: 60% a day, 25% a month, 5% a year, 10% none (empty).
fn date(rng: &mut SplitMix64) -> String {
    let roll = rng.below(100);
    let year = 2019 + rng.below(6);
    let month = 1 + rng.below(12);
    match roll {
        0..60 => format!("{year}-{month:02}-{:02}", 1 + rng.below(28)),
        60..85 => format!("{year}-{month:02}"),
        85..90 => format!("{year}"),
        _ => String::new(),
    }
}

/// A day in 2019–2024.
fn day(rng: &mut SplitMix64) -> String {
    format!(
        "{}-{:02}-{:02}",
        2019 + rng.below(6),
        1 + rng.below(12),
        1 + rng.below(28)
    )
}

#[cfg(test)]
mod tests;
