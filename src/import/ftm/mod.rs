//! FollowTheMoney JSON lines: the format of Aleph, OpenSanctions and dossier's own FtM export
//! (whose mapping, in the other direction, is in [`crate::export`]).
//!
//! | FtM schema | dossier |
//! |---|---|
//! | `Person` | `PERSON` (`position` → roles) |
//! | `Organization`, `Company`, `LegalEntity` | `ORGANISATION` |
//! | `PublicBody` | `COURT` if it is the court of a `CourtCase` or its name says court or tribunal, else `GOVERNMENT` |
//! | `Event` | `EVENT` (`startDate`, `endDate`, `date`, `addressEntity` → place; `involved` → `PARTICIPATED_IN`, `organizer` → `ORGANISED`, unless a link says so already) |
//! | `Address` | `PLACE` |
//! | `Document` and its kin (`Pages`, `PlainText`, `HyperText`, `Email`, …) | a source document |
//! | `Documentation` | a citation of its `document`, quoting its `summary` or `description`, for the relation whose `recordId` (or FtM id) it names |
//! | `Representation` | `DEFENDED` (a role of defence, counsel, lawyer or advocate), `SPOKESPERSON_FOR` (a spokesperson), else `REPRESENTS` |
//! | `Call`, `Membership`, `Employment`, `Family`, `Associate` | `CALLED`, `MEMBER_OF`, `WORKS_FOR` (`SPOKESPERSON_FOR` for a spokesperson), `RELATIVE_OF`, `ASSOCIATE_OF` |
//! | `Directorship` | `WORKS_FOR`, role "director" |
//! | `Ownership` | `RELATED` "owner of" |
//! | `UnknownLink` | the vocabulary kind whose label is its first `role` ("arrested"), else `RELATED` with that role as label |
//! | `CourtCase` + `CourtCaseParty` | `RULED_ON` from the party in the role "court" to each other party; a case with no court party becomes an `EVENT` its parties took part in |
//! | anything else (`Vessel`, `Sanction`, …) | left out and counted, with the links that touch it |
//!
//! The mapping's `[entity_types]` may name a schema (`PublicBody = "COURT"`, `Vessel =
//! "ORGANISATION"`), and its `[relations]` a link's label or schema. A kind that does not fit
//! the ends falls back to `RELATED` with the schema's label ("member of").
//!
//! Ids: an FtM id dossier's export wrote (`dossier-<id>`, `dossier-doc-<id>`,
//! `dossier-rel-<id>`) gives back the original id; any other is slugified (hash-suffixed if it
//! must be shortened) and kept in the attribute `ftm_id`. A relation with no `Documentation`
//! cites the document standing for the file, quoting its JSON line.
//!
//! The file is read twice: first its things (entities, documents, citations, court cases),
//! then its links, so a link may come before the entities it joins. Fragments (the same id on
//! several lines) are refused: merge them first (`ftm aggregate`).
//!
//! # Layout
//! - this file: what the passes read and keep (`Ftm`), and each line parsed on the pool.
//! - `proxy`: one FtM entity as JSON gives it, and its property values (dates, claims, notes).
//! - `schema`: what each schema becomes, and the kind, ends and role of each link schema.
//! - `things`: the first pass (entities, documents, citations, court cases), then the
//!   entities added.
//! - `links`: the second pass, links become relations with their citations.
//! - `cases`: after every file, court cases and events' participants become relations.

mod cases;
mod links;
mod proxy;
mod schema;
mod things;

use super::parallel;
use super::{Session, Site};
use crate::load::LoadError;
use crate::model::{Entity, Id, RelationKind};
use proxy::Proxy;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// An entity read, waiting for every file's things before it is added.
struct Pending {
    entity: Entity,
    /// For a `PublicBody`: its kind is not known yet.
    public_body: bool,
    ftm_id: Box<str>,
    site: Site,
    /// An event's `addressEntity`, and where it is written.
    place: Option<(String, Site)>,
}

/// A citation read from a `Documentation`.
struct Cite {
    document: Box<str>,
    quote: String,
    site: Site,
}

/// A `CourtCase`.
struct Case {
    ftm_id: Box<str>,
    name: String,
    description: Option<String>,
    status: Option<String>,
    record_ids: Vec<String>,
    site: Site,
    /// The id of the `EVENT` it becomes when no party is its court.
    event: Option<Id>,
}

/// A `CourtCaseParty`.
struct Party {
    case: String,
    party: String,
    role: Option<String>,
    date: Option<String>,
    start: Option<String>,
    end: Option<String>,
    site: Site,
    line: String,
}

/// An event's `involved` and `organizer`.
struct EventLinks {
    event: Id,
    involved: Vec<String>,
    organizer: Vec<String>,
    site: Site,
    line: String,
}

/// What the FtM files of one import have read so far.
#[derive(Default)]
pub(super) struct Ftm {
    /// FtM id → entity id, for every entity read.
    things: HashMap<Box<str>, Id>,
    /// Entity ids given out, before the entities are added.
    taken: HashSet<Id>,
    /// FtM id → document id.
    documents: HashMap<Box<str>, Id>,
    /// Ids of entities of schemata dossier does not hold.
    skipped: HashSet<Box<str>>,
    /// Ids seen, to refuse fragments.
    seen: HashSet<Box<str>>,
    pending: Vec<Pending>,
    cites: Vec<Cite>,
    /// `recordId` or documented entity id → indices into `cites`.
    cited: HashMap<Box<str>, Vec<u32>>,
    cases: Vec<Case>,
    parties: Vec<Party>,
    events: Vec<EventLinks>,
    /// (from, to, kind) of `PARTICIPATED_IN` and `ORGANISED` links, so an event's `involved`
    /// and `organizer` do not repeat them.
    joined: HashSet<(Id, Id, RelationKind)>,
}

/// Parses one line (on the pool); an error at its column when it is not an FtM entity.
fn parse(path: &Path, n: usize, line: &str) -> Result<Proxy, LoadError> {
    serde_json::from_str::<Proxy>(line).map_err(|e| {
        // serde's message ends with its own " at line 1 column N": the site says it.
        let text = e.to_string();
        let message = text
            .rsplit_once(" at line ")
            .map_or(text.as_str(), |(m, _)| m);
        Site::new(path, n, e.column().max(1)).error(
            "json",
            format!(
                "{message} (each line is one FtM entity: {{\"id\": …, \"schema\": …, \"properties\": {{name: [values]}}}})"
            ),
        )
    })
}

/// Reads a file line by line, blank lines skipped, each line parsed by `parse` on the pool
/// and handed to `each` in file order (see [`parallel::each_line`]).
fn each_line<T: Send>(
    cx: &mut Session,
    path: &Path,
    pass: &str,
    parse: impl Fn(usize, &str) -> T + Sync,
    mut each: impl FnMut(&mut Session, usize, &str, T),
) {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into(),
    );
    parallel::each_line(
        cx,
        path,
        &format!("{name} ({pass})"),
        |n, line| (!line.trim().is_empty()).then(|| parse(n, line)),
        |cx, n, line, parsed| {
            if let Some(parsed) = parsed {
                each(cx, n, line, parsed);
            }
        },
    );
}
