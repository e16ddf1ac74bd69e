//! `grassroots serve`: build, serve over HTTP, watch, rebuild, live reload.
//!
//! Threads: the HTTP server runs on a small tokio runtime; the watcher's
//! debouncer feeds a rebuild thread, which builds ([`rebuild`]), switches
//! the served folder and tells browsers over Server-Sent Events
//! ([`livereload`]). A failed build is printed and shown over the page, and
//! the last good build keeps being served; nothing a site contains stops
//! the server.

pub mod http;
pub mod listen;
pub mod livereload;
pub mod rebuild;
pub mod watch;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::sync::{broadcast, watch as tokio_watch};

use crate::error::{Error, ErrorKind, Result};
use crate::index::SearchJob;
use crate::options::BuildOptions;
use livereload::Event;
use rebuild::{Outcome, Rebuilder};
use watch::{Message, Watcher};

/// What `grassroots serve` was asked for.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site; `output_dir` is ignored (builds go to a temporary folder).
    pub build: BuildOptions,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// How long the sources must be quiet before a rebuild.
    pub debounce: Duration,
    /// Print nothing (tests).
    pub quiet: bool,
    /// Header deadline and open-connection cap.
    pub connections: listen::ConnectionLimits,
}

impl ServeOptions {
    pub fn new(build: BuildOptions) -> ServeOptions {
        ServeOptions {
            build,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 1111,
            // An editor's save (write, or write a temporary file and
            // rename it) lands within a millisecond or two; waiting longer
            // only delays the page. A save spread over more time costs an
            // extra rebuild, which is correct either way.
            debounce: Duration::from_millis(10),
            quiet: false,
            connections: listen::ConnectionLimits::default(),
        }
    }
}

/// What requests see: the build being served and the current error.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The folder of the last good build (canonical); `None` before one.
    pub root: Option<PathBuf>,
    /// Names the last good build; pages carry it so the live-reload script
    /// can tell a stale page.
    pub build: String,
    /// The last build's error, if it failed.
    pub error: Option<String>,
    /// While a whole-site build runs: the files whose change started it.
    pub rebuilding: Option<String>,
}

/// Shared between the HTTP handlers and the rebuild thread.
pub struct State {
    snapshot: RwLock<Snapshot>,
    events: broadcast::Sender<Event>,
    shutdown: tokio_watch::Sender<bool>,
    /// Distinguishes this server's builds from a previous run's.
    nonce: String,
    good_builds: std::sync::atomic::AtomicU64,
}

impl State {
    pub fn snapshot(&self) -> Snapshot {
        self.snapshot
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Tells the browsers a whole-site build started: their pages are about
    /// to be stale. `reason` names the changed files.
    fn announce_rebuilding(&self, reason: String) {
        self.snapshot
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .rebuilding = Some(reason.clone());
        let _ = self.events.send(Event::Rebuilding { reason });
    }

    /// Records a build's outcome and tells the browsers.
    fn publish(&self, outcome: &Outcome) {
        let event = {
            let mut s = self.snapshot.write().unwrap_or_else(|e| e.into_inner());
            s.rebuilding = None;
            match &outcome.result {
                Ok(built) => {
                    let n = self
                        .good_builds
                        .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
                        + 1;
                    s.root = Some(built.root.clone());
                    s.build = format!("{}-{n}", self.nonce);
                    s.error = None;
                    if built.css_only {
                        Event::Css {
                            build: s.build.clone(),
                        }
                    } else {
                        Event::Reload {
                            build: s.build.clone(),
                        }
                    }
                }
                Err(e) => {
                    let message = e.to_string();
                    s.error = Some(message.clone());
                    Event::Error { message }
                }
            }
        };
        // No receivers (no browser open) is fine.
        let _ = self.events.send(event);
    }
}

/// A running development server.
pub struct Server {
    addr: SocketAddr,
    state: Arc<State>,
    runtime: Option<tokio::runtime::Runtime>,
    messages: mpsc::Sender<Message>,
    rebuild_thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Binds, builds the site, starts serving and watching. Fails only when
    /// the server cannot start (the port is taken, the site folder is
    /// missing); a site that does not build is served as an error page.
    pub fn start(opts: ServeOptions) -> Result<Server> {
        let site = &opts.build.site_dir;
        if !site.is_dir() {
            return Err(
                Error::in_file(ErrorKind::Server, site, "the site folder does not exist")
                    .hint("pass the folder holding config.toml: grassroots serve SITE"),
            );
        }
        let listener = TcpListener::bind((opts.bind, opts.port)).map_err(|e| {
            Error::new(
                ErrorKind::Server,
                format!(
                    "could not listen on {}: {e}",
                    SocketAddr::new(opts.bind, opts.port)
                ),
            )
            .hint("choose another port with --port (0 picks a free one)")
        })?;
        listener.set_nonblocking(true).map_err(|e| {
            Error::new(
                ErrorKind::Server,
                format!("could not set up the socket: {e}"),
            )
        })?;
        let addr = listener.local_addr().map_err(|e| {
            Error::new(
                ErrorKind::Server,
                format!("could not set up the socket: {e}"),
            )
        })?;

        let nonce = format!(
            "{:x}",
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_millis())
                .unwrap_or(0)
        );
        let (events, _) = broadcast::channel(16);
        let (shutdown, _) = tokio_watch::channel(false);
        let state = Arc::new(State {
            snapshot: RwLock::new(Snapshot {
                root: None,
                build: format!("{nonce}-0"),
                error: None,
                rebuilding: None,
            }),
            events,
            shutdown,
            nonce,
            good_builds: Default::default(),
        });

        // The first build, before the first request.
        // Whole-site builds show the render stage's progress bar (on a
        // terminal, for big sites); tests ask for quiet.
        let mut build = opts.build.clone();
        build.progress &= !opts.quiet;
        let mut rebuilder = Rebuilder::new(build)?;
        let outcome = rebuilder.rebuild(&[]);
        report(&outcome, &[], opts.quiet, true);
        state.publish(&outcome);

        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("grassroots-http")
            .enable_all()
            .build()
            .map_err(|e| {
                Error::new(
                    ErrorKind::Server,
                    format!("could not start the HTTP server: {e}"),
                )
            })?;
        let app = http::router(state.clone());
        let stop = state.shutdown.subscribe();
        runtime.block_on(async {
            let listener = tokio::net::TcpListener::from_std(listener).map_err(|e| {
                Error::new(
                    ErrorKind::Server,
                    format!("could not set up the socket: {e}"),
                )
            })?;
            tokio::spawn(listen::serve(listener, app, opts.connections, stop));
            Ok::<_, Error>(())
        })?;

        let (tx, rx) = mpsc::channel();
        let mut watcher = Watcher::new(site, opts.debounce, tx.clone())?;
        for problem in watcher.update(rebuilder.options()) {
            log(opts.quiet, &format!("warning: {problem}"));
        }
        let thread_state = state.clone();
        let quiet = opts.quiet;
        let rebuild_thread = std::thread::Builder::new()
            .name("grassroots-rebuild".into())
            .spawn(move || rebuild_loop(rx, watcher, rebuilder, thread_state, quiet))
            .map_err(|e| {
                Error::new(
                    ErrorKind::Server,
                    format!("could not start the rebuild thread: {e}"),
                )
            })?;

        Ok(Server {
            addr,
            state,
            runtime: Some(runtime),
            messages: tx,
            rebuild_thread: Some(rebuild_thread),
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The URL to open in a browser (a loopback address when the server
    /// listens on every address).
    pub fn url(&self) -> String {
        let ip = match self.addr.ip() {
            IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        format!("http://{}/", SocketAddr::new(ip, self.addr.port()))
    }

    /// What requests see now.
    pub fn snapshot(&self) -> Snapshot {
        self.state.snapshot()
    }

    /// Stops watching and serving; returns when the threads have ended.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let _ = self.state.shutdown.send(true);
        let _ = self.messages.send(Message::Stop);
        if let Some(t) = self.rebuild_thread.take() {
            let _ = t.join();
        }
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_timeout(Duration::from_secs(1));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// How long the sources must stay quiet after an edit before the search
/// index is brought up to date.
const SEARCH_AFTER_QUIET: Duration = Duration::from_millis(300);

/// Waits for changes and rebuilds, one build at a time; changes that arrive
/// during a build are gathered into the next one.
fn rebuild_loop(
    rx: mpsc::Receiver<Message>,
    mut watcher: Watcher,
    mut rebuilder: Rebuilder,
    state: Arc<State>,
    quiet: bool,
) {
    // Dropping the watcher at the end stops its thread; dropping the
    // sender lets the search worker finish.
    let (search_tx, search_rx) = mpsc::channel();
    std::thread::spawn(move || search_worker(search_rx, quiet));
    let mut held: Option<Message> = None;
    loop {
        let first = match held.take() {
            Some(m) => m,
            None => match rx.recv() {
                Ok(m) => m,
                Err(_) => break,
            },
        };
        let mut changed: Vec<PathBuf> = Vec::new();
        let mut stop = false;
        for message in std::iter::once(first).chain(rx.try_iter()) {
            match message {
                Message::Changed(paths) => changed.extend(paths),
                Message::Failed(errors) => {
                    for e in errors {
                        log(quiet, &format!("warning: watching: {e}"));
                    }
                }
                Message::Stop => stop = true,
            }
        }
        if stop {
            break;
        }
        changed.retain(|p| watcher.is_relevant(p));
        changed.sort();
        changed.dedup();
        if changed.is_empty() {
            continue;
        }
        let names: Vec<String> = changed.iter().map(|p| watcher.display(p)).collect();
        let outcome = rebuilder.rebuild_announcing(&changed, || {
            let reason = changed_files(&names);
            log(quiet, &format!("rebuilding the whole site ({reason}) …"));
            state.announce_rebuilding(reason);
        });
        report(&outcome, &names, quiet, false);
        state.publish(&outcome);
        for problem in watcher.update(rebuilder.options()) {
            log(quiet, &format!("warning: {problem}"));
        }
        // The browser reloads first; the search index catches up once the
        // editor pauses, on a thread of its own, so neither a reload nor
        // the next edit ever waits for it.
        if rebuilder.has_stale_search() {
            match rx.recv_timeout(SEARCH_AFTER_QUIET) {
                Ok(m) => {
                    held = Some(m);
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
                Err(mpsc::RecvTimeoutError::Timeout) => {}
            }
            if let Some((root, jobs)) = rebuilder.take_search_jobs() {
                for job in jobs {
                    let _ = search_tx.send((root.clone(), job));
                }
            }
        }
    }
}

/// Builds search indexes for [`rebuild_loop`]. Of the jobs queued for a
/// language only the newest is built: older ones describe text that has
/// changed since.
fn search_worker(jobs: mpsc::Receiver<(PathBuf, SearchJob)>, quiet: bool) {
    // One thread: an index build must not take both cores from the page
    // rebuilds of the next edits.
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().ok();
    while let Ok(first) = jobs.recv() {
        let mut latest = vec![first];
        for next in jobs.try_iter() {
            latest.retain(|(_, job)| job.lang != next.1.lang);
            latest.push(next);
        }
        for (root, job) in latest {
            // A full build since then has its own index, in a new folder.
            if !root.is_dir() {
                continue;
            }
            let started = Instant::now();
            let run = || job.write_into(&root);
            let result = match &pool {
                Some(pool) => pool.install(run),
                None => run(),
            };
            match result {
                Ok(()) => log(
                    quiet,
                    &format!(
                        "search index updated in {} ms",
                        started.elapsed().as_millis()
                    ),
                ),
                Err(e) => log(quiet, &format!("warning: search index not updated: {e}")),
            }
        }
    }
}

/// One line per build in the terminal, with the error's file and line.
fn report(outcome: &Outcome, changed: &[String], quiet: bool, first: bool) {
    if quiet {
        return;
    }
    let ms = outcome.took.as_millis();
    let what = match changed {
        [] => String::new(),
        _ => format!(" ({})", changed_files(changed)),
    };
    match &outcome.result {
        Ok(built) => {
            for w in &built.report.warnings {
                eprintln!("warning: {w}");
            }
            if first {
                let docs = built
                    .report
                    .documents
                    .iter()
                    .map(|(l, n)| format!("{n} {l}"))
                    .collect::<Vec<_>>()
                    .join(" + ");
                eprintln!("built {docs} pages in {ms} ms");
            } else if built.css_only {
                eprintln!("rebuilt in {ms} ms{what}; stylesheets only");
            } else {
                eprintln!("rebuilt in {ms} ms{what}");
            }
        }
        Err(e) => {
            for d in e.diagnostics() {
                eprintln!("error: {d}");
            }
            if first {
                eprintln!("the build failed; serving an error page until it is fixed");
            } else {
                eprintln!("the build failed{what}; still serving the last good build");
            }
        }
    }
}

/// "a.md", or "a.md and 3 more".
fn changed_files(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [one, rest @ ..] => format!("{one} and {} more", rest.len()),
    }
}

fn log(quiet: bool, line: &str) {
    if !quiet {
        eprintln!("{line}");
    }
}

/// Opens `url` in the desktop's browser; failing is not an error.
pub fn open_browser(url: &str) -> std::io::Result<()> {
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    cmd.arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|_| ())
}
