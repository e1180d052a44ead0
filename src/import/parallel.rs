//! Parsing on every core: a file's chunks (see `read`) are parsed on rayon's thread pool
//! while this thread adds what the chunks before them gave, in file order. What is added, and
//! every error with its place, is what reading line after line gives: only the parsing moved.
//!
//! A parse never reads the builder being added to (a CSV row's relation is resolved against
//! a copy of the builder's entities, [`crate::store::Resolver`]), so parsing and adding go
//! on at the same time.

use super::read::{Chunk, Chunks, Cut};
use super::{Session, Site};
use std::collections::BTreeMap;
use std::io;
use std::ops::ControlFlow;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::sync::mpsc;
use std::vec::Drain;

/// A chunk parsed on the pool: its place in the file, the chunk, what was found in it, or why
/// the parse panicked.
type Parsed<T> = (usize, Chunk, Result<Vec<T>, Box<dyn std::any::Any + Send>>);

/// Parses every chunk of `chunks` on the pool with `parse`, which pushes what it finds, and
/// hands each chunk with what was found in it to `each`, in file order, on this thread —
/// until the file ends or `each` breaks. A read that fails stops the reading: its error is
/// returned, with the number of the line it would have read, once the chunks before it are
/// handed over. A few chunks per thread are parsed ahead of the one being added, no more, so
/// memory holds a few chunks whatever the file's size.
///
/// Why the vectors parsed into (and the chunks' texts) are used again and again: a large
/// allocation for every chunk makes the C allocator consolidate all the small blocks freed
/// since (the parsed values are made on the pool and dropped on this thread), which cost as
/// much as the parsing saved.
pub(super) fn each_chunk<T: Send>(
    cx: &mut Session,
    chunks: &mut Chunks,
    parse: impl Fn(&Chunk, &mut Vec<T>) + Sync,
    mut each: impl FnMut(&mut Session, &Chunk, Drain<T>) -> ControlFlow<()>,
) -> Result<(), (usize, io::Error)> {
    let ahead = rayon::current_num_threads() * 4;
    let parse = &parse;
    let (done, parsed) = mpsc::channel::<Parsed<T>>();
    let mut spare: Vec<Vec<T>> = Vec::new();
    rayon::in_place_scope(|scope| {
        // Chunks parsed but not handed over yet, by their place in the file.
        let mut ready: BTreeMap<usize, (Chunk, Vec<T>)> = BTreeMap::new();
        let (mut sent, mut next) = (0, 0);
        let mut end = false;
        loop {
            while !end && sent - next < ahead {
                match chunks.next_chunk() {
                    None => end = true,
                    Some(Err(e)) => return Err((chunks.next_line(), e)),
                    Some(Ok(chunk)) => {
                        let mut into = spare.pop().unwrap_or_default();
                        let done = done.clone();
                        let seq = sent;
                        scope.spawn(move |_| {
                            let found = panic::catch_unwind(AssertUnwindSafe(|| {
                                parse(&chunk, &mut into);
                                into
                            }));
                            // The receiver outlives the scope.
                            let _ = done.send((seq, chunk, found));
                        });
                        sent += 1;
                    }
                }
            }
            if next == sent {
                return Ok(());
            }
            let (chunk, mut found) = loop {
                if let Some(c) = ready.remove(&next) {
                    break c;
                }
                let (seq, chunk, found) = parsed.recv().expect("a parse sends what it found");
                match found {
                    Ok(found) => ready.insert(seq, (chunk, found)),
                    Err(cause) => panic::resume_unwind(cause),
                };
            };
            next += 1;
            let flow = each(cx, &chunk, found.drain(..));
            spare.push(found);
            chunks.recycle(chunk.text);
            if flow.is_break() {
                return Ok(());
            }
        }
    })
}

/// Reads a file line by line (numbered from 1, line ends and a first line's byte-order mark
/// left out): each line of UTF-8 text is parsed by `parse` on the pool, then handed with what
/// it gave to `each`, in file order, on this thread. A line that is not UTF-8 is an error, a
/// read that fails another (and stops the reading); reading also stops once enough errors
/// were found. `what` is what the progress shows.
pub(super) fn each_line<T: Send>(
    cx: &mut Session,
    path: &Path,
    what: &str,
    parse: impl Fn(usize, &str) -> T + Sync,
    mut each: impl FnMut(&mut Session, usize, &str, T),
) {
    let mut chunks = match Chunks::open(path, what, Cut::Lines, cx.progress) {
        Ok(c) => c,
        Err(e) => return cx.push(Site::new(path, 1, 1).error("file", format!("cannot read: {e}"))),
    };
    let read = each_chunk(
        cx,
        &mut chunks,
        |chunk, into| {
            into.extend(
                chunk
                    .lines()
                    .map(|(n, line)| line.ok().map(|line| parse(n, line))),
            )
        },
        |cx, chunk, parsed| {
            for ((n, line), parsed) in chunk.lines().zip(parsed) {
                if cx.full() {
                    return ControlFlow::Break(());
                }
                cx.line_read();
                match (line, parsed) {
                    (Ok(line), Some(parsed)) => each(cx, n, line, parsed),
                    (Err(e), _) => cx.push(Site::new(path, n, 1).error("line", e.message())),
                    (Ok(_), None) => unreachable!("the same line read twice"),
                }
            }
            ControlFlow::Continue(())
        },
    );
    if let Err((n, e)) = read {
        if !cx.full() {
            cx.line_read();
            cx.push(Site::new(path, n, 1).error("line", format!("cannot read: {e}")));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::export::{self, Format, View};
    use crate::import::read::with_chunk_bytes;
    use crate::import::{load_with_imports, ImportSource, Mapping, Silent};
    use crate::load::LoadErrors;
    use std::path::{Path, PathBuf};

    /// Chunk sizes from one line or record each to the default: the smallest give many chunks
    /// to a batch, parsed on every thread of the pool.
    const SIZES: [usize; 5] = [1, 7, 64, 1000, usize::MAX];

    fn bad(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/import/bad")
            .join(name)
    }

    /// The errors of importing `path`, printed as `dossier import` prints them, with the
    /// fixture directory left out of the paths.
    fn errors(path: &Path, mapping: &Mapping, size: usize) -> String {
        let source = ImportSource::at(path, None).unwrap();
        let run = || load_with_imports(None, &[source], mapping, &Silent);
        let result = if size == usize::MAX {
            run()
        } else {
            with_chunk_bytes(size, run)
        };
        let errors: LoadErrors = match result {
            Ok(_) => panic!("the import fails"),
            Err(e) => e,
        };
        let dir = format!("{}/", bad("").display()).replace("//", "/");
        errors.to_string().replace(&dir, "")
    }

    #[test]
    fn bad_lines_get_the_errors_of_reading_line_after_line_however_the_file_is_cut() {
        // The `.errors` files are what the importer reported before it parsed in parallel:
        // the same errors, in the same order, the same first one, and the same stop after
        // 100 errors with the same count of lines read.
        let tsv_mapping = Mapping::load(&bad("m.toml")).unwrap();
        for (input, mapping, expected) in [
            ("csv", &Mapping::default(), "csv.errors"),
            ("many", &Mapping::default(), "many.errors"),
            ("bad.tsv", &tsv_mapping, "tsv.errors"),
            ("bad.ftm.json", &Mapping::default(), "ftm.errors"),
        ] {
            let expected = std::fs::read_to_string(bad(expected)).unwrap();
            for size in SIZES {
                let found = errors(&bad(input), mapping, size);
                assert_eq!(found.trim_end(), expected.trim_end(), "{input} at {size}");
            }
        }
    }

    #[test]
    fn a_graph_imported_in_small_chunks_is_the_graph_imported_whole() {
        let dir = tempfile::tempdir().unwrap();
        let spec = crate::generate::Spec {
            entities: 400,
            relations: 5000,
            seed: 11,
        };
        crate::generate::generate(&spec, dir.path()).unwrap();
        // Repeated rows, so that ids are numbered `.2`, `.3` across chunks.
        let relations = dir.path().join("relations.csv");
        let text = std::fs::read_to_string(&relations).unwrap();
        let rows: Vec<&str> = text.lines().collect();
        let mut again = text.clone();
        for row in rows.iter().skip(1).step_by(7) {
            again.push_str(row);
            again.push('\n');
        }
        std::fs::write(&relations, again).unwrap();
        let import = |size: usize| {
            let source = ImportSource::at(dir.path(), None).unwrap();
            let run = || load_with_imports(None, &[source], &Mapping::default(), &Silent);
            let (graph, summary) = if size == usize::MAX {
                run()
            } else {
                with_chunk_bytes(size, run)
            }
            .unwrap();
            let whole = export::export(&graph, &View::whole(&graph), Format::NodeLinkJson);
            (whole, summary, graph.memory())
        };
        let whole = import(usize::MAX);
        assert!(whole.0.contains(".2\""), "some ids are numbered");
        for size in [1, 100, 4096] {
            assert!(import(size) == whole, "at {size}");
        }
    }
}
