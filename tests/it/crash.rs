//! Crashes of the real binary while it takes writes: client threads stream mutations, the
//! server is killed (SIGKILL) at a random moment, and restarted on the same state directory,
//! round after round. After each restart every acknowledged write is there, nothing is half
//! made (a merge moves the entity, its name and its relation together or not at all), and the
//! write in flight, retried with its idempotency key, is made once. Seeded: the seed is
//! printed, and `DOSSIER_CRASH_SEED` replays its schedule of kills.

use crate::process::{free_port, health, Server};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Kills and restarts.
const ROUNDS: usize = 24;
/// Client threads writing at once, each to its own entities.
const WRITERS: usize = 2;
/// Entities checked per request (three root fields each).
const CHUNK: usize = 60;

/// splitmix64: a small seeded generator, so that a failing run can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low)
    }
}

/// `dossier serve` over the bundled data, taking writes into `state`, logging to `log`.
fn start(state: &Path, token_line: &str, log: &Path) -> Server {
    let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .arg("serve")
        .arg("--addr")
        .arg(addr.to_string())
        .arg("--data")
        .arg(crate::support::bundled_data_dir())
        .arg("--state")
        .arg(state)
        .args(["--write-tokens", token_line])
        .args(["--max-aliases", "400", "--max-root-fields", "400"])
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let server = Server { child, addr };
    let started = Instant::now();
    while health(addr).is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the server did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    server
}

/// A GraphQL request; the status and the body, or `None` when the connection failed or the
/// answer was cut short (the server was killed).
fn post(addr: SocketAddr, secret: Option<&str>, query: &str) -> Option<(u16, Value)> {
    let body = json!({ "query": query }).to_string();
    let auth = secret
        .map(|s| format!("authorization: Bearer {s}\r\n"))
        .unwrap_or_default();
    let request = format!(
        "POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n{auth}content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    s.write_all(request.as_bytes()).ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    let status = out.get(9..12)?.parse().ok()?;
    let body = serde_json::from_str(out.split("\r\n\r\n").nth(1)?).ok()?;
    Some((status, body))
}

/// One writer's planned writes: for its entities `a = 2p` and `b = 2p + 1`, upsert `a`,
/// relate `a` to rail-abbasov, upsert `b`, relate `b`, merge `b` into `a`.
#[derive(Debug, Clone, Copy)]
enum Step {
    Upsert(usize),
    Relate(usize),
    Merge { keep: usize, merged: usize },
}

fn step(s: usize) -> Step {
    let (a, b) = (s / 5 * 2, s / 5 * 2 + 1);
    match s % 5 {
        0 => Step::Upsert(a),
        1 => Step::Relate(a),
        2 => Step::Upsert(b),
        3 => Step::Relate(b),
        _ => Step::Merge { keep: a, merged: b },
    }
}

fn entity(w: usize, n: usize) -> String {
    format!("e-{w}-{n}")
}

fn name(w: usize, n: usize) -> String {
    format!("Person {w} {n}")
}

fn relation(w: usize, n: usize) -> String {
    format!("e-{w}-{n}.met.rail-abbasov")
}

/// Writer `w`'s step `s` as a mutation, with its idempotency key.
fn mutation(w: usize, s: usize) -> String {
    let key = format!("k-{w}-{s}");
    match step(s) {
        Step::Upsert(n) => format!(
            "mutation {{ upsertEntity(input: {{id: \"{}\", kind: PERSON, name: \"{}\"}}, idempotencyKey: \"{key}\") {{ id }} }}",
            entity(w, n),
            name(w, n)
        ),
        Step::Relate(n) => format!(
            "mutation {{ addRelation(input: {{kind: MET, from: \"{}\", to: \"rail-abbasov\", citations: [{{document: \"cnis-2023-09-22\", quote: \"Rail Abbasov\"}}]}}, idempotencyKey: \"{key}\") {{ id }} }}",
            entity(w, n)
        ),
        Step::Merge { keep, merged } => format!(
            "mutation {{ mergeEntities(keep: \"{}\", merge: [\"{}\"], idempotencyKey: \"{key}\") {{ id }} }}",
            entity(w, keep),
            entity(w, merged)
        ),
    }
}

/// Whether an answer acknowledges the write: 200 with data and no error.
fn acknowledged(answer: &Option<(u16, Value)>) -> bool {
    matches!(answer, Some((200, body)) if body["errors"].is_null() && !body["data"].is_null())
}

/// Writes writer `w`'s steps from `from` on until one is not acknowledged; the number of
/// steps acknowledged by then. An answer that refuses a write is a failure of the test.
fn write_until_killed(addr: SocketAddr, secret: &str, w: usize, from: usize) -> usize {
    let mut s = from;
    loop {
        let answer = post(addr, Some(secret), &mutation(w, s));
        if acknowledged(&answer) {
            s += 1;
            continue;
        }
        if let Some((status, body)) = &answer {
            panic!(
                "writer {w}, step {s} ({:?}) was refused: {status} {body}",
                step(s)
            );
        }
        return s;
    }
}

/// What the server shows of writer `w`'s entities: each one's id as it resolves now and its
/// aliases, its relation's `from`, and whether a second copy of the relation exists.
#[derive(Debug, Default)]
struct Seen {
    entities: Vec<Option<(String, Vec<String>)>>,
    relations: Vec<Option<String>>,
    copies: Vec<bool>,
}

fn look(addr: SocketAddr, w: usize, count: usize) -> Seen {
    let mut seen = Seen::default();
    for first in (0..count).step_by(CHUNK) {
        let ns: Vec<usize> = (first..count.min(first + CHUNK)).collect();
        let mut query = String::from("{ ");
        for &n in &ns {
            query.push_str(&format!(
                "e{n}: entity(id: \"{}\") {{ id aliases }} r{n}: relation(id: \"{}\") {{ from {{ id }} }} c{n}: relation(id: \"{}.2\") {{ id }} ",
                entity(w, n),
                relation(w, n),
                relation(w, n)
            ));
        }
        query.push('}');
        let (status, body) = post(addr, None, &query).expect("the server answers");
        assert!(status == 200 && body["errors"].is_null(), "{body}");
        let data = &body["data"];
        for n in ns {
            let e = &data[format!("e{n}")];
            seen.entities.push((!e.is_null()).then(|| {
                let aliases = e["aliases"].as_array().unwrap();
                (
                    e["id"].as_str().unwrap().to_owned(),
                    aliases
                        .iter()
                        .map(|a| a.as_str().unwrap().to_owned())
                        .collect(),
                )
            }));
            let r = &data[format!("r{n}")];
            seen.relations
                .push((!r.is_null()).then(|| r["from"]["id"].as_str().unwrap().to_owned()));
            seen.copies.push(!data[format!("c{n}")].is_null());
        }
    }
    seen
}

/// Whether a step is made, absent, or half made (and how).
#[derive(Debug, PartialEq)]
enum State {
    Made,
    Absent,
    Half(String),
}

fn state(w: usize, s: usize, seen: &Seen) -> State {
    let made = |yes: bool| if yes { State::Made } else { State::Absent };
    match step(s) {
        Step::Upsert(n) => made(seen.entities[n].is_some()),
        Step::Relate(n) => made(seen.relations[n].is_some()),
        Step::Merge { keep, merged } => {
            let (Some((now, _)), Some((_, aliases)), Some(from)) = (
                &seen.entities[merged],
                &seen.entities[keep],
                &seen.relations[merged],
            ) else {
                return State::Half(format!(
                    "the entities or relation merged are gone: {seen:?}"
                ));
            };
            let parts = [
                *now == entity(w, keep),
                *from == entity(w, keep),
                aliases.contains(&name(w, merged)),
            ];
            if parts.iter().all(|&p| p) {
                State::Made
            } else if parts.iter().all(|&p| !p) && *now == entity(w, merged) {
                State::Absent
            } else {
                State::Half(format!(
                    "{} resolves to {now}, its relation is from {from}, {}'s aliases are {aliases:?}",
                    entity(w, merged),
                    entity(w, keep)
                ))
            }
        }
    }
}

/// Entities writer `w` has touched in steps before `steps`.
fn entities_in(steps: usize) -> usize {
    (steps / 5 * 2 + 2).max(2)
}

/// Checks writer `w` after a crash: its `done` acknowledged steps made, step `done` (in flight,
/// or not sent) made or absent but whole, none after it made, and no relation twice.
fn check(addr: SocketAddr, w: usize, done: usize) -> State {
    let count = entities_in(done + 2);
    let seen = look(addr, w, count);
    for s in 0..done {
        assert_eq!(
            state(w, s, &seen),
            State::Made,
            "writer {w}: acknowledged step {s} ({:?}) after a crash",
            step(s)
        );
    }
    let in_flight = state(w, done, &seen);
    assert!(
        !matches!(in_flight, State::Half(_)),
        "writer {w}: step {done} ({:?}) was half made: {in_flight:?}",
        step(done)
    );
    // The step after it was never sent.
    if let Step::Upsert(n) = step(done + 1) {
        assert!(seen.entities[n].is_none(), "writer {w}: {n} made unasked");
    }
    let copies: Vec<usize> = (0..count).filter(|&n| seen.copies[n]).collect();
    assert!(
        copies.is_empty(),
        "writer {w}: relations made twice: {copies:?}"
    );
    in_flight
}

#[test]
fn every_acknowledged_write_survives_sigkill_and_nothing_is_half_made() {
    let seed = std::env::var("DOSSIER_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    println!("crash test seed: {seed} (DOSSIER_CRASH_SEED={seed} replays its kills)");
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().unwrap();
    let state_dir = dir.path().join("state");
    let log = dir.path().join("serve.log");
    let token = dossier::cli::token::new("crash").unwrap();
    let mut done = [0usize; WRITERS];
    let mut in_flight_made = 0;
    let started = Instant::now();
    for round in 0..=ROUNDS {
        let mut server = start(&state_dir, &token.line, &log);
        let addr = server.addr;
        for (w, done) in done.iter_mut().enumerate() {
            if check(addr, w, *done) == State::Made {
                in_flight_made += 1;
            }
            // The write in flight, retried with its key: made once, now or before.
            let answer = post(addr, Some(&token.secret), &mutation(w, *done));
            assert!(acknowledged(&answer), "retry of {w}/{done}: {answer:?}");
            *done += 1;
            assert_eq!(check(addr, w, *done), State::Absent);
        }
        if round == ROUNDS {
            break;
        }
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                let (secret, from) = (token.secret.clone(), done[w]);
                std::thread::spawn(move || write_until_killed(addr, &secret, w, from))
            })
            .collect();
        std::thread::sleep(Duration::from_millis(rng.between(30, 400)));
        server.child.kill().unwrap();
        server.child.wait().unwrap();
        for (w, writer) in writers.into_iter().enumerate() {
            done[w] = writer.join().unwrap();
        }
    }
    // Every write made is one change in the journal: none twice, none lost.
    let journal = dossier::journal::Sqlite::open(&state_dir).unwrap();
    use dossier::journal::Journal;
    let total: usize = done.iter().sum();
    assert_eq!(journal.last().unwrap() as usize, total);
    println!(
        "{ROUNDS} kills, {total} writes acknowledged or retried, {in_flight_made} writes in flight were made before the kill, {:?}",
        started.elapsed()
    );
    assert!(total > ROUNDS * WRITERS * 2, "too few writes to mean much");
}
