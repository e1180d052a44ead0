//! Streaming reads: files are read a chunk at a time, never whole, and the bytes read so far
//! are reported to a [`Progress`]. A chunk ends where a line (or a CSV record) ends, so the
//! chunks of a file can be parsed on different threads and their lines still numbered as in
//! the file.

use super::Progress;
use std::cell::Cell;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// How often, in bytes, the progress is told.
const REPORT_EVERY: u64 = 256 * 1024;

/// The size a chunk is cut at, in bytes (it ends at the first line end after it).
const CHUNK_BYTES: usize = 256 * 1024;

thread_local! {
    /// [`CHUNK_BYTES`], unless a test on this thread asked for smaller chunks (so that a
    /// small file is cut into many, and parsed on several threads).
    static CHUNK: Cell<usize> = const { Cell::new(CHUNK_BYTES) };
}

/// Runs `f` with chunks cut at `bytes` (at least 1: a line or a record each) for the imports
/// it runs on this thread. For tests of the parallel parsing on small files.
#[cfg(test)]
pub(super) fn with_chunk_bytes<R>(bytes: usize, f: impl FnOnce() -> R) -> R {
    let before = CHUNK.replace(bytes.max(1));
    let result = f();
    CHUNK.set(before);
    result
}

/// A reader that counts the bytes it hands out and reports them, now and then, to a progress.
pub(super) struct Counting<'p, R> {
    inner: R,
    /// The file's size, when known.
    size: Option<u64>,
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
            size,
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

/// How a file is cut into chunks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cut {
    /// After any `\n`.
    Lines,
    /// After a `\n` that ends a CSV record: not one inside a quoted cell.
    Records,
}

/// A run of whole lines (or CSV records) of a file.
#[derive(Debug)]
pub(super) struct Chunk {
    pub(super) text: Vec<u8>,
    /// The number of its first line in the file (1-based).
    pub(super) line: usize,
    /// The offset of its first byte in the file.
    pub(super) byte: u64,
}

impl Chunk {
    /// Its lines, numbered as in the file, as [`Lines`] gives them.
    pub(super) fn lines(&self) -> impl Iterator<Item = (usize, Result<&str, LineError>)> {
        let text = &self.text[..];
        let body = text.strip_suffix(b"\n").unwrap_or(text);
        // An empty chunk has no line (a file that ends with `\n` has no line after it).
        let lines = (!text.is_empty()).then(|| body.split(|&b| b == b'\n'));
        lines
            .into_iter()
            .flatten()
            .enumerate()
            .map(move |(i, line)| {
                let number = self.line + i;
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                let line = if number == 1 {
                    line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line)
                } else {
                    line
                };
                (
                    number,
                    std::str::from_utf8(line).map_err(|_| LineError::NotUtf8),
                )
            })
    }
}

/// A file handed out in chunks of whole lines or records, each about the chunk size.
pub(super) struct Chunks<'p> {
    file: Counting<'p, File>,
    cut: Cut,
    /// Bytes read but not handed out yet (the start of a line or record: a chunk's start).
    rest: Vec<u8>,
    /// A chunk handed back, to be handed out again first.
    back: Option<Chunk>,
    /// Buffers of chunks done with, to be filled again (see [`Chunks::recycle`]).
    spare: Vec<Vec<u8>>,
    line: usize,
    byte: u64,
    done: bool,
}

impl<'p> Chunks<'p> {
    /// Opens `path` and announces it to the progress as `what`.
    pub(super) fn open(
        path: &Path,
        what: &str,
        cut: Cut,
        progress: &'p dyn Progress,
    ) -> io::Result<Self> {
        Ok(Chunks {
            file: Counting::open(path, what, progress)?,
            cut,
            rest: Vec::new(),
            back: None,
            spare: Vec::new(),
            line: 1,
            byte: 0,
            done: false,
        })
    }

    /// The file's size in bytes, when known.
    pub(super) fn size(&self) -> Option<u64> {
        self.file.size
    }

    /// The number of the line after the chunks handed out so far.
    pub(super) fn next_line(&self) -> usize {
        self.line
    }

    /// Hands a chunk back (the part of the first chunk after a header): the next call to
    /// [`Chunks::next_chunk`] gives it.
    pub(super) fn put_back(&mut self, chunk: Chunk) {
        self.back = Some(chunk);
    }

    /// Takes back the text of a chunk done with, to read the next ones into: a file is read
    /// into the same few buffers, rather than into a new one for each chunk.
    pub(super) fn recycle(&mut self, text: Vec<u8>) {
        if self.spare.len() < 64 {
            self.spare.push(text);
        }
    }

    /// The next chunk, `None` at the end of the file. After an error, reading stops.
    pub(super) fn next_chunk(&mut self) -> Option<io::Result<Chunk>> {
        if let Some(chunk) = self.back.take() {
            return Some(Ok(chunk));
        }
        if self.done {
            return None;
        }
        let size = CHUNK.get();
        let mut text = self.spare.pop().unwrap_or_default();
        text.clear();
        text.extend_from_slice(&self.rest);
        let end = loop {
            if text.len() >= size {
                let end = match self.cut {
                    Cut::Lines => memchr::memchr(b'\n', &text[size - 1..]).map(|i| size + i),
                    // Re-read from the chunk's start: a record's quotes are read from there.
                    Cut::Records => first_record_end(&text, size),
                };
                if let Some(end) = end {
                    break end;
                }
            }
            // Up to the size, then on until a line or record ends (geometrically, for a
            // record longer than a chunk).
            let want = if text.len() < size {
                size - text.len()
            } else {
                (text.len() - size).max(16 * 1024)
            };
            let start = text.len();
            text.resize(start + want, 0);
            match read_full(&mut self.file, &mut text[start..]) {
                Ok(n) => {
                    text.truncate(start + n);
                    if n < want {
                        // The end of the file: what is left is the last chunk.
                        self.done = true;
                        break text.len();
                    }
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
        };
        if end == 0 {
            return None;
        }
        self.rest.clear();
        self.rest.extend_from_slice(&text[end..]);
        text.truncate(end);
        let chunk = Chunk {
            line: self.line,
            byte: self.byte,
            text,
        };
        self.line += memchr::memchr_iter(b'\n', &chunk.text).count();
        self.byte += end as u64;
        Some(Ok(chunk))
    }
}

/// Reads until `buf` is full or the file ends; the bytes read.
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// One past the first `\n` at or after `min` that ends a CSV record of `text`, which starts
/// where a record starts (empty lines are not records); `None` if there is none. Records are read as the `csv` crate reads
/// them with a `\n` terminator: a `"` opens a quoted cell only as the cell's first byte
/// (elsewhere it is text), `""` inside a quoted cell is a quote, and the cell goes on after
/// its closing quote up to the next `,` or `\n`.
fn first_record_end(text: &[u8], min: usize) -> Option<usize> {
    let mut i = 0;
    // Where the record being read starts.
    let mut start = 0;
    loop {
        let at = i + memchr::memchr2(b'"', b'\n', &text[i..])?;
        if text[at] == b'\n' {
            // An empty line before a record is skipped by the reader, and the record's
            // position is where the one before it ended: never cut there.
            if at > start && at + 1 >= min {
                return Some(at + 1);
            }
            i = at + 1;
            start = i;
            continue;
        }
        if at > 0 && !matches!(text[at - 1], b',' | b'\n') {
            // A quote inside an unquoted cell, or after a quoted cell's closing quote.
            i = at + 1;
            continue;
        }
        // A quoted cell: find its closing quote.
        let mut q = at + 1;
        loop {
            let close = q + memchr::memchr(b'"', &text[q..])?;
            match text.get(close + 1) {
                Some(b'"') => q = close + 2,
                Some(_) => {
                    i = close + 1;
                    break;
                }
                // Whether it closes the cell or starts `""` is in the bytes not read yet.
                None => return None,
            }
        }
    }
}

/// Why a line could not be read.
pub(super) enum LineError {
    /// The line is not UTF-8 text.
    NotUtf8,
}

impl LineError {
    pub(super) fn message(&self) -> String {
        match self {
            LineError::NotUtf8 => "this line is not valid UTF-8 text".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::Silent;

    /// Every chunk of `text` as `cut` cuts it at `size`.
    fn chunks(text: &[u8], cut: Cut, size: usize) -> Vec<Chunk> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, text).unwrap();
        with_chunk_bytes(size, || {
            let mut chunks = Chunks::open(&path, "f", cut, &Silent).unwrap();
            std::iter::from_fn(|| chunks.next_chunk())
                .map(Result::unwrap)
                .collect()
        })
    }

    /// Each record's cells, line and byte, as the `csv` crate reads `text` whole.
    fn records(text: &[u8], line: usize, byte: u64) -> Vec<(Vec<Vec<u8>>, u64, u64)> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .terminator(csv::Terminator::Any(b'\n'))
            .from_reader(text);
        let mut out = Vec::new();
        let mut record = csv::ByteRecord::new();
        while reader.read_byte_record(&mut record).unwrap() {
            let pos = record.position().unwrap();
            out.push((
                record.iter().map(<[u8]>::to_vec).collect(),
                pos.line() + line as u64 - 1,
                pos.byte() + byte,
            ));
        }
        out
    }

    #[test]
    fn csv_chunks_end_where_records_end_and_keep_their_places() {
        let texts: [&[u8]; 6] = [
            b"a,b,c\n1,\"two\nlines\",3\n\n   \n4,\"x\"\"y\",5\n6,7\"q\",8\n\"\",\"\"\"\"\n9",
            b"h\n\"open,\n\n\",\"\"\"\n\",z\n\"a\"b,c\n",
            b"\n\nh,i\r\n1,2\r\n\"3\r\n4\",5\r\n",
            b"x\n\"never closed\n1,2\n3,4\n",
            b"",
            b"one\n",
        ];
        for text in texts {
            let whole = records(text, 1, 0);
            for size in [1, 2, 3, 5, 8, 13, 1 << 20] {
                let mut found = Vec::new();
                let mut next = (1, 0);
                for c in chunks(text, Cut::Records, size) {
                    assert_eq!((c.line, c.byte), next, "{text:?} at {size}");
                    next = (
                        c.line + c.text.iter().filter(|&&b| b == b'\n').count(),
                        c.byte + c.text.len() as u64,
                    );
                    found.extend(records(&c.text, c.line, c.byte));
                }
                assert_eq!(
                    found,
                    whole,
                    "{:?} at {size}",
                    String::from_utf8_lossy(text)
                );
            }
        }
    }

    #[test]
    fn line_chunks_number_their_lines_as_the_file_does() {
        let bytes = b"\xEF\xBB\xBFfirst\r\nsecond\n\nfourth \xff\nlast";
        for size in [1, 4, 9, 1 << 20] {
            let lines: Vec<(usize, Option<String>)> = chunks(bytes, Cut::Lines, size)
                .iter()
                .flat_map(|c| {
                    c.lines()
                        .map(|(n, l)| (n, l.ok().map(String::from)))
                        .collect::<Vec<_>>()
                })
                .collect();
            assert_eq!(
                lines,
                [
                    (1, Some("first".into())),
                    (2, Some("second".into())),
                    (3, Some(String::new())),
                    (4, None),
                    (5, Some("last".into())),
                ],
                "at {size}"
            );
        }
    }
}
