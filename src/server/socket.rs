//! Subscriptions over a websocket (`GET /graphql/ws`), under the guards every connection has.
//!
//! Once upgraded, a socket leaves hyper and with it the per-connection watchdog of
//! `connections`, so it brings its own guards:
//!
//! - it keeps its slot under `--max-connections` until it closes ([`Slot`]);
//! - with no subscription running and nothing from the client for the idle timeout, it is
//!   closed (1000). With a subscription running it stays open however quiet the feed; a
//!   client silent for the idle timeout is sent a ping, and one that does not answer within
//!   another idle timeout is gone (closed, 1001);
//! - a message over [`MAX_MESSAGE`] closes it (1009);
//! - at shutdown it is closed (1001), so a graceful stop does not wait for subscribers.
//!
//! async-graphql's own `keepalive_timeout` is not used: it closes a socket when the client
//! sends nothing for the timeout, subscription running or not, and graphql-ws clients send
//! nothing while they listen.

use crate::graphql::DossierSchema;
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures_util::{SinkExt, StreamExt};
use hashbrown::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{watch, OwnedSemaphorePermit};
use tokio::time::Instant;

/// The largest message a client may send on a socket, in bytes.
pub const MAX_MESSAGE: usize = 64 * 1024;

/// What an upgraded connection takes with it out of hyper: its slot under the connection cap
/// (given back when the last holder drops it) and the server's shutdown signal.
#[derive(Clone)]
pub(crate) struct Slot {
    _permit: Arc<OwnedSemaphorePermit>,
    stop: watch::Receiver<bool>,
}

impl Slot {
    /// A slot holding `permit`, told of shutdown by `stop`.
    pub(crate) fn new(permit: Arc<OwnedSemaphorePermit>, stop: watch::Receiver<bool>) -> Slot {
        Slot {
            _permit: permit,
            stop,
        }
    }

    /// Completes when the server is shutting down.
    async fn stopping(&mut self) {
        // An error means the server is gone: stop too.
        let _ = self.stop.wait_for(|stop| *stop).await;
    }
}

/// What the guards know of a socket. Shared by its reading half, its writing half and its
/// watchdog; the lock is never held across an await.
struct Activity {
    /// When the client last sent a frame (any: a message, a ping, a pong).
    heard: Instant,
    /// The ids of the operations running (subscribed, not completed yet).
    running: HashSet<String>,
    /// Whether the client sent a message over [`MAX_MESSAGE`].
    too_big: bool,
}

/// The `type` and `id` of a graphql-transport-ws (or graphql-ws) message.
#[derive(serde::Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: String,
    id: Option<String>,
}

fn envelope(message: &Message) -> Option<Envelope> {
    match message {
        Message::Text(t) => serde_json::from_str(t.as_str()).ok(),
        Message::Binary(b) => serde_json::from_slice(b).ok(),
        _ => None,
    }
}

impl Activity {
    fn heard(&mut self, frame: &Result<Message, axum::Error>) {
        self.heard = Instant::now();
        match frame {
            Ok(message) => {
                if let Some(Envelope { kind, id: Some(id) }) = envelope(message) {
                    match kind.as_str() {
                        "subscribe" | "start" => {
                            self.running.insert(id);
                        }
                        "complete" | "stop" => {
                            self.running.remove(&id);
                        }
                        _ => {}
                    }
                }
            }
            Err(e) => {
                // tungstenite's "Space limit exceeded: Message too long": nothing else in
                // its errors names the message size.
                if format!("{e}").contains("too long") {
                    self.too_big = true;
                }
            }
        }
    }

    fn said(&mut self, message: &Message) {
        if let Some(Envelope { kind, id: Some(id) }) = envelope(message) {
            if kind == "complete" || kind == "error" {
                self.running.remove(&id);
            }
        }
    }
}

fn lock(activity: &Mutex<Activity>) -> std::sync::MutexGuard<'_, Activity> {
    activity.lock().unwrap_or_else(|e| e.into_inner())
}

/// Why a socket was closed by its guards.
enum End {
    /// The client closed it, or the protocol ended it.
    Finished,
    /// Nothing running and nothing heard for the idle timeout.
    Idle,
    /// A subscription running, and no answer to a ping.
    Gone,
    /// The server is shutting down.
    Shutdown,
}

/// Serves GraphQL over `socket` until the client closes it or a guard does.
pub(crate) async fn serve(
    socket: WebSocket,
    schema: DossierSchema,
    protocol: GraphQLProtocol,
    idle: Duration,
    mut slot: Option<Slot>,
) {
    let activity = Arc::new(Mutex::new(Activity {
        heard: Instant::now(),
        running: HashSet::new(),
        too_big: false,
    }));
    let (sink, input) = socket.split();
    // The writing half is shared with the watchdog (pings, and the close frame at the end).
    let sink = Arc::new(tokio::sync::Mutex::new(sink));
    let heard = activity.clone();
    let input = input.map(move |frame| {
        lock(&heard).heard(&frame);
        frame
    });
    let said = activity.clone();
    let output = futures_util::sink::unfold(sink.clone(), move |sink, message: Message| {
        lock(&said).said(&message);
        async move {
            sink.lock().await.send(message).await?;
            Ok::<_, axum::Error>(sink)
        }
    });
    let graphql = GraphQLWebSocket::new_with_pair(output, input, schema, protocol).serve();
    let end = tokio::select! {
        _ = graphql => End::Finished,
        end = watchdog(&activity, idle, &sink) => end,
        _ = async { match slot.as_mut() {
            Some(s) => s.stopping().await,
            None => std::future::pending().await,
        } } => End::Shutdown,
    };
    let (code, reason) = match end {
        End::Finished if lock(&activity).too_big => (
            1009,
            format!("a message is at most {} KiB", MAX_MESSAGE / 1024),
        ),
        End::Finished => return,
        End::Idle => (
            1000,
            format!(
                "nothing was subscribed or sent for {} s",
                idle.as_secs_f64()
            ),
        ),
        End::Gone => (1001, "no answer to a ping".to_owned()),
        End::Shutdown => (1001, "the server is shutting down".to_owned()),
    };
    tracing::debug!(code, %reason, "closing a socket");
    let mut sink = sink.lock().await;
    let close = Message::Close(Some(CloseFrame {
        code,
        reason: reason.into(),
    }));
    // A client already gone is not an error.
    let _ = tokio::time::timeout(Duration::from_secs(1), sink.send(close)).await;
}

/// Completes when the socket must close: idle with nothing running, or a subscriber that
/// stopped answering.
async fn watchdog<S>(
    activity: &Mutex<Activity>,
    idle: Duration,
    sink: &tokio::sync::Mutex<S>,
) -> End
where
    S: futures_util::Sink<Message> + Unpin,
{
    let mut pinged: Option<Instant> = None;
    loop {
        let (heard, running) = {
            let a = lock(activity);
            (a.heard, !a.running.is_empty())
        };
        if let Some(at) = pinged {
            if heard >= at {
                pinged = None;
            } else if Instant::now() >= at + idle {
                return End::Gone;
            } else {
                tokio::time::sleep_until(at + idle).await;
                continue;
            }
        }
        let due = heard + idle;
        if Instant::now() < due {
            tokio::time::sleep_until(due).await;
            continue;
        }
        if !running {
            return End::Idle;
        }
        let at = Instant::now();
        if sink
            .lock()
            .await
            .send(Message::Ping(Default::default()))
            .await
            .is_err()
        {
            return End::Gone;
        }
        pinged = Some(at);
    }
}
