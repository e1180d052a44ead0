//! The start of a state: the journal's entries made over the graph of the data files.

use crate::journal::{Journal, JournalError};
use crate::store::{net, rebase, Edit, Version};

/// An entry that no longer applies over the data (the data files changed under it).
#[derive(Debug, Clone)]
pub struct Skipped {
    /// The entry.
    pub seq: u64,
    /// Why.
    pub reason: String,
}

/// What replaying a journal did.
#[derive(Debug)]
pub struct Replayed {
    /// The version with every entry that applies.
    pub graph: Version,
    /// How many entries were read.
    pub entries: usize,
    /// Entries that did not apply, each with why.
    pub skipped: Vec<Skipped>,
}

/// `graph` with the journal's entries made, in one pass when they apply as recorded (the
/// usual case: the net effect of all entries is applied once, O(V + E)). When the data files
/// changed under them, entries are made one by one over what the graph holds now (what they
/// set wins) and an entry that still cannot apply is skipped and reported.
pub fn replay(graph: impl Into<Version>, journal: &dyn Journal) -> Result<Replayed, JournalError> {
    let graph = graph.into();
    let entries = journal.since(0)?;
    let count = entries.len();
    if entries.is_empty() {
        return Ok(Replayed {
            graph,
            entries: 0,
            skipped: Vec::new(),
        });
    }
    let all = net(entries.iter().map(|e| e.edits.as_slice()));
    if let Ok(next) = graph.apply(&all) {
        return Ok(Replayed {
            graph: next,
            entries: count,
            skipped: Vec::new(),
        });
    }
    let mut graph = graph;
    let mut skipped = Vec::new();
    for entry in &entries {
        let edits: Vec<Edit> = rebase(&graph, &entry.edits);
        match graph.apply(&edits) {
            Ok(next) => graph = next,
            Err(problems) => skipped.push(Skipped {
                seq: entry.seq,
                reason: problems
                    .iter()
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join("; "),
            }),
        }
    }
    Ok(Replayed {
        graph,
        entries: count,
        skipped,
    })
}
