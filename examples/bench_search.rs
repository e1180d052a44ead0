//! Search latency, index against scan, on a dataset: for each kind of query — an exact name,
//! a prefix, a transliteration, a one-letter typo — made from the names of seeded entities,
//! the p50, p99 and worst time of [`Version::search`] (the index) and of
//! [`Version::search_scan`] (every name scored, the reference), after checking that both give
//! the same hits on every scanned query.
//!
//! ```sh
//! cargo run --release --example bench_search -- DATASET [MAPPING.toml]
//! ```
//! DATASET is a CSV directory (as `dossier generate` writes) or a triples file with its
//! mapping (CoDEx-M: `../shared/datasets/codex-m/triples.tsv bench/codex-m.toml`).
//! `SEARCH_QUERIES` (default 1000) queries of each kind go to the index, `SEARCH_SCANS`
//! (default 20) to the scan. Prints a Markdown table; `SEARCH_SLOWEST=n` also prints (to
//! stderr) the `n` slowest queries of each kind, timed again one by one. The index's columns
//! are one call a query (the first, when repeated). `SEARCH_REPEAT=r` (default 1) calls each
//! query `r` times in a row and also gives the least of the `r` ("best of r" columns): on a
//! machine shared with other work, that leaves out most of the time a query spent waiting
//! for a core. `SEARCH_LOOP=n` then calls the `n` queries of each kind slowest at their best
//! (the p99 queries, for `n` = 1% of them) over and over for `SEARCH_LOOP_SECONDS` (default
//! 5) seconds, and names them on stderr: a loop to run under `perf record`.

use dossier::import::{self, ImportSource, Mapping, Silent};
use dossier::store::{Graph, Node};
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dataset, rest @ ..] = args.as_slice() else {
        return Err("usage: bench_search DATASET [MAPPING.toml]".into());
    };
    let mapping = match rest.first() {
        Some(path) => Mapping::load(&PathBuf::from(path)).map_err(|e| e.to_string())?,
        None => Mapping::default(),
    };
    let count = env("SEARCH_QUERIES", 1000);
    let scans = env("SEARCH_SCANS", 20);
    let slowest = env("SEARCH_SLOWEST", 0);
    let looped = env("SEARCH_LOOP", 0);
    let started = Instant::now();
    let source = ImportSource::at(&PathBuf::from(dataset), None).map_err(|e| e.to_string())?;
    let (graph, _) =
        import::load_with_imports(None, &[source], &mapping, &Silent).map_err(|e| e.to_string())?;
    let search_bytes = graph.search_bytes();
    println!(
        "{} entities, {} relations, imported in {:.1} s; search index {:.1} MiB ({:.0} B an entity)\n",
        graph.entity_count(),
        graph.relation_count(),
        started.elapsed().as_secs_f64(),
        search_bytes as f64 / (1 << 20) as f64,
        search_bytes as f64 / graph.entity_count() as f64,
    );
    let repeat = env("SEARCH_REPEAT", 1).max(1);
    println!(
        "| query | example | one call p50 | one call p99 | one call max | best of {repeat} p50 | best of {repeat} p99 | scan p50 | scan p99 | hits (mean) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for (kind, make) in KINDS {
        let queries: Vec<String> = (0..count as u64)
            .map(|k| make(graph.entity(pick(&graph, k)).name()))
            .collect();
        let mut hits = 0;
        let (index, least) = times(&queries, |q| {
            let h = graph.search(q, None, 10);
            hits += h.len();
        });
        if looped > 0 {
            let mut each: Vec<(Duration, &String)> = queries
                .iter()
                .map(|q| {
                    let least = (0..3)
                        .map(|_| {
                            let started = Instant::now();
                            graph.search(q, None, 10);
                            started.elapsed()
                        })
                        .min()
                        .expect("three calls");
                    (least, q)
                })
                .collect();
            each.sort_unstable_by(|a, b| b.cmp(a));
            each.truncate(looped);
            for (t, q) in &each {
                eprintln!("{kind}, looped: {} {q:?}", ms(*t));
            }
            let until = Instant::now() + Duration::from_secs(env("SEARCH_LOOP_SECONDS", 5) as u64);
            while Instant::now() < until {
                for (_, q) in &each {
                    graph.search(q, None, 10);
                }
            }
        }
        if slowest > 0 {
            let mut each: Vec<(Duration, &String)> = queries
                .iter()
                .map(|q| {
                    let started = Instant::now();
                    graph.search(q, None, 10);
                    (started.elapsed(), q)
                })
                .collect();
            each.sort_unstable_by(|a, b| b.cmp(a));
            for (t, q) in each.iter().take(slowest) {
                eprintln!("{kind}: {} {q:?}", ms(*t));
            }
        }
        let (scan, _) = times(&queries[..scans.min(count)], |q| {
            let want = graph.search_scan(q, None, 10);
            assert_eq!(
                graph.search(q, None, 10),
                want,
                "index and scan differ on {q:?}"
            );
        });
        println!(
            "| {kind} | `{}` | {} | {} | {} | {} | {} | {} | {} | {:.1} |",
            queries[0],
            ms(quantile(&index, 0.5)),
            ms(quantile(&index, 0.99)),
            ms(quantile(&index, 1.0)),
            ms(quantile(&least, 0.5)),
            ms(quantile(&least, 0.99)),
            ms(quantile(&scan, 0.5)),
            ms(quantile(&scan, 0.99)),
            hits as f64 / (count * repeat) as f64,
        );
    }
    Ok(())
}

type Make = fn(&str) -> String;

/// The kinds of query, each made from an entity's name.
const KINDS: [(&str, Make); 4] = [
    ("exact name", |name| name.to_string()),
    ("prefix", prefix),
    ("transliteration", transliteration),
    ("one typo", typo),
];

/// The name with its last word cut to about half (at least 3 letters): `Gubad Ibad`.
fn prefix(name: &str) -> String {
    let (head, last) = name.rsplit_once(' ').unwrap_or(("", name));
    let chars: Vec<char> = last.chars().collect();
    let keep = (chars.len() / 2 + 1).max(3).min(chars.len());
    let cut: String = chars[..keep].iter().collect();
    if head.is_empty() {
        cut
    } else {
        format!("{head} {cut}")
    }
}

/// The name as another transliteration spells it: a letter doubled (`Mammadov` / `Mamadov`),
/// `kh`/`x` and `gh`/`ğ` swapped.
fn transliteration(name: &str) -> String {
    let swapped = name.replace("kh", "x").replace("gh", "ğ");
    if swapped != name {
        return swapped;
    }
    let mut out = String::new();
    let mut doubled = false;
    for (i, c) in name.chars().enumerate() {
        out.push(c);
        if !doubled && i >= 1 && c.is_alphabetic() {
            out.push(c);
            doubled = true;
        }
    }
    out
}

/// Two letters of the name's longest word swapped in its middle: `Ibadolgu`.
fn typo(name: &str) -> String {
    let longest = name
        .split(' ')
        .max_by_key(|w| w.chars().count())
        .unwrap_or(name);
    let mut chars: Vec<char> = longest.chars().collect();
    if chars.len() >= 4 {
        let i = chars.len() / 2;
        chars.swap(i - 1, i);
    }
    let typo: String = chars.into_iter().collect();
    name.replacen(longest, &typo, 1)
}

/// The `k`-th seeded entity: a multiplicative hash of `k`, the same on every run.
fn pick(graph: &Graph, k: u64) -> Node {
    let n = graph.entity_count() as u64;
    Node::new(((k.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11) % n) as usize)
}

/// Each query's time, sorted: of its first call, and the least of `SEARCH_REPEAT` (default
/// 1) calls in a row.
fn times(queries: &[String], mut f: impl FnMut(&str)) -> (Vec<Duration>, Vec<Duration>) {
    let repeat = env("SEARCH_REPEAT", 1).max(1);
    let (mut first, mut least): (Vec<Duration>, Vec<Duration>) = queries
        .iter()
        .map(|q| {
            let calls: Vec<Duration> = (0..repeat)
                .map(|_| {
                    let started = Instant::now();
                    f(q);
                    started.elapsed()
                })
                .collect();
            (calls[0], *calls.iter().min().expect("at least one call"))
        })
        .unzip();
    first.sort_unstable();
    least.sort_unstable();
    (first, least)
}

fn quantile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn env(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
