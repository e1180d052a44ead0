//! Streaming reads: files are read a line or a record at a time, never whole, and the bytes
//! read so far are reported to a [`Progress`].

use super::Progress;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

/// How often, in bytes, the progress is told.
const REPORT_EVERY: u64 = 256 * 1024;

/// A reader that counts the bytes it hands out and reports them, now and then, to a progress.
pub(super) struct Counting<'p, R> {
    inner: R,
    read: u64,
    reported: u64,
    progress: &'p dyn Progress,
}

impl<'p> Counting<'p, File> {
    /// Opens `path` and announces it to the progress as `what`.
    pub(super) fn open(path: &Path, what: &str, progress: &'p dyn Progress) -> io::Result<Self> {
        let file = File::open(path)?;
        let size = file.metadata().ok().map(|m| m.len());
        progress.start(what, size);
        Ok(Counting {
            inner: file,
            read: 0,
            reported: 0,
            progress,
        })
    }
}

impl<R> Drop for Counting<'_, R> {
    fn drop(&mut self) {
        self.progress.advance(self.read);
        self.progress.finish();
    }
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read - self.reported >= REPORT_EVERY {
            self.reported = self.read;
            self.progress.advance(self.read);
        }
        Ok(n)
    }
}

/// A file read one line at a time, with 1-based line numbers. Line ends (`\n`, `\r\n`) are
/// not part of the line.
pub(super) struct Lines<'p> {
    reader: BufReader<Counting<'p, File>>,
    buf: Vec<u8>,
    number: usize,
}

/// Why a line could not be read.
pub(super) enum LineError {
    /// The line is not UTF-8 text.
    NotUtf8,
    /// Reading failed.
    Io(io::Error),
}

impl<'p> Lines<'p> {
    pub(super) fn open(path: &Path, what: &str, progress: &'p dyn Progress) -> io::Result<Self> {
        Ok(Lines {
            reader: BufReader::with_capacity(64 * 1024, Counting::open(path, what, progress)?),
            buf: Vec::new(),
            number: 0,
        })
    }

    /// The next line and its number, or `None` at the end of the file.
    pub(super) fn next_line(&mut self) -> Option<(usize, Result<&str, LineError>)> {
        self.buf.clear();
        match self.reader.read_until(b'\n', &mut self.buf) {
            Ok(0) => None,
            Ok(_) => {
                self.number += 1;
                let mut line: &[u8] = &self.buf;
                if let Some(rest) = line.strip_suffix(b"\n") {
                    line = rest;
                }
                if let Some(rest) = line.strip_suffix(b"\r") {
                    line = rest;
                }
                if self.number == 1 {
                    line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
                }
                Some((
                    self.number,
                    std::str::from_utf8(line).map_err(|_| LineError::NotUtf8),
                ))
            }
            Err(e) => Some((self.number + 1, Err(LineError::Io(e)))),
        }
    }
}

impl LineError {
    pub(super) fn message(&self) -> String {
        match self {
            LineError::NotUtf8 => "this line is not valid UTF-8 text".into(),
            LineError::Io(e) => format!("cannot read: {e}"),
        }
    }
}
