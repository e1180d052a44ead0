//! Writes: curators record, correct, merge and retract facts while researchers read.
//!
//! Every write goes through the one [`Curator`]: the operation becomes edits on the current
//! version ([`operations`]), the builder checks them with the rules of the data files and the
//! importers, the journal keeps them (durable), and the next version is published. At start,
//! the journal is [`replay`]ed over the graph of the data files.
//!
//! # Layout
//! - `operations.rs`: the operations as edits (`merge.rs` a merge's); `error.rs` why one is
//!   refused;
//! - `writer.rs`: [`Curator`], the one writer; `fold.rs` its layers folded in the
//!   background;
//! - `replay.rs`: the journal made over the data at start;
//! - `candidates.rs`: pairs of entities a curator should look at (possible duplicates).

mod candidates;
mod error;
mod fold;
mod merge;
pub mod operations;
mod replay;
mod writer;

pub use candidates::{duplicate_candidates, Candidate, Likeness};
pub use error::CurateError;
pub use fold::FOLD_AT;
pub use operations::Operation;
pub use replay::{replay, Replayed, Skipped};
pub use writer::{Curator, Written, MAX_KEY};
