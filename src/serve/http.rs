//! The HTTP side: files from the current build, the live-reload event
//! stream, 404 pages and redirects.
//!
//! Files other than pages answer single byte-range requests (`Range:
//! bytes=a-b`, 206), as static hosts do: the search client reads one
//! document's excerpt out of a larger file that way. Such files are
//! streamed from disk, the range read from its offset: 50 one-byte range
//! requests for a 100 MB file used to read it whole 50 times into memory.
//! Pages are read whole, as the live-reload script goes into them.
//!
//! Request paths are percent-decoded (Chinese URLs arrive as UTF-8 bytes in
//! `%XX` form) and checked segment by segment; the file found is
//! canonicalized and must lie inside the build folder, so neither `..`,
//! encoded or not, nor a symbolic link can reach a file outside it.

use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::Stream;
use tokio::sync::broadcast::error::RecvError;

use super::State;
use super::livereload::{self, EVENTS_PATH, Event, Hello};

pub fn router(state: Arc<State>) -> Router {
    Router::new()
        .route(EVENTS_PATH, get(events))
        .fallback(serve_file)
        .with_state(state)
}

/// The live-reload stream: a `hello` with the current state, then one event
/// per finished build, until the server stops.
async fn events(
    AxumState(state): AxumState<Arc<State>>,
) -> Sse<impl Stream<Item = Result<SseEvent, Infallible>>> {
    // Subscribe before reading the state, so no build falls between the two.
    let rx = state.events.subscribe();
    let shutdown = state.shutdown.subscribe();
    let hello = hello_event(&state);
    let stream = futures_util::stream::unfold(
        (Some(hello), rx, shutdown, state),
        |(first, mut rx, mut shutdown, state)| async move {
            if let Some(event) = first {
                return Some((Ok(event), (None, rx, shutdown, state)));
            }
            if *shutdown.borrow() {
                return None;
            }
            let event = tokio::select! {
                received = rx.recv() => match received {
                    Ok(event) => to_sse(&event),
                    Err(RecvError::Lagged(_)) => hello_event(&state),
                    Err(RecvError::Closed) => return None,
                },
                _ = shutdown.changed() => return None,
            };
            Some((Ok(event), (None, rx, shutdown, state)))
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::default())
}

fn hello_event(state: &State) -> SseEvent {
    let snapshot = state.snapshot();
    let data = serde_json::to_string(&Hello {
        build: &snapshot.build,
        error: snapshot.error.as_deref(),
        rebuilding: snapshot.rebuilding.as_deref(),
    })
    .unwrap_or_else(|_| "{}".into());
    SseEvent::default().event("hello").data(data)
}

fn to_sse(event: &Event) -> SseEvent {
    let (name, data) = event.to_sse();
    SseEvent::default().event(name).data(data)
}

/// Where a request path leads.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    File(PathBuf),
    /// A folder asked for without the trailing slash.
    AddSlash,
    NotFound,
    /// A path that no file can have (`..`, backslashes, bad encoding).
    BadRequest,
    /// A path that leads outside the build folder (a symbolic link).
    Forbidden,
}

/// Splits and checks a raw (percent-encoded) request path.
pub fn decode_path(raw: &str) -> Option<(Vec<String>, bool)> {
    if raw.contains('\\') {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()?;
    let rest = decoded.strip_prefix('/')?;
    let mut segments = Vec::new();
    for segment in rest.split('/') {
        if segment.is_empty() {
            continue;
        }
        if segment == "." || segment == ".." || segment.contains(['\\', '\0', ':']) {
            return None;
        }
        segments.push(segment.to_string());
    }
    Some((segments, decoded.ends_with('/')))
}

/// Finds the file for `raw` (a request path) in `root` (canonical).
pub fn resolve(root: &Path, raw: &str) -> Resolved {
    let Some((segments, trailing_slash)) = decode_path(raw) else {
        return Resolved::BadRequest;
    };
    let mut path = root.to_path_buf();
    path.extend(&segments);
    if path.is_dir() {
        if !trailing_slash && !segments.is_empty() {
            return Resolved::AddSlash;
        }
        path.push("index.html");
    } else if trailing_slash {
        return Resolved::NotFound;
    }
    let Ok(real) = path.canonicalize() else {
        return Resolved::NotFound;
    };
    if !real.starts_with(root) {
        return Resolved::Forbidden;
    }
    if real.is_file() {
        Resolved::File(real)
    } else {
        Resolved::NotFound
    }
}

/// The 404 page for a request path: the language's (`/en/...` →
/// `en/404.html`) when there is one, else the site's.
pub fn not_found_page(root: &Path, raw: &str) -> Option<PathBuf> {
    let first = decode_path(raw).and_then(|(s, _)| s.into_iter().next());
    let candidates = first
        .map(|f| root.join(f).join("404.html"))
        .into_iter()
        .chain([root.join("404.html")]);
    for candidate in candidates {
        if let Ok(real) = candidate.canonicalize()
            && real.starts_with(root)
            && real.is_file()
        {
            return Some(real);
        }
    }
    None
}

pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" => "application/xml",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

async fn serve_file(
    AxumState(state): AxumState<Arc<State>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let mut r = plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "only GET and HEAD are served\n",
        );
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let snapshot = state.snapshot();
    let Some(root) = snapshot.root.as_deref() else {
        // No build has succeeded yet: show why, wherever the browser looks.
        let message = snapshot
            .error
            .as_deref()
            .unwrap_or("the site is being built");
        return html(
            StatusCode::INTERNAL_SERVER_ERROR,
            livereload::error_page(message, &snapshot.build),
        );
    };
    let raw = uri.path();
    match resolve(root, raw) {
        Resolved::File(path) => {
            let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
            match range {
                Some(range) if !content_type(&path).starts_with("text/html") => {
                    file_range(&path, range).await
                }
                _ => file(StatusCode::OK, &path, &snapshot.build).await,
            }
        }
        Resolved::AddSlash => {
            let location = add_slash_location(raw, uri.query());
            let mut r = plain(StatusCode::FOUND, "moved: add a slash\n");
            if let Ok(v) = HeaderValue::from_str(&location) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            r
        }
        Resolved::NotFound => match not_found_page(root, raw) {
            Some(page) => file(StatusCode::NOT_FOUND, &page, &snapshot.build).await,
            None => plain(StatusCode::NOT_FOUND, "not found\n"),
        },
        Resolved::BadRequest => plain(StatusCode::BAD_REQUEST, "bad request path\n"),
        Resolved::Forbidden => plain(StatusCode::FORBIDDEN, "forbidden\n"),
    }
}

/// Where a folder asked for without its slash redirects to: the same path
/// with one leading slash, so `//host/x` (which a browser reads as another
/// host) becomes `/host/x/`, on this site. Backslashes, spaces and control
/// characters at the start go too: browsers read `/\host` and `/\t/host`
/// as `//host`.
pub fn add_slash_location(raw: &str, query: Option<&str>) -> String {
    let rest = raw.trim_start_matches(|c: char| {
        c == '/' || c == '\\' || c.is_ascii_whitespace() || c.is_ascii_control()
    });
    let path = if rest.is_empty() {
        "/".to_string()
    } else {
        format!("/{rest}/")
    };
    match query {
        Some(q) => format!("{path}?{q}"),
        None => path,
    }
}

async fn file(status: StatusCode, path: &Path, build: &str) -> Response {
    let kind = content_type(path);
    if !kind.starts_with("text/html") {
        return match open_at(path, 0).await {
            Some((f, len)) => streamed(status, kind, f, len),
            None => plain(StatusCode::SERVICE_UNAVAILABLE, "rebuilding, reload\n"),
        };
    }
    let bytes = match tokio::fs::read(path).await {
        Ok(b) => b,
        // Removed between the lookup and the read (a rebuild): try again.
        Err(_) => return plain(StatusCode::SERVICE_UNAVAILABLE, "rebuilding, reload\n"),
    };
    // hyper leaves the body out of answers to HEAD, keeping Content-Length.
    with_headers(status, kind, livereload::inject(&bytes, build))
}

/// The file opened at `start`, and its length; `None` when it is gone
/// (removed between the lookup and the open by a rebuild).
async fn open_at(path: &Path, start: u64) -> Option<(tokio::fs::File, u64)> {
    use tokio::io::AsyncSeekExt;
    let mut f = tokio::fs::File::open(path).await.ok()?;
    let len = f.metadata().await.ok()?.len();
    if start > 0 {
        f.seek(std::io::SeekFrom::Start(start)).await.ok()?;
    }
    Some((f, len))
}

/// Chunks a stream reads at a time.
const CHUNK: u64 = 64 * 1024;

/// A response whose body is the next `len` bytes of `file`, read as the
/// client takes them.
fn streamed(status: StatusCode, kind: &'static str, file: tokio::fs::File, len: u64) -> Response {
    use tokio::io::AsyncReadExt;
    let chunks = futures_util::stream::unfold((file, len), |(mut file, left)| async move {
        if left == 0 {
            return None;
        }
        let mut buf = vec![0u8; left.min(CHUNK) as usize];
        match file.read(&mut buf).await {
            // The file shrank (a rebuild rewrote it): end here.
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(buf), (file, left - n as u64)))
            }
            Err(e) => Some((Err(e), (file, 0))),
        }
    });
    let mut r = with_body(status, kind, Body::from_stream(chunks));
    r.headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    r
}

/// A `Range` request for a file: 206 with the one range asked for, 416 when
/// it lies outside the file, the whole file (200) for anything else (several
/// ranges, a malformed header), as RFC 9110 allows.
async fn file_range(path: &Path, range: &str) -> Response {
    let Some((f, len)) = open_at(path, 0).await else {
        return plain(StatusCode::SERVICE_UNAVAILABLE, "rebuilding, reload\n");
    };
    let kind = content_type(path);
    let ranges = match http_range_header::parse_range_header(range).map(|r| r.validate(len)) {
        Ok(Ok(ranges)) => ranges,
        Ok(Err(_)) => {
            let mut r = plain(StatusCode::RANGE_NOT_SATISFIABLE, "range not satisfiable\n");
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{len}")) {
                r.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            return r;
        }
        Err(_) => Vec::new(),
    };
    let [one] = ranges.as_slice() else {
        return streamed(StatusCode::OK, kind, f, len);
    };
    let (start, end) = (*one.start(), *one.end());
    drop(f);
    let Some((f, _)) = open_at(path, start).await else {
        return plain(StatusCode::SERVICE_UNAVAILABLE, "rebuilding, reload\n");
    };
    let mut r = streamed(StatusCode::PARTIAL_CONTENT, kind, f, end - start + 1);
    if let Ok(v) = HeaderValue::from_str(&format!("bytes {start}-{end}/{len}")) {
        r.headers_mut().insert(header::CONTENT_RANGE, v);
    }
    r
}

fn html(status: StatusCode, bytes: Vec<u8>) -> Response {
    with_headers(status, "text/html; charset=utf-8", bytes)
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    with_headers(
        status,
        "text/plain; charset=utf-8",
        text.as_bytes().to_vec(),
    )
}

fn with_headers(status: StatusCode, kind: &'static str, bytes: Vec<u8>) -> Response {
    with_body(status, kind, Body::from(bytes))
}

fn with_body(status: StatusCode, kind: &'static str, body: Body) -> Response {
    let mut r = (status, body).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if !kind.starts_with("text/html") {
        h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent_encoded_utf8() {
        let (segments, slash) =
            decode_path("/units/%E8%B0%83%E6%9F%A5%E7%A0%94%E7%A9%B6/").unwrap();
        assert_eq!(segments, ["units", "调查研究"]);
        assert!(slash);
    }

    #[test]
    fn refuses_traversal_in_every_spelling() {
        for raw in [
            "/../x",
            "/%2e%2e/x",
            "/%2E%2E/x",
            "/..%2fx",
            "/a/%2e%2e%2f%2e%2e/x",
            "/a\\..\\..\\x",
            "/a%5c..%5cx",
            "/a%00",
            "/c:/x",
            "x",
            "/%ff",
        ] {
            assert!(decode_path(raw).is_none(), "{raw}");
        }
    }

    #[test]
    fn slash_redirects_stay_on_the_site() {
        assert_eq!(add_slash_location("/units", None), "/units/");
        assert_eq!(add_slash_location("//units", None), "/units/");
        assert_eq!(
            add_slash_location("///evil.example/x", Some("a=1")),
            "/evil.example/x/?a=1"
        );
        // Found by fuzz/serve_path: an empty path gave `//`.
        assert_eq!(add_slash_location("", None), "/");
        assert_eq!(
            add_slash_location("/\\/\t/evil.example", None),
            "/evil.example/"
        );
    }

    #[test]
    fn symlinks_out_of_the_root_are_forbidden() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "s").unwrap();
        let root = tempfile::tempdir().unwrap();
        let root_path = root.path().canonicalize().unwrap();
        std::fs::write(root_path.join("ok.txt"), "o").unwrap();
        assert_eq!(
            resolve(&root_path, "/ok.txt"),
            Resolved::File(root_path.join("ok.txt"))
        );
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(
                outside.path().join("secret.txt"),
                root_path.join("link.txt"),
            )
            .unwrap();
            assert_eq!(resolve(&root_path, "/link.txt"), Resolved::Forbidden);
            std::os::unix::fs::symlink(outside.path(), root_path.join("dir")).unwrap();
            assert_eq!(resolve(&root_path, "/dir/secret.txt"), Resolved::Forbidden);
        }
    }
}
