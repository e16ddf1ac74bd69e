//! The accept loop of the dev server, with the guards `axum::serve` lacks:
//! a cap on open connections and a deadline for each request's header.
//!
//! - A client has [`HEADER_TIMEOUT`] to send a request's header, on a new
//!   connection and between requests on a kept-alive one; then hyper closes
//!   it. 300 slowloris sockets (a header one byte a minute) used to stay open
//!   for ever.
//! - At most [`MAX_CONNECTIONS`] connections are served at once; more wait in
//!   the kernel's backlog until one closes, rather than using up the
//!   process's file descriptors (1,100 idle sockets under `ulimit -n 1024`
//!   froze the server).
//! - A failed `accept` (out of file descriptors) backs off briefly instead
//!   of spinning.
//!
//! Live-reload streams are requests like any other: they hold a connection
//! while a page is open and end when the server stops.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};

/// Time a client has to send a whole request header.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections served at once; each holds a file descriptor.
pub const MAX_CONNECTIONS: usize = 512;

/// Limits of the accept loop; [`Default`] gives the constants above.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    pub header_timeout: Duration,
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_timeout: HEADER_TIMEOUT,
            max_connections: MAX_CONNECTIONS,
        }
    }
}

/// Serves `app` on `listener` until `stop` turns true; connections then
/// finish the request they are on.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    mut stop: watch::Receiver<bool>,
) {
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    loop {
        let permit = tokio::select! {
            p = permits.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => return,
            },
            _ = stopped(&mut stop) => return,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => {
                    // Most likely out of file descriptors: let some close.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = stopped(&mut stop) => return,
        };
        let service = TowerToHyperService::new(app.clone());
        let mut stop = stop.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout);
            let conn = builder.serve_connection(TokioIo::new(stream), service);
            let mut conn = std::pin::pin!(conn);
            let mut stopping = false;
            loop {
                tokio::select! {
                    _ = conn.as_mut() => return,
                    _ = stopped(&mut stop), if !stopping => {
                        stopping = true;
                        conn.as_mut().graceful_shutdown();
                    }
                }
            }
        });
    }
}

/// Resolves once `stop` is true (the guard `wait_for` returns is dropped
/// here: it must not live across an await of the accept loop).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}
