//! Progress of a long import: the importers report bytes read through [`Progress`], so they
//! hold no terminal code; [`for_stderr`] picks a bar when a person is watching and silence
//! otherwise (tests, CI, logs).

use indicatif::{ProgressBar, ProgressStyle};
use std::cell::RefCell;
use std::io::IsTerminal;

/// Receives how far an import has read. Every method has a silent default.
pub trait Progress {
    /// Reading of one file begins: what is read (`triples.tsv`, or `data.ftm.json (links)` for
    /// a second pass) and its size in bytes, when known.
    fn start(&self, what: &str, bytes: Option<u64>) {
        let _ = (what, bytes);
    }

    /// `bytes` of the current file have been read so far.
    fn advance(&self, bytes: u64) {
        let _ = bytes;
    }

    /// The current file is done.
    fn finish(&self) {}
}

/// Reports nothing.
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;

impl Progress for Silent {}

/// A bar on stderr per file: bytes read, rate and time left.
#[derive(Debug, Default)]
pub struct TerminalBar {
    bar: RefCell<Option<ProgressBar>>,
}

impl Progress for TerminalBar {
    fn start(&self, what: &str, bytes: Option<u64>) {
        let bar = match bytes {
            Some(total) => ProgressBar::new(total),
            None => ProgressBar::new_spinner(),
        };
        let style = ProgressStyle::with_template(
            "{msg} [{wide_bar}] {binary_bytes}/{binary_total_bytes} ({binary_bytes_per_sec}, {eta})",
        )
        .expect("a valid template")
        .progress_chars("=> ");
        bar.set_style(style);
        bar.set_message(what.to_string());
        if let Some(old) = self.bar.replace(Some(bar)) {
            old.finish_and_clear();
        }
    }

    fn advance(&self, bytes: u64) {
        if let Some(bar) = &*self.bar.borrow() {
            bar.set_position(bytes);
        }
    }

    fn finish(&self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

/// A [`TerminalBar`] when stderr is a terminal, else [`Silent`].
pub fn for_stderr() -> Box<dyn Progress> {
    if std::io::stderr().is_terminal() {
        Box::new(TerminalBar::default())
    } else {
        Box::new(Silent)
    }
}
