//! The real binary, as an operator runs it: connections that dawdle are closed, analyses stop
//! at the work limit and free the CPU, reloads that would empty the graph are refused, and
//! SIGTERM ends the process promptly. Bounded in connections, rounds and seconds.

use serde_json::Value;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `dossier serve` process on a free port; killed when dropped.
pub(crate) struct Server {
    pub(crate) child: Child,
    pub(crate) addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub(crate) fn start(args: &[&str]) -> Server {
    let port = free_port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .arg("serve")
        .arg("--addr")
        .arg(addr.to_string())
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let server = Server { child, addr };
    let started = Instant::now();
    while health(addr).is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    server
}

/// `/health` as JSON, or `None` if it does not answer within two seconds.
pub(crate) fn health(addr: SocketAddr) -> Option<Value> {
    let body = exchange(
        addr,
        "GET /health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
    )?;
    serde_json::from_str(body.split("\r\n\r\n").nth(1)?).ok()
}

fn exchange(addr: SocketAddr, request: &str) -> Option<String> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    s.write_all(request.as_bytes()).ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    Some(out)
}

fn post(addr: SocketAddr, query: &str, timeout: Duration) -> Value {
    let body = serde_json::json!({ "query": query }).to_string();
    let request = format!(
        "POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(timeout)).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    serde_json::from_str(out.split("\r\n\r\n").nth(1).unwrap()).unwrap()
}

pub(crate) fn signal(server: &Server, name: &str) {
    let ok = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(server.child.id().to_string())
        .status()
        .unwrap()
        .success();
    assert!(ok);
}

/// Whether the server closed `s` (a read returns end of file or a reset).
fn closed(s: &mut TcpStream) -> bool {
    s.set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let mut buf = [0u8; 64];
    match s.read(&mut buf) {
        Ok(0) => true,
        Ok(_) => true, // an answer to partial headers (400) before closing
        Err(e) => !matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
    }
}

/// The CPU seconds the process has used (user and system), from /proc.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / 100.0
}

#[test]
fn idle_and_partial_connections_are_closed_and_do_not_stall_anyone() {
    let data = crate::support::bundled_data_dir();
    let server = start(&[
        "--data",
        data.to_str().unwrap(),
        "--header-timeout",
        "1",
        "--idle-timeout",
        "2",
    ]);
    let a = server.addr;
    // 150 connections that send nothing and 150 that send half a request.
    let mut conns: Vec<TcpStream> = Vec::new();
    for i in 0..300 {
        let mut s = TcpStream::connect(a).unwrap();
        if i % 2 == 1 {
            s.write_all(b"POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-ty")
                .unwrap();
        }
        conns.push(s);
    }
    // The server keeps answering meanwhile.
    let h = health(a).expect("/health answers with 300 dawdling connections open");
    assert!(h["entities"].as_u64().unwrap() > 0);
    std::thread::sleep(Duration::from_millis(2500));
    let still_open = conns.iter_mut().map(closed).filter(|c| !c).count();
    assert_eq!(still_open, 0, "connections past the header timeout");
    // A kept-alive connection is closed after the idle timeout, not before.
    let mut kept = TcpStream::connect(a).unwrap();
    kept.write_all(b"GET /health HTTP/1.1\r\nhost: x\r\n\r\n")
        .unwrap();
    let mut buf = [0u8; 4096];
    let n = kept.read(&mut buf).unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    std::thread::sleep(Duration::from_millis(1200));
    assert!(!closed(&mut kept), "closed before its idle timeout");
    std::thread::sleep(Duration::from_millis(1500));
    assert!(closed(&mut kept), "still open after its idle timeout");
}

#[test]
fn sigterm_exits_promptly_with_idle_and_partial_connections_open() {
    let data = crate::support::bundled_data_dir();
    let mut server = start(&["--data", data.to_str().unwrap()]);
    let mut conns = Vec::new();
    for i in 0..50 {
        let mut s = TcpStream::connect(server.addr).unwrap();
        if i % 2 == 0 {
            s.write_all(b"GET /health HTTP/1.1\r\nhost").unwrap();
        }
        conns.push(s);
    }
    assert!(health(server.addr).is_some());
    let started = Instant::now();
    signal(&server, "TERM");
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert!(status.success(), "{status}");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "still running 3 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn many_analyses_stop_at_the_work_limit_and_free_the_cpu() {
    let dir = tempfile::tempdir().unwrap();
    let tables = dir.path().join("g");
    let status = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args([
            "generate",
            "--entities",
            "20000",
            "--relations",
            "100000",
            "--output",
        ])
        .arg(&tables)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let server = start(&[
        "--data",
        empty.to_str().unwrap(),
        "--import",
        tables.to_str().unwrap(),
        "--max-work-ms",
        "300",
    ]);
    // Twenty betweenness rankings, each over other relation kinds: each a cache miss.
    let kinds = [
        "ARRESTED",
        "DETAINED",
        "CHARGED",
        "SENTENCED",
        "DEFENDED",
        "CALLED",
        "MET",
        "MEMBER_OF",
        "CRITICISED",
        "ACCUSED",
    ];
    let mut fields = String::new();
    for i in 0..20 {
        let (a, b) = (kinds[i % kinds.len()], kinds[(i * 3 + 1) % kinds.len()]);
        fields.push_str(&format!(
            "r{i}: ranking(measure: BETWEENNESS, relationKinds: [{a}, {b}], limit: 1) {{ score }} "
        ));
    }
    let started = Instant::now();
    let r = post(
        server.addr,
        &format!("{{ {fields} }}"),
        Duration::from_secs(30),
    );
    let took = started.elapsed();
    let codes: Vec<&str> = r["errors"]
        .as_array()
        .map(|e| {
            e.iter()
                .filter_map(|e| e["extensions"]["code"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert!(
        !codes.is_empty() && codes.iter().all(|c| *c == "LIMIT_EXCEEDED"),
        "{r}"
    );
    assert!(took < Duration::from_secs(5), "answered after {took:?}");
    // Nothing goes on computing after the answer.
    std::thread::sleep(Duration::from_millis(300));
    let before = cpu_seconds(server.child.id());
    std::thread::sleep(Duration::from_millis(1000));
    let spent = cpu_seconds(server.child.id()) - before;
    assert!(spent < 0.2, "{spent} CPU seconds after the answer");
    // And the server still answers a normal query.
    let r = post(server.addr, "{ documents { id } }", Duration::from_secs(10));
    assert!(r["errors"].is_null(), "{r}");
}

#[test]
fn a_reload_that_would_empty_the_graph_is_refused_and_one_that_changes_it_moves_the_version() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    copy_dir(&crate::support::bundled_data_dir(), &data);
    let server = start(&["--data", data.to_str().unwrap()]);
    let first = health(server.addr).unwrap();
    let entities = first["entities"].as_u64().unwrap();
    // Everything moved away, then SIGHUP: refused, the graph stays.
    let aside = dir.path().join("aside");
    std::fs::rename(&data, &aside).unwrap();
    std::fs::create_dir(&data).unwrap();
    signal(&server, "HUP");
    std::thread::sleep(Duration::from_millis(1500));
    let h = health(server.addr).unwrap();
    assert_eq!(h["entities"].as_u64().unwrap(), entities, "{h}");
    assert_eq!(h["graphVersion"], first["graphVersion"]);
    // The data back, less one file's worth of change: the version moves.
    std::fs::remove_dir(&data).unwrap();
    std::fs::rename(&aside, &data).unwrap();
    let file = data.join("cnis-2023-09-22.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replacen(
            "name = \"Rail Abbasov\"",
            "name = \"Rail Abbasov (activist)\"",
            1,
        ),
    )
    .unwrap();
    signal(&server, "HUP");
    let started = Instant::now();
    loop {
        let h = health(server.addr).unwrap();
        if h["graphVersion"] != first["graphVersion"] {
            assert!(h["graphVersion"].as_u64() > first["graphVersion"].as_u64());
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the version did not move"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn serve_with_an_import_needs_no_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let tables = dir.path().join("g");
    let status = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args([
            "generate",
            "--entities",
            "100",
            "--relations",
            "300",
            "--output",
        ])
        .arg(&tables)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let server = start(&[
        "--data",
        dir.path().join("no-such-dir").to_str().unwrap(),
        "--import",
        tables.to_str().unwrap(),
    ]);
    let h = health(server.addr).unwrap();
    assert_eq!(h["entities"].as_u64().unwrap(), 100, "{h}");
}
