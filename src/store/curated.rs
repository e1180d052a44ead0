//! What curation adds beside the entities and relations: ids merged into another entity
//! (which keep resolving), pairs judged distinct, and documents' full text (against which
//! quotes are checked word for word).

use crate::model::Id;
use hashbrown::{HashMap, HashSet};
use std::sync::Arc;

/// The curation side tables of a [`super::Graph`] version. Small: they grow with curators'
/// work, not with bulk data.
#[derive(Debug, Clone, Default)]
pub(super) struct Curated {
    /// An id merged into another entity, to the id of the entity that kept it (never a chain:
    /// a merge into an entity that was itself merged points at the last survivor).
    pub(super) merged: HashMap<Id, Id>,
    /// Pairs a curator judged not the same, each as (smaller id, larger id).
    pub(super) distinct: HashSet<(Id, Id)>,
    /// Documents' full text, by document id.
    pub(super) texts: HashMap<Id, Arc<str>>,
}

/// The pair `(a, b)` in the order [`Curated::distinct`] keeps it.
pub(super) fn pair(a: &Id, b: &Id) -> (Id, Id) {
    if a <= b {
        (a.clone(), b.clone())
    } else {
        (b.clone(), a.clone())
    }
}

/// Whether `quote` is in `text` word for word, whitespace runs (line breaks included) read as
/// one space on both sides.
pub(super) fn is_verbatim(quote: &str, text: &str) -> bool {
    let squeeze = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    text.contains(quote) || squeeze(text).contains(&squeeze(quote))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quote_across_a_line_break_is_verbatim_but_a_changed_word_is_not() {
        let text = "Police arrested\n  Bakhtiyar Hajiyev on 21 September.";
        assert!(is_verbatim("arrested Bakhtiyar Hajiyev", text));
        assert!(!is_verbatim("arrested Bakhtiar Hajiyev", text));
    }
}
