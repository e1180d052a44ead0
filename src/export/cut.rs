//! Saying, inside the file, that an export was cut short: a limit kept fewer entities than
//! were selected. Each format has its place for the note (the README's "Export" lists them):
//!
//! | format | where |
//! |---|---|
//! | node-link JSON | `graph.truncated` (`true`) and `graph.truncation` (the note): `G.graph` in NetworkX |
//! | Cytoscape JSON | `data.truncated` and `data.truncation`: `G.graph` in NetworkX |
//! | GraphML | graph attributes `truncated` (boolean) and `truncation`: `G.graph` in NetworkX |
//! | GEXF | `<meta><keywords>truncated</keywords>` and the note in `<meta><description>` |
//! | CSV (long table) | a last row with `element` = `note` and the note in `description` |
//! | CSV (`nodes` table) | a last row with `id` = `#truncated` and the note in `description` |
//! | DOT | a `// truncated: …` comment on the second line and the graph's `comment` |
//! | FtM | a `Document` line, id `dossier-export-truncated`, with the note in `description` |
//!
//! An export that was not cut carries none of these.

/// How an export was cut: `kept` entities of the `selected` ones (when known), at `limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cut {
    /// The entities the export holds.
    pub kept: usize,
    /// How many entities were selected before the limit (the whole graph's, or the kinds'),
    /// when known; a neighbourhood walk stops at the limit and does not know.
    pub selected: Option<usize>,
    /// The limit that cut it.
    pub limit: usize,
}

impl Cut {
    /// The note written into the file: what it holds, of how many, and how to get the rest.
    pub fn note(&self) -> String {
        let of = match self.selected {
            Some(total) => format!("the first {} of {total} entities selected", self.kept),
            None => format!("{} entities, and more were in reach", self.kept),
        };
        format!(
            "truncated: this export holds {of} (limit {}), with the relations among them; \
             ask with a higher limit or narrower ids, kinds or depth, or export the whole \
             graph with `dossier export`",
            self.limit
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_note_says_what_was_kept_of_what() {
        let cut = Cut {
            kept: 1000,
            selected: Some(11384),
            limit: 1000,
        };
        assert!(cut.note().starts_with(
            "truncated: this export holds the first 1000 of 11384 entities selected (limit 1000)"
        ));
        let walk = Cut {
            selected: None,
            ..cut
        };
        assert!(walk
            .note()
            .contains("1000 entities, and more were in reach"));
    }
}
