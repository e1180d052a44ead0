//! Subgraph exports: the same entities and relations written for the tools researchers already
//! use — NetworkX, Gephi, Cytoscape, pandas, Graphviz and the FollowTheMoney ecosystem (Aleph,
//! OpenSanctions). Pure functions of a [`Graph`] and a [`View`]: no I/O, no async, no GraphQL.
//!
//! # What every format carries
//! Entities: `id`, `kind`, `name`, `aliases`, `description`, `roles`, `start`, `end`, `place`
//! (the place's id) and `place_name`, and each structured attribute under its own name.
//! Relations: `id`, `kind`, `label` ("arrested"), the two ends, `date`, `until`, `role`,
//! `claim`, `description`, the citations, and each attribute under its own name.
//! An attribute whose name is taken by one of those fields is written as `attr_<name>`
//! (see `fields::reserved`). Absent values are left out, never written as empty strings.
//!
//! The JSON formats (node-link, Cytoscape) also flag each entity with `broker`: whether
//! removing it splits the part of the exported subgraph it is in (an articulation point of
//! the exported relations, read undirected; O(V + E) of the subgraph). The flat formats do not
//! carry it: their columns are typed and declared up front, and `brokers` in the API answers
//! the question with the sizes of the parts.
//!
//! A page of the whole graph (`/export/{format}?page=K`, [`Selection::select_page`]) also
//! holds the other ends of its relations that are on other pages, so that it is a file on its
//! own; they are flagged `page_ref`: `"page_ref": true` in the JSON formats (absent on the
//! page's own entities), a boolean `page_ref` key in GraphML and attribute in GEXF (`true`,
//! absent otherwise), a `page_ref` column in CSV (`true` or empty), a `page_ref="true"` DOT
//! attribute, and a `page_ref: true` line in the FtM `notes`. Exports that are not pages have
//! no `page_ref` at all.
//!
//! JSON formats keep lists as lists (`aliases`, `roles`, and `citations` as
//! `{document, title, quote}` objects). Flat formats (GraphML, GEXF, CSV, DOT) join `aliases`
//! and `roles` with `"; "`, join the quotes of several citations with `" | "` in `quote`, and
//! give the first cited document's `document` (id) and `document_title`.
//!
//! # The formats
//! | [`Format`] | file | for |
//! |---|---|---|
//! | `NODE_LINK_JSON` | `.json` | `networkx.node_link_graph(data, edges="links")`, D3. The `graph` object lists the cited documents. |
//! | `GRAPHML` | `.graphml` | `networkx.read_graphml`, yEd, Gephi: typed `<key>`s (`string`, `long`, `double`, `boolean`), parallel edges with ids. |
//! | `GEXF` | `.gexf` | Gephi (GEXF 1.3, `mode="dynamic"`, spells for the timeline) and `networkx.read_gexf`. |
//! | `CYTOSCAPE_JSON` | `.cyjs` | Cytoscape.js `{elements: {nodes, edges}}` and `networkx.cytoscape_graph`. |
//! | `CSV` | `.csv` | pandas: see below. |
//! | `DOT` | `.dot` | Graphviz `dot -Tsvg`: shapes by kind, relation labels with dates. |
//! | `FTM` | `.ftm.json` | FollowTheMoney entities, one JSON object a line: see below. |
//!
//! # CSV: one table or two
//! An export must fit one string (the GraphQL `export` field, one HTTP download), so
//! [`Format::Csv`] is a single *long* table: one row per entity and one per relation, told apart
//! by the first column, `element` (`node` or `edge`), with the union of both tables' columns.
//! `pandas.read_csv(url)` reads it in one call; `df[df.element == "edge"]` is the edge list.
//! [`csv_tables`] gives the two plain tables instead — `nodes.csv` (`id, kind, name, …`) and
//! `edges.csv` (`id, kind, label, from, to, date, …`), ready for
//! `networkx.from_pandas_edgelist(edges, "from", "to", edge_attr=True)` — which
//! `dossier export --format csv --output DIR` writes as two files and
//! `GET /export/csv?table=nodes|edges` serves one at a time.
//!
//! # GEXF version and time
//! GEXF 1.3 (`xmlns="http://gexf.net/1.3"`, `version="1.3"`), the version Gephi 0.9+ writes.
//! NetworkX 3.6 reads it too (its reader tries the 1.1draft, 1.2draft and 1.3 namespaces), so
//! there is one GEXF, not one per consumer. The graph is `mode="dynamic"` with
//! `timeformat="date"`; a relation's spell runs from the first day of its `date` to the last
//! day of its `until` (or of its `date`), so `2023-09` spans 1–30 September; an event's spell
//! runs from its `start` to its `end` the same way. Spells are closed intervals of days.
//! Entities and relations without dates have no spell: Gephi shows them at every time.
//!
//! # FollowTheMoney
//! One entity a line, property names as followthemoney 4.x defines them, ids `dossier-<id>`
//! for entities, `dossier-rel-<id>` for relations, `dossier-doc-<id>` for documents.
//!
//! | dossier | FtM schema | properties |
//! |---|---|---|
//! | `PERSON` | `Person` | `name`, `alias`, `description`, `position` (roles), `notes` (attributes as `name: value`) |
//! | `ORGANISATION` | `Organization` | `name`, `alias`, `description`, `notes` |
//! | `COURT`, `GOVERNMENT` | `PublicBody` | as above (FtM has no court schema) |
//! | `EVENT` | `Event` | `startDate`, `endDate`, `date` (one-day events), `location` (the place's name), `addressEntity` (the place), `involved` (participants), `organizer` |
//! | `PLACE` | `Address` | `full` and `name` (the name), `alias`, `description` |
//! | `DEFENDED` | `Representation` | `agent` → `client`, `role` (the relation's, else "defence counsel") |
//! | `REPRESENTS` | `Representation` | `agent` → `client`, `role` (else "representative") |
//! | `SPOKESPERSON_FOR` | `Employment` (`employee` → `employer`), or `Representation` to a person | `role` (else "spokesperson") |
//! | `WORKS_FOR` | `Employment` | `employee` → `employer`, `role` |
//! | `MEMBER_OF` | `Membership` | `member` → `organization`, `role` |
//! | `CALLED` | `Call` | `caller` → `receiver` (the role, having no property, goes to `summary`) |
//! | `RELATIVE_OF` | `Family` | `person` → `relative`, `relationship` (the role) |
//! | `ASSOCIATE_OF` | `Associate` between two people, else `UnknownLink` | `person` → `associate`, `relationship` |
//! | `RULED_ON` | `CourtCase` (`name` "`<court>` ruled on `<subject>`", `court`) and two `CourtCaseParty` (`party`, `case`, `role` "court" / the relation's role) | |
//! | anything else | `UnknownLink` | `subject` → `object`, `role` (the label, "arrested", then the relation's role) |
//! | source document | `Document` | `title`, `publisher`, `date`, `publishedAt`, `sourceUrl` |
//! | citation | `Documentation` | `document`, `entity`, `role` "source", `summary` (the quote), `recordId` (the relation id) |
//!
//! Every relation entity also has its dates (`date`, or `startDate`/`endDate` for a period),
//! `description`, `recordId` (the relation id), `status` (the claim, in lower case; in
//! `summary` for `Call`, `Family` and `Associate`, which have no `status`), its attributes in
//! `summary`, and `proof` (the cited documents). A `Documentation` link's `entity` must be a
//! `Thing`, which link schemata are not, so each citation is documented on both ends of the
//! relation (ids `dossier-cite-<id>-<n>-from` / `-to`), and on the `CourtCase` for a ruling.

mod brokers;
mod csv;
mod cut;
mod cytoscape;
mod dot;
pub(crate) mod fields;
mod ftm;
mod gexf;
mod graphml;
mod node_link;
mod select;
mod xml;

pub use self::csv::{csv_tables, csv_tables_cut, csv_tables_page};
pub use cut::{Cut, Page};
pub use select::{select, Paged, Selection, SelectionError};

use cut::Note;

use crate::store::{Edge, Graph, Neighbourhood, Node};
use std::collections::HashSet;
use std::fmt;

/// The most relations deep a `/export` neighbourhood walks.
pub const MAX_DEPTH: usize = 4;
/// The most entities a `/export` neighbourhood holds when no `limit` is given.
pub const DEFAULT_LIMIT: usize = 1000;
/// The most entities a `/export` neighbourhood may hold.
pub const MAX_LIMIT: usize = 10_000;
/// The most entities a `/export` of the whole graph (no `ids`) holds, by default and at most:
/// one download is built in memory, so it has a cap; `dossier export` has none.
pub const MAX_WHOLE: usize = 100_000;
/// The most seed ids a `/export` neighbourhood takes.
pub const MAX_IDS: usize = 100;

/// Calls `$callback!` with the formats and what each is for, so the GraphQL `ExportFormat`
/// is derived from the one table (as the relation kinds are) instead of repeating it.
macro_rules! export_formats {
    ($callback:ident) => {
        $callback! {
            NodeLinkJson => "NetworkX node-link JSON (`networkx.node_link_graph(data, edges=\"links\")`), also D3.";
            Graphml => "GraphML with typed attributes (`networkx.read_graphml`, yEd, Gephi).";
            Gexf => "GEXF 1.3 with spells, so Gephi's timeline works (`networkx.read_gexf` too).";
            CytoscapeJson => "Cytoscape.js `{elements: {nodes, edges}}` (`networkx.cytoscape_graph`).";
            Csv => "One long CSV table of entities and relations, told apart by its `element` column (`pandas.read_csv`).";
            Dot => "Graphviz DOT (`dot -Tsvg`).";
            Ftm => "FollowTheMoney entities as JSON lines (Aleph, OpenSanctions, `followthemoney`).";
        }
    };
}
pub(crate) use export_formats;

macro_rules! format_enum {
    ($( $variant:ident => $doc:literal; )*) => {
        /// The formats a subgraph can be exported in.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Format { $( #[doc = $doc] $variant, )* }
    };
}
export_formats!(format_enum);

/// The error for a format name that is not one of [`Format::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown export format `{0}` (expected one of node-link, graphml, gexf, cytoscape, csv, dot, ftm)")]
pub struct UnknownFormat(pub String);

impl Format {
    /// Every format, in the order of the GraphQL `ExportFormat` enum.
    pub const ALL: &'static [Format] = &[
        Format::NodeLinkJson,
        Format::Graphml,
        Format::Gexf,
        Format::CytoscapeJson,
        Format::Csv,
        Format::Dot,
        Format::Ftm,
    ];

    /// Reads a format name, ignoring case and treating `-` and `_` alike: the GraphQL names
    /// (`NODE_LINK_JSON`, `CYTOSCAPE_JSON`), the short ones used in URLs (`node-link`,
    /// `cytoscape`, `graphml`) and the usual file extensions (`cyjs`, `gv`).
    pub fn parse(name: &str) -> Result<Format, UnknownFormat> {
        let norm: String = name
            .trim()
            .chars()
            .map(|c| match c {
                '-' | ' ' => '_',
                c => c.to_ascii_lowercase(),
            })
            .collect();
        Ok(match norm.as_str() {
            "node_link_json" | "node_link" | "nodelink" | "networkx" => Format::NodeLinkJson,
            "graphml" => Format::Graphml,
            "gexf" => Format::Gexf,
            "cytoscape_json" | "cytoscape" | "cyjs" => Format::CytoscapeJson,
            "csv" => Format::Csv,
            "dot" | "gv" | "graphviz" => Format::Dot,
            "ftm" | "followthemoney" | "ftm_json" => Format::Ftm,
            _ => return Err(UnknownFormat(name.to_string())),
        })
    }

    /// The GraphQL enum name (`NODE_LINK_JSON`).
    pub fn name(self) -> &'static str {
        match self {
            Format::NodeLinkJson => "NODE_LINK_JSON",
            Format::Graphml => "GRAPHML",
            Format::Gexf => "GEXF",
            Format::CytoscapeJson => "CYTOSCAPE_JSON",
            Format::Csv => "CSV",
            Format::Dot => "DOT",
            Format::Ftm => "FTM",
        }
    }

    /// The media type to serve it with.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::NodeLinkJson | Format::CytoscapeJson => "application/json",
            Format::Graphml => "application/graphml+xml; charset=utf-8",
            Format::Gexf => "application/gexf+xml; charset=utf-8",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Dot => "text/vnd.graphviz; charset=utf-8",
            Format::Ftm => "application/x-ndjson",
        }
    }

    /// The short name used in `/export/{format}` URLs (`node-link`, `graphml`).
    pub fn url_name(self) -> &'static str {
        match self {
            Format::NodeLinkJson => "node-link",
            Format::Graphml => "graphml",
            Format::Gexf => "gexf",
            Format::CytoscapeJson => "cytoscape",
            Format::Csv => "csv",
            Format::Dot => "dot",
            Format::Ftm => "ftm",
        }
    }

    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::NodeLinkJson => "json",
            Format::Graphml => "graphml",
            Format::Gexf => "gexf",
            Format::CytoscapeJson => "cyjs",
            Format::Csv => "csv",
            Format::Dot => "dot",
            Format::Ftm => "ftm.json",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What to export: entities and the relations among them (as a neighbourhood query returns
/// them). Handles must come from the graph given to [`export`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct View {
    /// The entities, in the order to write them.
    pub nodes: Vec<Node>,
    /// The relations, in the order to write them. A relation whose ends are not both among
    /// `nodes` is left out of the export, so every file is self-contained.
    pub edges: Vec<Edge>,
}

impl View {
    /// Every entity (in id order) and every relation (in the order they were added). O(V + E).
    pub fn whole(graph: &Graph) -> View {
        View {
            nodes: graph.entities(None).collect(),
            edges: graph.all_relations().collect(),
        }
    }
}

impl From<Neighbourhood> for View {
    fn from(s: Neighbourhood) -> View {
        View {
            nodes: s.nodes,
            edges: s.edges,
        }
    }
}

/// Writes `view` in `format`. O(V + E) in the size of the view (plus the cited documents).
/// Panics on a handle from another graph version.
pub fn export(graph: &Graph, view: &View, format: Format) -> String {
    export_cut(graph, view, format, None)
}

/// [`export`], saying in the file that a limit cut it short when `cut` is given (each format
/// in its own place: see `cut`).
pub fn export_cut(graph: &Graph, view: &View, format: Format, cut: Option<Cut>) -> String {
    let mut view = Prepared::new(graph, view);
    view.note = cut.map(Note::cut);
    write(graph, &view, format)
}

/// Writes a page of the whole graph in `format`: its note (which page, of how many, the next
/// one's path) where each format keeps it, and its other ends flagged `page_ref`.
pub fn export_page(graph: &Graph, paged: &Paged, format: Format) -> String {
    let view = Prepared::page(graph, paged);
    write(graph, &view, format)
}

fn write(graph: &Graph, view: &Prepared, format: Format) -> String {
    match format {
        Format::NodeLinkJson => node_link::write(graph, view),
        Format::Graphml => graphml::write(graph, view),
        Format::Gexf => gexf::write(graph, view),
        Format::CytoscapeJson => cytoscape::write(graph, view),
        Format::Csv => self::csv::write_long(graph, view),
        Format::Dot => dot::write(graph, view),
        Format::Ftm => ftm::write(graph, view),
    }
}

/// A view cleaned for writing: no entity or relation twice, no relation with a missing end.
pub(crate) struct Prepared {
    pub(crate) nodes: Vec<Node>,
    pub(crate) edges: Vec<Edge>,
    pub(crate) members: HashSet<Node>,
    /// The note saying the export was cut short or is a page, if it is.
    pub(crate) note: Option<Note>,
    /// The entities a page holds only as the other ends of its relations (`page_ref`).
    pub(crate) refs: HashSet<Node>,
}

impl Prepared {
    pub(crate) fn new(graph: &Graph, view: &View) -> Prepared {
        let mut members = HashSet::with_capacity(view.nodes.len());
        let nodes: Vec<Node> = view
            .nodes
            .iter()
            .copied()
            .filter(|&n| members.insert(n))
            .collect();
        let mut seen = HashSet::with_capacity(view.edges.len());
        let edges = view
            .edges
            .iter()
            .copied()
            .filter(|&e| {
                let (a, b) = graph.endpoints(e);
                members.contains(&a) && members.contains(&b) && seen.insert(e)
            })
            .collect();
        Prepared {
            nodes,
            edges,
            members,
            note: None,
            refs: HashSet::new(),
        }
    }

    /// A page: its view, note and `page_ref` entities.
    pub(crate) fn page(graph: &Graph, paged: &Paged) -> Prepared {
        let mut view = Prepared::new(graph, &paged.view);
        view.note = Some(Note::page(&paged.page));
        view.refs = paged.refs.clone();
        view
    }

    /// Whether this is a page of the whole graph (so formats declare `page_ref`).
    pub(crate) fn paged(&self) -> bool {
        self.note.as_ref().is_some_and(|n| n.page.is_some())
    }

    /// Whether `node` is on the page only as the other end of a relation.
    pub(crate) fn is_ref(&self, node: Node) -> bool {
        self.refs.contains(&node)
    }
}

#[cfg(test)]
pub(crate) mod testing;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_parse_in_every_spelling() {
        for (name, f) in [
            ("graphml", Format::Graphml),
            ("GRAPHML", Format::Graphml),
            ("node-link", Format::NodeLinkJson),
            ("NODE_LINK_JSON", Format::NodeLinkJson),
            ("node_link_json", Format::NodeLinkJson),
            ("gexf", Format::Gexf),
            ("cytoscape", Format::CytoscapeJson),
            ("CYTOSCAPE_JSON", Format::CytoscapeJson),
            ("csv", Format::Csv),
            ("dot", Format::Dot),
            ("ftm", Format::Ftm),
        ] {
            assert_eq!(Format::parse(name), Ok(f), "{name}");
        }
        for &f in Format::ALL {
            assert_eq!(Format::parse(f.name()), Ok(f));
            assert!(!f.content_type().is_empty() && !f.extension().is_empty());
            assert_eq!(Format::parse(f.url_name()), Ok(f));
        }
        let err = Format::parse("xlsx").unwrap_err();
        assert!(err.to_string().contains("graphml"), "{err}");
    }

    #[test]
    fn every_format_carries_a_pages_note_and_its_page_refs() {
        let g = testing::fixture();
        let sel = Selection {
            limit: Some(2),
            ..Selection::default()
        };
        let mut paged = (1..=g.entity_count().div_ceil(2))
            .map(|k| sel.select_page(&g, k).unwrap())
            .find(|p| !p.refs.is_empty())
            .expect("a page with other ends");
        paged.page.next = Some("/export/x?page=9&limit=2".into());
        for &f in Format::ALL {
            let text = export_page(&g, &paged, f);
            assert!(text.contains("page_ref"), "{f}: {text}");
            assert!(text.contains("truncated: page "), "{f}");
            assert!(text.contains("page=9"), "{f}");
        }
        let (nodes, edges) = csv_tables_page(&g, &paged);
        assert!(nodes.contains("page_ref") && nodes.contains("\n#truncated,"));
        assert!(!edges.contains("page_ref") && !edges.contains("truncated"));
        let whole = export(&g, &View::whole(&g), Format::Graphml);
        assert!(!whole.contains("page_ref") && !whole.contains("truncat"));
    }

    #[test]
    fn relations_with_an_end_outside_the_view_are_left_out() {
        let g = testing::fixture();
        let only = g.node("rail-mammadov").unwrap();
        let view = View {
            nodes: vec![only, only],
            edges: g.all_relations().collect(),
        };
        let p = Prepared::new(&g, &view);
        assert_eq!(p.nodes, vec![only]);
        assert!(p.edges.is_empty());
    }
}
