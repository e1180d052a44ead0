//! CSV tables: `documents.csv`, `nodes.csv` and `relations.csv`, each with a header row naming
//! its columns (in any order; the README lists them). Empty cells are absent values; lists
//! (`aliases`, `roles`) are separated by `|`.
//!
//! A relation's `kind` is a vocabulary name (`ARRESTED`: the ends must fit it), or anything
//! else: first looked up in the mapping, then read as a vocabulary name or label written
//! loosely (`member of`, `took part in`, `Accuse`, `Apologize`: see `loose`) — those fall back to `RELATED` when the ends do not
//! fit — and otherwise kept as `RELATED` with the kind as its label, in lower-case words
//! (`AWARD_RECEIVED` → "award received").
//!
//! # Layout
//! - `documents`, `nodes`, `relations`: one table each, its columns and what a row becomes.
//! - `table`: one table read (the `Table` trait): its chunks parsed on the
//!   pool, each row added in file order.
//! - `header`: the columns a table may have, and its header row checked against them.
//! - `row`: one data row, its cells read by name, and where each cell is.
//! - `locate`: a cell found again in the file (for an error, or the first definition of an id).

mod documents;
mod header;
mod locate;
mod nodes;
mod relations;
mod row;
mod table;

pub(in crate::import) use documents::documents;
pub(in crate::import) use locate::find_row;
pub(in crate::import) use nodes::nodes;
pub(in crate::import) use relations::relations;
