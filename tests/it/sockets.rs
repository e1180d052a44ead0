//! Subscription sockets under the guards every connection has, against the real binary: an
//! open socket keeps its slot under `--max-connections`, one with nothing subscribed and
//! nothing sent is closed after `--idle-timeout` while a quiet subscriber stays, a message
//! over 64 KiB closes it, and SIGTERM closes them and exits promptly. Bounded in seconds.

use crate::process::{health, signal, start, Server};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A socket to `/graphql/ws` speaking graphql-transport-ws.
async fn open(server: &Server) -> Socket {
    let mut request = format!("ws://{}/graphql/ws", server.addr)
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    socket
}

async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::text(message.to_string()))
        .await
        .unwrap();
}

/// A socket opened and acknowledged (`connection_init`, `connection_ack`).
async fn ready(server: &Server) -> Socket {
    let mut socket = open(server).await;
    send(&mut socket, json!({ "type": "connection_init" })).await;
    match next(&mut socket, Duration::from_secs(5)).await {
        Heard::Message(m) if m["type"] == "connection_ack" => socket,
        other => panic!("no connection_ack: {other:?}"),
    }
}

/// What the server did next on a socket.
#[derive(Debug)]
enum Heard {
    /// A message, as JSON.
    Message(Value),
    /// It closed the socket, with this close code if it sent one.
    Closed(Option<u16>),
    /// Nothing within the time given.
    Nothing,
}

/// The next message or close within `within`, answering pings meanwhile (as any client does
/// while it reads).
async fn next(socket: &mut Socket, within: Duration) -> Heard {
    let until = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(until, socket.next()).await {
            Err(_) => return Heard::Nothing,
            Ok(Some(Ok(Message::Text(t)))) => {
                return Heard::Message(serde_json::from_str(t.as_str()).unwrap())
            }
            Ok(Some(Ok(Message::Close(frame)))) => {
                return Heard::Closed(frame.map(|f| u16::from(f.code)))
            }
            Ok(Some(Ok(_))) => continue,
            Ok(Some(Err(_)) | None) => return Heard::Closed(None),
        }
    }
}

/// A state directory and a write token for alice: the server arguments and her secret.
fn writer(state: &std::path::Path) -> (Vec<String>, String) {
    let token = dossier::cli::token::new("alice").unwrap();
    let args = vec![
        "--data".to_owned(),
        crate::support::bundled_data_dir().display().to_string(),
        "--state".to_owned(),
        state.display().to_string(),
        "--write-tokens".to_owned(),
        token.line,
    ];
    (args, token.secret)
}

fn args(list: &[String]) -> Vec<&str> {
    list.iter().map(String::as_str).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_socket_keeps_its_slot_under_the_connection_cap() {
    let data = crate::support::bundled_data_dir();
    let server = start(&[
        "--data",
        data.to_str().unwrap(),
        "--max-connections",
        "2",
        "--idle-timeout",
        "30",
    ]);
    let addr = server.addr;
    let mut a = ready(&server).await;
    let _b = ready(&server).await;
    let answered = tokio::task::spawn_blocking(move || health(addr))
        .await
        .unwrap();
    assert!(
        answered.is_none(),
        "a third connection was served with two sockets open under a cap of two"
    );
    a.close(None).await.unwrap();
    while a.next().await.is_some() {}
    let started = Instant::now();
    loop {
        if tokio::task::spawn_blocking(move || health(addr))
            .await
            .unwrap()
            .is_some()
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(8),
            "no slot came back when a socket closed"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_socket_with_nothing_subscribed_is_closed_when_idle_and_a_quiet_subscriber_is_kept() {
    let state = tempfile::tempdir().unwrap();
    let (mut list, secret) = writer(state.path());
    list.extend(["--idle-timeout".to_owned(), "1".to_owned()]);
    let server = start(&args(&list));
    let started = Instant::now();
    let mut idle = ready(&server).await;
    let mut subscriber = ready(&server).await;
    send(
        &mut subscriber,
        json!({
            "id": "1",
            "type": "subscribe",
            "payload": { "query": "subscription { changes(near: \"rail-abbasov\") { id operation } }" }
        }),
    )
    .await;
    match next(&mut idle, Duration::from_secs(4)).await {
        Heard::Closed(Some(1000)) => {}
        other => panic!("an idle socket was not closed: {other:?}"),
    }
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(900), "closed after {took:?}");
    // Silent for over twice the idle timeout, it is still subscribed.
    match next(&mut subscriber, Duration::from_millis(1500)).await {
        Heard::Nothing => {}
        other => panic!("the subscriber heard {other:?}"),
    }
    let mutation = json!({
        "query": "mutation { upsertEntity(input: {id: \"rail-abbasov\", kind: PERSON, name: \"Rail Abbasov\", aliases: [\"R. Abbasov\"]}) { id } }"
    });
    let answer: Value = reqwest::Client::new()
        .post(format!("http://{}/graphql", server.addr))
        .bearer_auth(&secret)
        .json(&mutation)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(answer["errors"].is_null(), "{answer}");
    match next(&mut subscriber, Duration::from_secs(5)).await {
        Heard::Message(m) => {
            assert_eq!(m["type"], "next", "{m}");
            assert_eq!(m["payload"]["data"]["changes"]["operation"], "upsertEntity");
        }
        other => panic!("the change did not arrive: {other:?}"),
    }
    // Its subscription completed, the subscriber is idle too.
    send(&mut subscriber, json!({ "id": "1", "type": "complete" })).await;
    loop {
        match next(&mut subscriber, Duration::from_secs(4)).await {
            Heard::Message(m) if m["type"] == "complete" => continue,
            Heard::Closed(Some(1000)) => break,
            other => panic!("an idle socket was not closed: {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_over_64_kib_closes_the_socket() {
    let data = crate::support::bundled_data_dir();
    let server = start(&["--data", data.to_str().unwrap(), "--idle-timeout", "30"]);
    let mut socket = ready(&server).await;
    // Under the limit: answered.
    let pad = "x".repeat(60 * 1024);
    send(
        &mut socket,
        json!({ "type": "ping", "payload": { "pad": pad } }),
    )
    .await;
    match next(&mut socket, Duration::from_secs(5)).await {
        Heard::Message(m) if m["type"] == "pong" => {}
        other => panic!("no pong: {other:?}"),
    }
    let pad = "x".repeat(65 * 1024);
    // The server may close before the client has sent it all.
    let _ = socket
        .send(Message::text(
            json!({ "type": "ping", "payload": { "pad": pad } }).to_string(),
        ))
        .await;
    match next(&mut socket, Duration::from_secs(5)).await {
        Heard::Closed(Some(1009)) => {}
        other => panic!("a message over 64 KiB did not close the socket: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_closes_the_sockets_and_exits_promptly() {
    let state = tempfile::tempdir().unwrap();
    let (list, _) = writer(state.path());
    let mut server = start(&args(&list));
    let mut subscriber = ready(&server).await;
    send(
        &mut subscriber,
        json!({
            "id": "1",
            "type": "subscribe",
            "payload": { "query": "subscription { changes { id } }" }
        }),
    )
    .await;
    let mut idle = ready(&server).await;
    let started = Instant::now();
    signal(&server, "TERM");
    for socket in [&mut subscriber, &mut idle] {
        match next(socket, Duration::from_secs(3)).await {
            Heard::Closed(Some(1001)) => {}
            other => panic!("a socket was not closed at shutdown: {other:?}"),
        }
    }
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert!(status.success(), "{status}");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "still running 3 s after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
