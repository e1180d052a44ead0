//! Accepting and keeping connections: a cap on how many are open, a timeout for a request's
//! headers and one for an idle kept-alive connection, and a shutdown that closes idle
//! connections at once and lets requests in flight finish.
//!
//! `axum::serve` installs no timer: a connection that sends half a request line, or nothing,
//! stays open for ever, and enough of them exhaust the file descriptors (then nobody is
//! served) and stall a graceful shutdown. Here every connection is served by hyper's
//! builder (hyper-util's `auto`, HTTP/1.1 and HTTP/2) under a watchdog that knows whether a
//! request is in flight on it:
//!
//! - no request in flight, and either the connection is new or bytes of a next request have
//!   arrived: it is closed `header_timeout` after it last went idle (a client that sends
//!   nothing, or headers byte by byte);
//! - no request in flight and no byte since the last response (a kept-alive connection):
//!   closed after `idle_timeout`;
//! - a request in flight: left alone (the request timeout bounds it);
//! - at shutdown: connections without a request in flight are closed at once, the others
//!   finish their response and close.
//!
//! At `max_connections` open connections, the listener stops accepting until one closes: new
//! clients wait in the kernel's backlog instead of taking descriptors from everyone. A
//! connection upgraded to a websocket leaves hyper (and this watchdog) but keeps its slot
//! until the socket closes; `socket` guards it from then on.

use super::direct::Direct;
use super::socket::Slot;
use super::App;
use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};
use tokio::time::Instant;

/// How connections are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// The most connections open at once.
    pub max_connections: usize,
    /// How long a connection may take to send a request's headers once it is waiting for one
    /// (a new connection, or bytes of a next request on a kept-alive one).
    pub header_timeout: Duration,
    /// How long a kept-alive connection may stay open with no request.
    pub idle_timeout: Duration,
}

/// What the watchdog of one connection knows of it. Shared by the connection's I/O, its
/// service and the watchdog; the lock is never held across an await.
struct Watch {
    /// Requests whose response has not been sent in full.
    in_flight: AtomicUsize,
    /// Whether bytes arrived while no request was in flight (a next request is coming).
    reading: AtomicBool,
    /// Whether the connection has served a request yet.
    served: AtomicBool,
    /// When the connection last became idle (accepted, or its last response sent).
    idle_since: Mutex<Instant>,
}

impl Watch {
    fn new() -> Watch {
        Watch {
            in_flight: AtomicUsize::new(0),
            reading: AtomicBool::new(false),
            served: AtomicBool::new(false),
            idle_since: Mutex::new(Instant::now()),
        }
    }

    fn idle_since(&self) -> Instant {
        *self.idle_since.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A request's headers were read: it is in flight until its response is sent.
    fn start(self: &Arc<Watch>) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        self.reading.store(false, Ordering::SeqCst);
        self.served.store(true, Ordering::SeqCst);
        InFlight(self.clone())
    }

    /// When the connection must close if nothing changes, or `None` while a request is in
    /// flight.
    fn deadline(&self, limits: &ConnectionLimits) -> Option<Instant> {
        if self.in_flight.load(Ordering::SeqCst) > 0 {
            return None;
        }
        let waiting_for_headers =
            !self.served.load(Ordering::SeqCst) || self.reading.load(Ordering::SeqCst);
        let timeout = if waiting_for_headers {
            limits.header_timeout
        } else {
            limits.idle_timeout
        };
        Some(self.idle_since() + timeout)
    }
}

/// A request in flight; dropped when its response body has been sent (or abandoned).
struct InFlight(Arc<Watch>);

impl Drop for InFlight {
    fn drop(&mut self) {
        if self.0.in_flight.fetch_sub(1, Ordering::SeqCst) == 1 {
            *self.0.idle_since.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
        }
    }
}

/// A response body that keeps its request in flight until it has been sent (or dropped).
struct Tracked {
    body: Body,
    _in_flight: InFlight,
}

impl hyper::body::Body for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// A socket that tells its watchdog when bytes arrive between requests.
struct Watched {
    io: TcpStream,
    watch: Arc<Watch>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.io).poll_read(cx, buf);
        if matches!(r, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            let w = &self.watch;
            if w.in_flight.load(Ordering::SeqCst) == 0 {
                w.reading.store(true, Ordering::SeqCst);
            }
        }
        r
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
}

/// Serves `app` on `listener` until `shutdown` completes; then stops accepting, closes idle
/// connections, and returns once the requests in flight have been answered.
pub(crate) async fn serve(
    listener: TcpListener,
    app: App,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => p.expect("the semaphore is never closed"),
            _ = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of descriptors or a connection reset before accept: wait, go on.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let stop = stop_rx.clone();
        // The slot is shared with a websocket the connection is upgraded to, if any: that
        // outlives the connection in hyper and keeps the slot until it closes.
        let slot = Slot::new(Arc::new(permit), stop_rx.clone());
        tokio::spawn(async move {
            serve_connection(stream, peer, app, limits, stop, slot).await;
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    // Every connection task and open socket holds a slot: all slots back means all
    // connections closed (sockets close at shutdown, see `socket`).
    let _ = slots
        .acquire_many(limits.max_connections.max(1) as u32)
        .await;
    Ok(())
}

/// Where a request goes.
enum Path {
    Direct(Arc<Direct>),
    Router(axum::Router),
}

/// Serves one connection under its watchdog.
async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    app: App,
    limits: ConnectionLimits,
    mut stop: watch::Receiver<bool>,
    slot: Slot,
) {
    let watch = Arc::new(Watch::new());
    let io = TokioIo::new(Watched {
        io: stream,
        watch: watch.clone(),
    });
    let w = watch.clone();
    // POST /graphql takes its own path (`direct`); everything else the router.
    let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        let in_flight = w.start();
        let path = match app.direct.as_ref().filter(|_| Direct::takes(&req)) {
            Some(direct) => Path::Direct(direct.clone()),
            None => {
                req.extensions_mut().insert(ConnectInfo(peer));
                req.extensions_mut().insert(slot.clone());
                Path::Router(app.router.clone())
            }
        };
        // Boxed: hyper moves the future into its own slot, and the GraphQL execution inside
        // makes it kilobytes large.
        Box::pin(async move {
            let response = match path {
                Path::Direct(direct) => direct.serve(req, peer).await,
                Path::Router(router) => {
                    let Ok(r) = tower::ServiceExt::oneshot(router, req.map(Body::new)).await;
                    r
                }
            };
            // The request stays in flight until its body has been sent or dropped.
            Ok::<_, std::convert::Infallible>(response.map(move |body| Tracked {
                body,
                _in_flight: in_flight,
            }))
        })
    });
    let builder = Builder::new(TokioExecutor::new());
    let conn = builder.serve_connection_with_upgrades(io, service);
    let mut conn = std::pin::pin!(conn);
    let mut stopping = false;
    loop {
        let deadline = watch.deadline(&limits);
        let wake = deadline.unwrap_or_else(|| Instant::now() + Duration::from_millis(250));
        tokio::select! {
            _ = conn.as_mut() => return,
            _ = stop.changed(), if !stopping => {
                stopping = true;
                conn.as_mut().graceful_shutdown();
                if watch.in_flight.load(Ordering::SeqCst) == 0 {
                    return; // nothing to finish: close now
                }
            }
            _ = tokio::time::sleep_until(wake) => {
                if stopping && watch.in_flight.load(Ordering::SeqCst) == 0 {
                    return;
                }
                if let Some(d) = watch.deadline(&limits) {
                    if Instant::now() >= d {
                        tracing::debug!(%peer, "closing a connection idle past its timeout");
                        return;
                    }
                }
            }
        }
    }
}
