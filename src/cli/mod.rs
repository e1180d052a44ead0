//! The commands of the `dossier` binary: each takes its parsed arguments (see
//! [`crate::config`]), does its work, says what it did and returns a typed error, so `main`
//! stays a thin dispatcher and the tests can run a command without a process.
//!
//! # Layout
//! - [`serve`]: `dossier serve` — load, bind, serve, reload on SIGHUP, stop on SIGTERM.
//! - [`check`]: `dossier check` — validate a data directory.
//! - [`import`]: `dossier import` — validate datasets and keep them in the state (`--dry-run`: only validate).
//! - [`export`]: `dossier export` — the curated data and the imports, the whole graph or a
//!   neighbourhood, written in one of the export formats.
//! - [`generate`]: `dossier generate` — synthetic graphs for benchmarks.
//! - [`token`]: `dossier token new` — a write token and its configuration line.
//! - [`backup`]: `dossier backup` — an online copy of the journal.
//! - [`dataset`]: what `serve` and `export` load: the data directory, then the imports.

pub mod backup;
pub mod check;
pub mod dataset;
pub mod export;
pub mod generate;
pub mod import;
pub mod serve;
pub mod token;
