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
//!
//! A page of the whole graph ([`Page`], `/export/{format}?page=K`) carries its note in the same
//! places — the text starts with `truncated: ` (and `truncated` is `true`) when the graph spans
//! more than one page — and, where a format has typed graph metadata (the JSON formats and
//! GraphML), `page`, `pages` and `next_page` (the next page's URL path; absent on the last).
//! The CSV `nodes` row and the FtM line are `#page` / `dossier-export-page` when the one page
//! is the whole graph. The entities a page holds only because a relation from the page leads
//! to them are flagged `page_ref` (see `crate::export`).

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
    /// How many pages of `limit` entities the selection spans, when it can be asked for page
    /// by page (the whole graph over HTTP: `page=1` to `pages`).
    pub pages: Option<usize>,
}

impl Cut {
    /// The note written into the file: what it holds, of how many, and how to get the rest.
    pub fn note(&self) -> String {
        let of = match self.selected {
            Some(total) => format!("the first {} of {total} entities selected", self.kept),
            None => format!("{} entities, and more were in reach", self.kept),
        };
        let paging = match self.pages {
            Some(n) => format!(
                "ask for it page by page with page=1…{n} (and limit={}, each page a file on \
                 its own), ",
                self.limit
            ),
            None => String::new(),
        };
        format!(
            "truncated: this export holds {of} (limit {}), with the relations among them; \
             {paging}ask with a higher limit or narrower ids, kinds or depth, or export the \
             whole graph with `dossier export`",
            self.limit
        )
    }
}

/// One page of the whole graph (or of the entities of some kinds): the entities `first` to
/// `first + own - 1` (1-based) of `selected` in id order, every relation from them, and the
/// `refs` other ends of those relations that are on other pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// This page, from 1.
    pub number: usize,
    /// How many pages there are (at least 1).
    pub pages: usize,
    /// The page size: the most entities of its own a page holds (`limit`).
    pub size: usize,
    /// How many entities are selected in all (the whole graph's, or the kinds').
    pub selected: usize,
    /// The position (from 1) of the page's first entity in id order.
    pub first: usize,
    /// The entities of the page itself.
    pub own: usize,
    /// The other ends of the page's relations, on other pages, included and flagged
    /// `page_ref`.
    pub refs: usize,
    /// The relations the page holds: those whose `from` is on it.
    pub relations: usize,
    /// The next page's URL path (`/export/graphml?page=3&limit=1000`), absent on the last.
    pub next: Option<String>,
}

impl Page {
    /// Whether the page is less than the whole selection (more than one page).
    pub fn truncated(&self) -> bool {
        self.pages > 1
    }

    /// The note written into the file: which page of how many, what it holds, and where the
    /// next one is.
    pub fn note(&self) -> String {
        let last = self.first + self.own.saturating_sub(1);
        let held = if self.own == 0 {
            "no entities".to_string()
        } else {
            format!("entities {} to {last}", self.first)
        };
        let mut text = format!(
            "page {} of {}: {held} of {} in id order (limit {}), the {} relations from them, \
             and the {} entities at their other ends that are on other pages (flagged page_ref)",
            self.number, self.pages, self.selected, self.size, self.relations, self.refs
        );
        match &self.next {
            Some(next) => text.push_str(&format!("; next page: {next}")),
            None if self.pages > 1 => text.push_str("; this is the last page"),
            None => {}
        }
        if self.truncated() {
            text.insert_str(0, "truncated: ");
            text.push_str(
                "; the union of all pages is the whole graph (or export it with `dossier export`)",
            );
        }
        text
    }
}

/// What a file says about itself: a cut or a page, ready for the writers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Note {
    /// Whether the file holds less than was selected.
    pub(crate) truncated: bool,
    /// The note's text.
    pub(crate) text: String,
    /// The page, for a page of the whole graph.
    pub(crate) page: Option<Page>,
}

impl Note {
    pub(crate) fn cut(cut: Cut) -> Note {
        Note {
            truncated: true,
            text: cut.note(),
            page: None,
        }
    }

    pub(crate) fn page(page: &Page) -> Note {
        Note {
            truncated: page.truncated(),
            text: page.note(),
            page: Some(page.clone()),
        }
    }

    /// The key of the note row of the CSV `nodes` table and the FtM line's id suffix.
    pub(crate) fn tag(&self) -> &'static str {
        if self.truncated {
            "truncated"
        } else {
            "page"
        }
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
            pages: None,
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
        let paged = Cut {
            pages: Some(12),
            ..cut
        };
        assert!(paged.note().contains("page=1…12 (and limit=1000"));
        assert!(!cut.note().contains("page="));
    }

    #[test]
    fn a_page_says_which_it_is_of_how_many_and_where_the_next_is() {
        let page = Page {
            number: 2,
            pages: 3,
            size: 1000,
            selected: 2551,
            first: 1001,
            own: 1000,
            refs: 17,
            relations: 2400,
            next: Some("/export/graphml?page=3&limit=1000".into()),
        };
        let note = page.note();
        assert!(
            note.starts_with("truncated: page 2 of 3: entities 1001 to 2000 of 2551"),
            "{note}"
        );
        assert!(note.contains("next page: /export/graphml?page=3&limit=1000"));
        let last = Page {
            number: 3,
            own: 551,
            first: 2001,
            next: None,
            ..page.clone()
        };
        assert!(last.note().contains("entities 2001 to 2551"));
        assert!(last.note().contains("this is the last page"));
        let only = Page {
            number: 1,
            pages: 1,
            first: 1,
            next: None,
            ..page
        };
        assert!(only.note().starts_with("page 1 of 1:"));
        assert_eq!(Note::page(&only).tag(), "page");
    }
}
