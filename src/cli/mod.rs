//! The commands of the `dossier` binary that are more than a call: each takes its parsed
//! arguments (see [`crate::config`]), does its work and says what it did, so `main` stays a
//! thin dispatcher and the tests can run a command without a process.
//!
//! # Layout
//! - [`export`]: `dossier export` — the curated data and the imports, the whole graph or a
//!   neighbourhood, written in one of the export formats.

pub mod export;
