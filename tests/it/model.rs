//! The curator against a plain model of what curation means: random sequences of operations
//! (upserts, relations added, updated and removed, entities removed, merges, judgements,
//! reverts of earlier changes, and restarts that replay the journal over the base graph) are
//! made by the real `Curator` (a SQLite journal in a temporary directory) and by the model
//! below (maps of entities, relations, merges and judgements). After every step both hold
//! the same entities, relations, merged ids and judgements, and refuse the same operations.
//! 64 cases of up to 25 operations; `DOSSIER_MODEL_CASES` asks for more.

use crate::support::{id, Fixture};
use dossier::curate::{replay, Curator, Operation};
use dossier::journal::Sqlite;
use dossier::model::{Citation, Date, EntityKind, Relation, RelationKind};
use dossier::store::{Edge, Graph, Node, Store, Version};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// Ids the operations name besides those there are: some in the base graph, some not (yet).
const IDS: &[&str] = &["p1", "p2", "p3", "p4", "o1", "o2", "pl1", "pl2", "ev"];
/// Long enough that the quotes naming them are kept as templates of their names (see
/// `store::quotes`): renames and merges must leave those quotes as they were.
const NAMES: &[&str] = &["Ann", "Bob Bobrovsky-Aliyev", "Ngo Əliyev Fondu"];
/// Mostly persons, so that merges (of one kind) are often allowed.
const ENTITY_KINDS: &[EntityKind] = &[
    EntityKind::Person,
    EntityKind::Person,
    EntityKind::Person,
    EntityKind::Organisation,
    EntityKind::Place,
];
/// A symmetric kind between any actors (mostly), one to organisations only, one to persons
/// only, one from anything to places.
const RELATION_KINDS: &[RelationKind] = &[
    RelationKind::Called,
    RelationKind::Called,
    RelationKind::MemberOf,
    RelationKind::Arrested,
    RelationKind::LocatedIn,
];
const DATES: &[Option<&str>] = &[None, Some("2023-09-21"), Some("2023-09")];

/// The base graph: two persons and an organisation, a call and a membership, and talks held
/// at one of two places (merging places moves the events held there).
fn base() -> Graph {
    use EntityKind::*;
    use RelationKind::*;
    Fixture::new()
        .named("p1", Person, "Ann")
        .named("p2", Person, "Bob")
        .named("o1", Organisation, "Ngo")
        .named("pl1", Place, "Baku")
        .named("pl2", Place, "Ganja")
        .event_at("ev", "Talks", "pl1")
        .relation("p1", Called, "p2")
        .relation("p2", MemberOf, "o1")
        .build()
}

// --- The model -------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
struct Ent {
    kind: EntityKind,
    name: String,
    aliases: Vec<String>,
    /// Where an event was held.
    place: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
struct Rel {
    kind: RelationKind,
    from: String,
    to: String,
    date: Option<Date>,
    /// Its first citation's quote, which nothing but an update of it changes.
    quote: String,
}

/// What a change did to one record, before and after.
#[derive(Debug, Clone)]
enum Rec {
    Entity(String, Option<Ent>, Option<Ent>),
    Relation(String, Option<Rel>, Option<Rel>),
    Merged(String, Option<String>, Option<String>),
    Distinct((String, String), bool, bool),
}

impl Rec {
    fn inverse(&self) -> Rec {
        match self.clone() {
            Rec::Entity(id, b, a) => Rec::Entity(id, a, b),
            Rec::Relation(id, b, a) => Rec::Relation(id, a, b),
            Rec::Merged(id, b, a) => Rec::Merged(id, a, b),
            Rec::Distinct(p, b, a) => Rec::Distinct(p, a, b),
        }
    }
}

/// The graph as curation sees it.
#[derive(Debug, Clone, Default, PartialEq)]
struct State {
    entities: BTreeMap<String, Ent>,
    relations: BTreeMap<String, Rel>,
    merged: BTreeMap<String, String>,
    distinct: BTreeSet<(String, String)>,
}

/// A refusal (the model says only that the operation is refused, not why).
type Outcome = Result<Vec<Rec>, ()>;

fn pair(a: &str, b: &str) -> (String, String) {
    if a <= b {
        (a.to_owned(), b.to_owned())
    } else {
        (b.to_owned(), a.to_owned())
    }
}

fn default_id(from: &str, kind: RelationKind, to: &str) -> String {
    format!(
        "{from}.{}.{to}",
        kind.name().to_ascii_lowercase().replace('_', "-")
    )
}

impl State {
    /// An id, chosen by `who`: mostly an entity there is, sometimes a merged id, else one of
    /// [`IDS`] (there or not).
    fn pick(&self, who: u8) -> String {
        let at = |len: usize| (who / 10) as usize % len;
        match who % 10 {
            0..=5 if !self.entities.is_empty() => self
                .entities
                .keys()
                .nth(at(self.entities.len()))
                .unwrap()
                .clone(),
            6 if !self.merged.is_empty() => self
                .merged
                .keys()
                .nth(at(self.merged.len()))
                .unwrap()
                .clone(),
            _ => IDS[at(IDS.len())].to_owned(),
        }
    }

    /// An id, chosen by `who`: nearly always an entity there is.
    fn pick_entity(&self, who: u8) -> String {
        match self
            .entities
            .keys()
            .nth(who as usize % (self.entities.len() + 1))
        {
            Some(e) => e.clone(),
            None => self.pick(who),
        }
    }

    /// An id to merge into `keep`, chosen by `who`: mostly another entity of its kind.
    fn pick_other(&self, keep: &str, who: u8) -> String {
        let kind = self.entities.get(keep).map(|e| e.kind);
        let others: Vec<&String> = (self.entities.iter())
            .filter(|(id, e)| *id != keep && Some(e.kind) == kind)
            .map(|(id, _)| id)
            .collect();
        match others.get(who as usize / 8 % others.len().max(1)) {
            Some(id) if who % 8 != 7 => (*id).clone(),
            _ => self.pick(who),
        }
    }

    /// A relation id, chosen by `which`: mostly one there is.
    fn pick_relation(&self, which: u8) -> String {
        let at = which as usize / 8 % (self.relations.len() + 1);
        match self.relations.keys().nth(at) {
            Some(rid) if which % 8 != 7 => rid.clone(),
            _ => "no-such.called.relation".to_owned(),
        }
    }

    /// The entity an id names now: itself, or the one it was merged into.
    fn resolve(&self, id: &str) -> Option<String> {
        if self.entities.contains_key(id) {
            return Some(id.to_owned());
        }
        self.merged
            .get(id)
            .filter(|kept| self.entities.contains_key(*kept))
            .cloned()
    }

    fn allows(&self, kind: RelationKind, from: &str, to: &str) -> bool {
        match (self.entities.get(from), self.entities.get(to)) {
            (Some(f), Some(t)) => kind.allows(f.kind, t.kind),
            _ => false,
        }
    }

    /// Whether every rule of the graph holds: relations join entities whose kinds their
    /// kind allows, events are held at places, merged ids are not entities and resolve to
    /// one.
    fn valid(&self) -> bool {
        self.relations
            .values()
            .all(|r| self.allows(r.kind, &r.from, &r.to))
            && self.entities.values().all(|e| {
                e.place.as_ref().is_none_or(|p| {
                    self.entities
                        .get(p)
                        .is_some_and(|p| p.kind == EntityKind::Place)
                })
            })
            && self.merged.iter().all(|(old, kept)| {
                !self.entities.contains_key(old) && self.entities.contains_key(kept)
            })
    }

    /// Sets a record to its state after `rec`; `false` if it was not as `rec` had it before.
    fn set(&mut self, rec: &Rec) -> bool {
        fn put<T: Clone + PartialEq>(
            map: &mut BTreeMap<String, T>,
            id: &str,
            before: &Option<T>,
            after: &Option<T>,
        ) -> bool {
            if map.get(id) != before.as_ref() {
                return false;
            }
            match after {
                Some(v) => map.insert(id.to_owned(), v.clone()),
                None => map.remove(id),
            };
            true
        }
        match rec {
            Rec::Entity(id, b, a) => put(&mut self.entities, id, b, a),
            Rec::Relation(id, b, a) => put(&mut self.relations, id, b, a),
            Rec::Merged(id, b, a) => put(&mut self.merged, id, b, a),
            Rec::Distinct(p, b, a) => {
                if self.distinct.contains(p) != *b {
                    return false;
                }
                if *a {
                    self.distinct.insert(p.clone());
                } else {
                    self.distinct.remove(p);
                }
                true
            }
        }
    }

    fn upsert(
        &self,
        id: &str,
        kind: EntityKind,
        name: &str,
        aliases: &Option<Vec<String>>,
    ) -> Outcome {
        if self.merged.contains_key(id) {
            return Err(());
        }
        let before = self.entities.get(id).cloned();
        let mut after = before.clone().unwrap_or(Ent {
            kind,
            name: name.to_owned(),
            aliases: Vec::new(),
            place: None,
        });
        after.kind = kind;
        after.name = name.to_owned();
        if let Some(a) = aliases {
            after.aliases = a.clone();
        }
        if before.as_ref() == Some(&after) {
            return Ok(Vec::new());
        }
        let mut next = self.clone();
        next.entities.insert(id.to_owned(), after.clone());
        if !next.valid() {
            return Err(());
        }
        Ok(vec![Rec::Entity(id.to_owned(), before, Some(after))])
    }

    fn remove_entity(&self, id: &str) -> Outcome {
        let entity = self.entities.get(id).ok_or(())?;
        let mut recs: Vec<Rec> = (self.relations.iter())
            .filter(|(_, r)| r.from == id || r.to == id)
            .map(|(rid, r)| Rec::Relation(rid.clone(), Some(r.clone()), None))
            .collect();
        recs.extend(
            (self.merged.iter())
                .filter(|(_, kept)| *kept == id)
                .map(|(old, kept)| Rec::Merged(old.clone(), Some(kept.clone()), None)),
        );
        recs.push(Rec::Entity(id.to_owned(), Some(entity.clone()), None));
        let mut next = self.clone();
        for rec in &recs {
            next.set(rec);
        }
        if !next.valid() {
            return Err(());
        }
        Ok(recs)
    }

    fn add_relation(
        &self,
        kind: RelationKind,
        from: &str,
        to: &str,
        date: Option<Date>,
        quote: &str,
    ) -> Outcome {
        let from = self.resolve(from).ok_or(())?;
        let to = self.resolve(to).ok_or(())?;
        if !self.allows(kind, &from, &to) {
            return Err(());
        }
        let base = default_id(&from, kind, &to);
        let mut rid = base.clone();
        let mut n = 1;
        while self.relations.contains_key(&rid) {
            n += 1;
            rid = format!("{base}.{n}");
        }
        let rel = Rel {
            kind,
            from,
            to,
            date,
            quote: quote.to_owned(),
        };
        Ok(vec![Rec::Relation(rid, None, Some(rel))])
    }

    fn update_relation(
        &self,
        rid: &str,
        kind: RelationKind,
        to: &str,
        date: Option<Date>,
    ) -> Outcome {
        let before = self.relations.get(rid).ok_or(())?;
        let to = self.resolve(to).ok_or(())?;
        let after = Rel {
            kind,
            from: before.from.clone(),
            to,
            date,
            quote: before.quote.clone(),
        };
        if !self.allows(kind, &after.from, &after.to) {
            return Err(());
        }
        if *before == after {
            return Ok(Vec::new());
        }
        Ok(vec![Rec::Relation(
            rid.to_owned(),
            Some(before.clone()),
            Some(after),
        )])
    }

    fn remove_relation(&self, rid: &str) -> Outcome {
        let before = self.relations.get(rid).ok_or(())?;
        Ok(vec![Rec::Relation(
            rid.to_owned(),
            Some(before.clone()),
            None,
        )])
    }

    fn merge(&self, keep: &str, merge: &[String]) -> Outcome {
        let kept = self.entities.get(keep).ok_or(())?;
        let mut seen = BTreeSet::new();
        for m in merge {
            let e = self.entities.get(m).ok_or(())?;
            if m == keep || !seen.insert(m.clone()) || e.kind != kept.kind {
                return Err(());
            }
        }
        let gone: BTreeSet<&str> = merge.iter().map(String::as_str).collect();
        let mut recs = Vec::new();
        for (rid, r) in &self.relations {
            if !gone.contains(r.from.as_str()) && !gone.contains(r.to.as_str()) {
                continue;
            }
            let end = |x: &str| {
                if gone.contains(x) {
                    keep.to_owned()
                } else {
                    x.to_owned()
                }
            };
            let moved = Rel {
                from: end(&r.from),
                to: end(&r.to),
                ..r.clone()
            };
            let after = (moved.from != moved.to).then_some(moved);
            recs.push(Rec::Relation(rid.clone(), Some(r.clone()), after));
        }
        for (eid, e) in &self.entities {
            let held = e.place.as_deref().is_some_and(|p| gone.contains(p));
            if held && eid != keep && !gone.contains(eid.as_str()) {
                let moved = Ent {
                    place: Some(keep.to_owned()),
                    ..e.clone()
                };
                recs.push(Rec::Entity(eid.clone(), Some(e.clone()), Some(moved)));
            }
        }
        let mut after = kept.clone();
        if after.place.as_deref().is_some_and(|p| gone.contains(p)) {
            after.place = None;
        }
        for m in merge {
            let e = &self.entities[m];
            for name in std::iter::once(&e.name).chain(&e.aliases) {
                if *name != after.name && !after.aliases.contains(name) {
                    after.aliases.push(name.clone());
                }
            }
        }
        recs.push(Rec::Entity(
            keep.to_owned(),
            Some(kept.clone()),
            Some(after),
        ));
        for m in merge {
            for (old, into) in &self.merged {
                if into == m {
                    recs.push(Rec::Merged(
                        old.clone(),
                        Some(m.clone()),
                        Some(keep.to_owned()),
                    ));
                }
            }
            recs.push(Rec::Entity(m.clone(), Some(self.entities[m].clone()), None));
            recs.push(Rec::Merged(m.clone(), None, Some(keep.to_owned())));
        }
        Ok(recs)
    }

    fn mark_distinct(&self, a: &str, b: &str) -> Outcome {
        let (a, b) = (self.resolve(a).ok_or(())?, self.resolve(b).ok_or(())?);
        if a == b {
            return Err(());
        }
        let p = pair(&a, &b);
        if self.distinct.contains(&p) {
            return Ok(Vec::new());
        }
        Ok(vec![Rec::Distinct(p, false, true)])
    }

    /// The records of `change` undone, last first, each finding what the change left.
    fn revert(&self, change: &[Rec]) -> Outcome {
        let inverse: Vec<Rec> = change.iter().rev().map(Rec::inverse).collect();
        let mut next = self.clone();
        for rec in &inverse {
            if !next.set(rec) {
                return Err(());
            }
        }
        if !next.valid() {
            return Err(());
        }
        Ok(inverse)
    }
}

/// The model: the state and every change recorded, by position (from 1).
#[derive(Debug)]
struct Model {
    state: State,
    changes: Vec<Vec<Rec>>,
}

// --- Operations ----------------------------------------------------------------------------

/// An operation, with its choices resolved when it is made: ids by [`State::pick`], relations
/// by [`State::pick_relation`], the rest by index.
#[derive(Debug, Clone)]
enum Op {
    Upsert {
        id: u8,
        kind: usize,
        name: usize,
        aliases: Option<Vec<usize>>,
    },
    RemoveEntity(u8),
    AddRelation {
        kind: usize,
        from: u8,
        to: u8,
        date: usize,
    },
    /// A relation's kind, end and date changed (`None`: kept as they are).
    UpdateRelation {
        relation: u8,
        kind: Option<usize>,
        to: Option<u8>,
        date: usize,
    },
    RemoveRelation(u8),
    Merge {
        keep: u8,
        merge: Vec<u8>,
    },
    MarkDistinct(u8, u8),
    /// Of the last change (0), the one before (1), …, or of one there is not.
    Revert(usize),
    Restart,
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    let who = any::<u8>;
    let op = prop_oneof![
        3 => (who(), 0..ENTITY_KINDS.len(), 0..NAMES.len(), prop::option::of(prop::collection::vec(0..NAMES.len(), 0..3)))
            .prop_map(|(id, kind, name, aliases)| Op::Upsert { id, kind, name, aliases }),
        1 => who().prop_map(Op::RemoveEntity),
        3 => (0..RELATION_KINDS.len(), who(), who(), 0..DATES.len())
            .prop_map(|(kind, from, to, date)| Op::AddRelation { kind, from, to, date }),
        2 => (who(), prop::option::of(0..RELATION_KINDS.len()), prop::option::of(who()), 0..DATES.len())
            .prop_map(|(relation, kind, to, date)| Op::UpdateRelation { relation, kind, to, date }),
        1 => who().prop_map(Op::RemoveRelation),
        3 => (who(), prop_oneof![3 => prop::collection::vec(who(), 1), 1 => prop::collection::vec(who(), 2)])
            .prop_map(|(keep, merge)| Op::Merge { keep, merge }),
        1 => (who(), who()).prop_map(|(a, b)| Op::MarkDistinct(a, b)),
        3 => prop_oneof![2 => Just(0usize), 1 => 0..6usize].prop_map(Op::Revert),
        1 => Just(Op::Restart),
    ];
    prop::collection::vec(op, 1..=25)
}

fn date(i: usize) -> Option<Date> {
    DATES[i].map(|d| Date::parse(d).unwrap())
}

// --- The real system -----------------------------------------------------------------------

/// Checks that the version's ways in agree with its records, however its layers lie: each
/// entity's rows hold exactly the relations that name it, in the order they were added; each
/// entity is found by id and by its name; the id order is the ids sorted.
fn consistent(g: &Version) {
    let mut touching: std::collections::HashMap<Node, Vec<Edge>> = Default::default();
    for e in g.all_relations() {
        let (from, to) = g.endpoints(e);
        assert_eq!(
            g.edge(&g.relation(e).id()),
            Some(e),
            "a relation is found by its id"
        );
        touching.entry(from).or_default().push(e);
        if to != from {
            touching.entry(to).or_default().push(e);
        }
    }
    let ids: Vec<&str> = g.entities(None).map(|n| g.entity(n).id()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "entities come in id order");
    for n in g.entities(None) {
        let e = g.entity(n);
        assert_eq!(
            g.node_exact(e.id()),
            Some(n),
            "an entity is found by its id"
        );
        assert_eq!(
            g.incident(n),
            touching.remove(&n).unwrap_or_default(),
            "the rows of {}",
            e.id()
        );
        assert!(
            g.search(e.name(), None, usize::MAX)
                .iter()
                .any(|h| h.node == n),
            "{} is found by its name {:?}",
            e.id(),
            e.name()
        );
    }
    // The analyses and walks read the gaps of removals as absent: the same answers as the
    // version laid out anew.
    if g.has_gaps() {
        let folded = g.folded();
        let named = |g: &Graph, groups: Vec<Vec<Node>>| -> Vec<Vec<String>> {
            let mut named: Vec<Vec<String>> = (groups.into_iter())
                .map(|group| {
                    let mut ids: Vec<String> =
                        group.iter().map(|&n| g.entity(n).id().to_owned()).collect();
                    ids.sort();
                    ids
                })
                .collect();
            named.sort();
            named
        };
        let all = dossier::store::Scope::all();
        assert_eq!(
            named(g, g.components(&all)),
            named(&folded, folded.components(&all)),
            "components"
        );
        let within = dossier::store::Within::all();
        let none = dossier::store::Deadline::none();
        assert_eq!(
            named(g, g.cycles(&within, none).unwrap()),
            named(&folded, folded.cycles(&within, none).unwrap()),
            "cycles"
        );
        use petgraph::visit::{EdgeRef, IntoEdgeReferences, IntoNodeIdentifiers};
        let links = |g: &Graph| -> Vec<String> {
            (g.edge_references())
                .map(|l| g.relation(l.id()).id().to_string())
                .collect()
        };
        assert_eq!(links(g), links(&folded), "petgraph's edge references");
        assert_eq!(g.node_identifiers().count(), folded.entity_count());
    }
}

/// The curator over the base graph, its journal in a temporary directory.
struct Real {
    dir: tempfile::TempDir,
    curator: Option<Curator>,
}

impl Real {
    fn new() -> Real {
        let dir = tempfile::tempdir().unwrap();
        let journal = Sqlite::open(dir.path()).unwrap();
        // Folds start after two records, so the background fold runs between and during the
        // operations, at moments the thread scheduler picks.
        let curator = Curator::new(Store::new(base()), Box::new(journal)).fold_at(2);
        Real {
            dir,
            curator: Some(curator),
        }
    }

    fn curator(&self) -> &Curator {
        self.curator.as_ref().unwrap()
    }

    /// Drops the curator, then replays the journal over the base graph, as `dossier serve`
    /// does at start.
    fn restart(&mut self) {
        self.curator = None;
        let journal = Sqlite::open(self.dir.path()).unwrap();
        let replayed = replay(base(), &journal).unwrap();
        assert!(replayed.skipped.is_empty(), "{:?}", replayed.skipped);
        self.curator = Some(Curator::new(Store::new(replayed.graph), Box::new(journal)).fold_at(2));
    }

    /// Makes `op`: whether it recorded a change, or why it was refused.
    fn write(&self, op: Operation) -> Result<bool, String> {
        self.curator()
            .write("model", None, op)
            .map(|w| w.entry.is_some())
            .map_err(|e| e.to_string())
    }

    fn state(&self) -> State {
        let g = self.curator().store().snapshot();
        consistent(&g);
        let entities = g
            .entities(None)
            .map(|n| {
                let e = g.entity(n).to_entity();
                (
                    e.id.to_string(),
                    Ent {
                        kind: e.kind,
                        name: e.name,
                        aliases: e.aliases,
                        place: e.place.map(|p| p.to_string()),
                    },
                )
            })
            .collect();
        let relations = g
            .all_relations()
            .map(|e| {
                let r = g.relation(e).to_relation();
                (
                    r.id.to_string(),
                    Rel {
                        kind: r.kind,
                        from: r.from.to_string(),
                        to: r.to.to_string(),
                        date: r.date,
                        quote: r.citations[0].quote.clone(),
                    },
                )
            })
            .collect();
        let merged = (g.merges().into_iter())
            .map(|(old, kept)| (old.to_string(), kept.to_string()))
            .collect();
        let distinct = (g.distinct_pairs().into_iter())
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        State {
            entities,
            relations,
            merged,
            distinct,
        }
    }

    /// The relation with this id as stored (so an update keeps its citations), or a new one.
    fn relation(&self, rid: &str) -> Relation {
        let g = self.curator().store().snapshot();
        match g.edge(rid).map(|e| g.relation(e).to_relation()) {
            Some(r) if r.id.as_str() == rid => r,
            _ => Relation::cited(
                id(rid),
                RelationKind::Called,
                id("p1"),
                id("p2"),
                Citation {
                    document: id("doc"),
                    quote: "q".into(),
                },
            ),
        }
    }
}

/// Runs `ops` on both; the first disagreement, described.
fn run(ops: &[Op]) -> Result<(), String> {
    let mut real = Real::new();
    let mut model = Model {
        state: real.state(),
        changes: Vec::new(),
    };
    for (step, op) in ops.iter().enumerate() {
        let s = &model.state;
        let (operation, expected): (Operation, Outcome) = match op {
            Op::Restart => {
                real.restart();
                let after = real.state();
                if after != model.state {
                    return Err(format!(
                        "step {step}: after a restart the state differs:\n real  {after:?}\n model {:?}",
                        model.state
                    ));
                }
                continue;
            }
            Op::Upsert {
                id: who,
                kind,
                name,
                aliases,
            } => {
                let eid = s.pick(*who);
                let aliases: Option<Vec<String>> = aliases
                    .as_ref()
                    .map(|a| a.iter().map(|&n| NAMES[n].to_owned()).collect());
                (
                    Operation::UpsertEntity {
                        id: id(&eid),
                        kind: ENTITY_KINDS[*kind],
                        name: NAMES[*name].to_owned(),
                        aliases: aliases.clone(),
                        description: None,
                    },
                    s.upsert(&eid, ENTITY_KINDS[*kind], NAMES[*name], &aliases),
                )
            }
            Op::RemoveEntity(who) => {
                let eid = s.pick(*who);
                (Operation::RemoveEntity(id(&eid)), s.remove_entity(&eid))
            }
            Op::AddRelation {
                kind,
                from,
                to,
                date: d,
            } => {
                let (from, to) = (s.pick_entity(*from), s.pick_entity(*to));
                // The quote names both ends as they are named now (and the date): stored as
                // a template of them, it must not change when they are renamed or merged.
                let name = |e: &str| {
                    s.resolve(e)
                        .map_or("Nobody".into(), |e| s.entities[&e].name.clone())
                };
                let quote = match date(*d) {
                    Some(day) => format!("{} called {} on {day}.", name(&from), name(&to)),
                    None => format!(
                        "{} and {} spoke, said {}.",
                        name(&from),
                        name(&to),
                        name(&from)
                    ),
                };
                let r = Relation {
                    date: date(*d),
                    ..Relation::cited(
                        id("new"),
                        RELATION_KINDS[*kind],
                        id(&from),
                        id(&to),
                        Citation {
                            document: id("doc"),
                            quote: quote.clone(),
                        },
                    )
                };
                (
                    Operation::AddRelation(r),
                    s.add_relation(RELATION_KINDS[*kind], &from, &to, date(*d), &quote),
                )
            }
            Op::UpdateRelation {
                relation,
                kind,
                to,
                date: d,
            } => {
                let rid = s.pick_relation(*relation);
                let current = real.relation(&rid);
                let kind = kind.map_or(current.kind, |k| RELATION_KINDS[k]);
                let to = to.map_or(current.to.to_string(), |t| s.pick_entity(t));
                let r = Relation {
                    kind,
                    to: id(&to),
                    date: date(*d),
                    ..current
                };
                (
                    Operation::UpdateRelation(r),
                    s.update_relation(&rid, kind, &to, date(*d)),
                )
            }
            Op::RemoveRelation(relation) => {
                let rid = s.pick_relation(*relation);
                (Operation::RemoveRelation(id(&rid)), s.remove_relation(&rid))
            }
            Op::Merge { keep, merge } => {
                let keep = s.pick_entity(*keep);
                let merge: Vec<String> = merge.iter().map(|&m| s.pick_other(&keep, m)).collect();
                (
                    Operation::Merge {
                        keep: id(&keep),
                        merge: merge.iter().map(|m| id(m)).collect(),
                    },
                    s.merge(&keep, &merge),
                )
            }
            Op::MarkDistinct(a, b) => {
                let (a, b) = (s.pick(*a), s.pick(*b));
                (
                    Operation::MarkDistinct(id(&a), id(&b)),
                    s.mark_distinct(&a, &b),
                )
            }
            Op::Revert(back) => {
                // 0 when `back` reaches past the first change: a change there is not.
                let seq = (model.changes.len() as u64).saturating_sub(*back as u64);
                let expected = match seq
                    .checked_sub(1)
                    .and_then(|k| model.changes.get(k as usize))
                {
                    Some(change) => s.revert(change),
                    None => Err(()),
                };
                (Operation::Revert(seq), expected)
            }
        };
        let described = format!("{operation:?}");
        let got = real.write(operation);
        match (&expected, &got) {
            (Ok(recs), Ok(recorded)) if recs.is_empty() != *recorded => {}
            (Err(()), Err(_)) => {}
            _ => {
                return Err(format!(
                    "step {step}: {described}\n real: {got:?}\n model: {expected:?}\n state before: {:?}",
                    model.state
                ))
            }
        }
        if let Ok(recs) = expected {
            for rec in &recs {
                assert!(model.state.set(rec), "the model's own change applies");
            }
            if !recs.is_empty() {
                model.changes.push(recs);
            }
        }
        let after = real.state();
        if after != model.state {
            return Err(format!(
                "step {step}: after {described} the state differs:\n real  {after:?}\n model {:?}",
                model.state
            ));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("DOSSIER_MODEL_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_curator_agrees_with_a_plain_model_of_curation(ops in ops()) {
        if let Err(disagreement) = run(&ops) {
            prop_assert!(false, "{}", disagreement);
        }
    }
}

// --- What the model found ------------------------------------------------------------------

fn upsert(real: &Real, eid: &str, kind: EntityKind, name: &str) -> Result<bool, String> {
    real.write(Operation::UpsertEntity {
        id: id(eid),
        kind,
        name: name.into(),
        aliases: None,
        description: None,
    })
}

#[test]
fn a_removal_undone_after_its_id_was_merged_elsewhere_is_refused() {
    let real = Real::new();
    assert_eq!(real.write(Operation::RemoveEntity(id("pl2"))), Ok(true));
    assert_eq!(real.write(Operation::Revert(1)), Ok(true));
    let merge = Operation::Merge {
        keep: id("pl1"),
        merge: vec![id("pl2")],
    };
    assert_eq!(real.write(merge), Ok(true));
    // Undoing the removal again would bring pl2 back while it resolves to pl1.
    let refused = real.write(Operation::Revert(1)).unwrap_err();
    assert!(refused.contains("merged into `pl1`"), "{refused}");
    assert!(!real.state().entities.contains_key("pl2"));
}

#[test]
fn merging_a_place_moves_whatever_is_held_there_not_only_events() {
    let real = Real::new();
    // The talks become a person; the place they were held at stays theirs.
    assert_eq!(upsert(&real, "ev", EntityKind::Person, "Talks"), Ok(true));
    let merge = Operation::Merge {
        keep: id("pl2"),
        merge: vec![id("pl1")],
    };
    assert_eq!(real.write(merge), Ok(true));
    assert_eq!(real.state().entities["ev"].place.as_deref(), Some("pl2"));
}

#[test]
fn a_fold_in_the_background_leaves_the_graph_as_it_was_and_empties_the_layers() {
    let ops = || {
        (0..40).map(|i| {
            if i % 4 == 0 {
                Operation::UpsertEntity {
                    id: id(&format!("n{i}")),
                    kind: EntityKind::Person,
                    name: format!("Newcomer {i}"),
                    aliases: Some(vec![format!("N. {i}")]),
                    description: None,
                }
            } else {
                let to = format!("n{}", i / 4 * 4);
                Operation::AddRelation(Relation::cited(
                    id(&format!("r{i}")),
                    RelationKind::Called,
                    id("p1"),
                    id(&to),
                    Citation {
                        document: id("doc"),
                        quote: format!("call {i}"),
                    },
                ))
            }
        })
    };
    let mut folding = Real::new();
    folding.curator = folding.curator.take().map(|c| c.fold_at(8));
    let mut plain = Real::new();
    plain.curator = plain.curator.take().map(|c| c.fold_at(usize::MAX));
    for op in ops() {
        assert_eq!(folding.write(op), Ok(true));
    }
    for op in ops() {
        assert_eq!(plain.write(op), Ok(true));
    }
    let waited = std::time::Instant::now();
    while folding.curator().folds().1 || folding.curator().folds().0 == 0 {
        assert!(waited.elapsed().as_secs() < 30, "a fold finishes");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let (folded, layered) = (
        folding.curator().store().snapshot(),
        plain.curator().store().snapshot(),
    );
    assert!(
        layered.layer_size() >= 40,
        "without folds the writes stay in the layers"
    );
    assert!(
        folded.layer_size() < layered.layer_size(),
        "folds empty the layers: {} against {}",
        folded.layer_size(),
        layered.layer_size()
    );
    assert_eq!(
        folded.version(),
        layered.version(),
        "a fold keeps the version number"
    );
    assert_eq!(folding.state(), plain.state());
    let hub = folded.node("p1").unwrap();
    assert_eq!(folded.degree(hub), layered.degree(hub));
    assert_eq!(
        folded.search("Newcomer 36", None, 3)[0].node,
        folded.node("n36").unwrap()
    );
}

#[test]
fn a_change_in_place_is_made_beside_the_layout_and_reads_as_made() {
    let mut real = Real::new();
    real.curator = real.curator.take().map(|c| c.fold_at(usize::MAX));
    let real_curator = real.curator.as_ref().unwrap();
    let before = real_curator.store().snapshot();
    assert_eq!(
        upsert(&real, "p1", EntityKind::Person, "Anna Karimova"),
        Ok(true)
    );
    let mut r = real.relation("p1.called.p2");
    r.date = Some(Date::parse("2023-09-20").unwrap());
    r.citations[0].quote = "called again".into();
    assert_eq!(real.write(Operation::UpdateRelation(r)), Ok(true));
    let g = real_curator.store().snapshot();
    assert!(
        g.layer_size() > 0 && g.layer_size() <= 4,
        "changed beside the layout, not laid out again: {}",
        g.layer_size()
    );
    let p1 = g.node("p1").unwrap();
    assert_eq!(g.search("Karimova", None, 5)[0].node, p1);
    assert!(g
        .search("Ann", None, 5)
        .iter()
        .all(|h| h.node != p1 || h.matched != "Ann"));
    let e = g.edge("p1.called.p2").unwrap();
    let rel = g.relation(e).to_relation();
    assert_eq!(rel.date, Some(Date::parse("2023-09-20").unwrap()));
    assert_eq!(rel.citations[0].quote, "called again");
    // The version it was made over is as it was.
    assert_eq!(before.entity(before.node("p1").unwrap()).name(), "Ann");
    let folded = g.folded();
    assert_eq!(folded.layer_size(), 0);
    assert_eq!(folded.relation(e).to_relation(), rel);
    assert_eq!(folded.search("Karimova", None, 5)[0].node, p1);
    consistent(&g);
    consistent(&folded);
}

#[test]
fn removals_merges_and_new_kinds_are_made_beside_the_layout_and_a_fold_closes_the_gaps() {
    let mut real = Real::new();
    real.curator = real.curator.take().map(|c| c.fold_at(usize::MAX));
    let base = real.curator().store().snapshot();
    let order = |g: &Graph| -> Vec<String> {
        g.all_relations()
            .map(|e| g.relation(e).id().to_string())
            .collect()
    };
    // Each write adds to the layers of the version before it: a version laid out again
    // would have none.
    let layered = std::cell::Cell::new(0);
    let beside = |g: &Version| {
        assert!(
            g.layer_size() > layered.get(),
            "changed beside the layout, not laid out again: {} after {}",
            g.layer_size(),
            layered.get()
        );
        layered.set(g.layer_size());
        consistent(g);
    };
    // A removal: a gap, its default id free again.
    assert_eq!(
        real.write(Operation::RemoveRelation(id("p1.called.p2"))),
        Ok(true)
    );
    let g = real.curator().store().snapshot();
    beside(&g);
    assert!(g.has_gaps());
    assert_eq!(g.relation_count(), base.relation_count() - 1);
    assert_eq!(g.edge_bound(), base.edge_bound());
    assert_eq!(g.edge("p1.called.p2"), None);
    let p1 = g.node("p1").unwrap();
    assert_eq!(g.degree(p1), 0);
    assert_eq!(real.write(Operation::Revert(1)), Ok(true));
    let g = real.curator().store().snapshot();
    beside(&g);
    assert_eq!(
        g.relation(g.edge("p1.called.p2").unwrap()).id(),
        "p1.called.p2",
        "the default id, not a numbered one"
    );
    // A merge: the relations move to the survivor keeping their place in the order, the
    // merged entity is a gap, its id resolves to the survivor.
    let before = order(&g);
    let merge = Operation::Merge {
        keep: id("p1"),
        merge: vec![id("p2")],
    };
    assert_eq!(real.write(merge), Ok(true));
    let g = real.curator().store().snapshot();
    beside(&g);
    assert_eq!(g.node("p2"), g.node("p1"));
    assert_eq!(g.entity_count(), base.entity_count() - 1);
    assert_eq!(g.node_bound(), base.node_bound());
    let moved = g.edge("p2.member-of.o1").unwrap();
    assert_eq!(g.endpoints(moved).0, g.node("p1").unwrap());
    let after: Vec<String> = order(&g);
    assert_eq!(
        after,
        before
            .iter()
            .filter(|id| id.as_str() != "p1.called.p2")
            .cloned()
            .collect::<Vec<_>>(),
        "the self-loop goes, the rest keep their order"
    );
    use petgraph::visit::{IntoNodeIdentifiers, NodeCount};
    assert_eq!(g.node_count(), g.entity_count());
    assert_eq!((&*g).node_identifiers().count(), g.entity_count());
    // A new kind, refused where a relation does not allow it, made in place where it does.
    let refused = upsert(&real, "o1", EntityKind::Place, "Ngo").unwrap_err();
    assert!(refused.contains("MEMBER_OF"), "{refused}");
    assert_eq!(real.curator().store().snapshot().version(), g.version());
    assert_eq!(
        upsert(&real, "pl2", EntityKind::Organisation, "Ganja"),
        Ok(true)
    );
    let g = real.curator().store().snapshot();
    beside(&g);
    // A place that still holds an event cannot go.
    let refused = real.write(Operation::RemoveEntity(id("pl1"))).unwrap_err();
    assert!(refused.contains("pl1"), "{refused}");
    // The merge undone: the entity back under its id, the relations back at their ends.
    let state = real.state();
    assert_eq!(real.write(Operation::Revert(3)), Ok(true));
    let g = real.curator().store().snapshot();
    beside(&g);
    assert_ne!(g.node("p2"), g.node("p1"));
    assert_eq!(
        g.endpoints(g.edge("p2.member-of.o1").unwrap()).0,
        g.node("p2").unwrap()
    );
    assert_eq!(
        g.edge("p1.called.p2")
            .map(|e| g.relation(e).id().to_string()),
        Some("p1.called.p2".into())
    );
    // A fold numbers what remains afresh and answers the same.
    let folded = g.folded();
    assert!(!folded.has_gaps());
    assert_eq!(folded.node_bound(), folded.entity_count());
    assert_eq!(folded.edge_bound(), folded.relation_count());
    assert_eq!(order(&folded), order(&g));
    consistent(&folded);
    assert_ne!(real.state(), state);
}

#[test]
fn a_document_goes_only_once_nothing_cites_it_and_can_come_back() {
    let mut real = Real::new();
    real.curator = real.curator.take().map(|c| c.fold_at(usize::MAX));
    let documents = real.curator().store().snapshot().document_count();
    let doc = dossier::model::Document {
        id: id("memo"),
        title: "Memo".into(),
        publisher: None,
        published: None,
        url: None,
    };
    let add = || Operation::AddDocument(doc.clone(), Some("Ann met Bob in Baku.".into()));
    assert_eq!(real.write(add()), Ok(true));
    let mut cited = real.relation("memo-call");
    cited.citations[0] = Citation {
        document: id("memo"),
        quote: "Ann met Bob".into(),
    };
    assert_eq!(real.write(Operation::AddRelation(cited)), Ok(true));
    let before = real.curator().store().snapshot();
    let refused = real.write(Operation::Revert(1)).unwrap_err();
    assert!(refused.contains("relations still cite it"), "{refused}");
    assert_eq!(
        real.curator().store().snapshot().version(),
        before.version()
    );
    assert_eq!(real.write(Operation::Revert(2)), Ok(true));
    assert_eq!(real.write(Operation::Revert(1)), Ok(true));
    let g = real.curator().store().snapshot();
    assert_eq!(g.document_count(), documents);
    assert!(g.document("memo").is_none() && g.document_text("memo").is_none());
    assert!(g.documents().all(|d| d.id.as_str() != "memo"));
    assert!(g.layer_size() > 0, "removed beside the layout");
    assert_eq!(real.write(add()), Ok(true));
    let g = real.curator().store().snapshot();
    assert_eq!(g.document_count(), documents + 1);
    assert_eq!(g.document_text("memo"), Some("Ann met Bob in Baku."));
    assert_eq!(g.folded().document_count(), documents + 1);
}

/// The quote of the first citation of relation `rid`, as the curator's graph gives it.
fn quote_of(real: &Real, rid: &str) -> String {
    real.relation(rid).citations[0].quote.clone()
}

#[test]
fn quotes_naming_their_ends_stay_verbatim_through_renames_updates_merges_and_restarts() {
    let mut real = Real::new();
    let person = EntityKind::Person;
    assert_eq!(upsert(&real, "p3", person, "Rashad Dadali"), Ok(true));
    assert_eq!(upsert(&real, "p4", person, "Aysel Mammadova"), Ok(true));
    let quote = "Rashad Dadali called Aysel Mammadova on 2023-09-21, Rashad Dadali said.";
    let call = Relation {
        date: Some(Date::parse("2023-09-21").unwrap()),
        ..Relation::cited(
            id("p3.called.p4"),
            RelationKind::Called,
            id("p3"),
            id("p4"),
            Citation {
                document: id("doc"),
                quote: quote.into(),
            },
        )
    };
    assert_eq!(real.write(Operation::AddRelation(call)), Ok(true));
    let g = real.curator().store().snapshot();
    assert!(
        g.memory().templates > 0,
        "kept as a template of the ends' names and the date"
    );
    let same =
        |real: &Real, when: &str| assert_eq!(quote_of(real, "p3.called.p4"), quote, "{when}");
    same(&real, "added");
    // Both ends renamed.
    assert_eq!(upsert(&real, "p3", person, "Rashad Dadaşlı"), Ok(true));
    assert_eq!(upsert(&real, "p4", person, "Aysel Məmmədova"), Ok(true));
    same(&real, "after the renames");
    // Another date (and kind): the quote stays the words of the source.
    let mut moved = real.relation("p3.called.p4");
    moved.date = Some(Date::parse("2024").unwrap());
    assert_eq!(real.write(Operation::UpdateRelation(moved)), Ok(true));
    same(&real, "after the date changed");
    // Its `to` end merged into another person, its `from` end into a third.
    let merge = |keep: &str, gone: &str| Operation::Merge {
        keep: id(keep),
        merge: vec![id(gone)],
    };
    assert_eq!(real.write(merge("p2", "p4")), Ok(true));
    same(&real, "after p4 was merged into p2");
    assert_eq!(real.write(merge("p1", "p3")), Ok(true));
    let r = real.relation("p3.called.p4");
    assert_eq!((r.from.as_str(), r.to.as_str()), ("p1", "p2"));
    same(&real, "after p3 was merged into p1");
    // The journal replayed over the base graph, and the graph laid out anew.
    real.restart();
    same(&real, "after a restart");
    let folded = real.curator().store().snapshot().folded();
    let e = folded.graph().edge("p3.called.p4").unwrap();
    let q = folded
        .graph()
        .relation(e)
        .citation(0)
        .unwrap()
        .quote()
        .into_owned();
    assert_eq!(q, quote, "after a new layout");
}
