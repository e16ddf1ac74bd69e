//! `grassroots serve` over real sockets: a server on a free port against a
//! copy of tests/fixtures/serve-site, spoken to with hand-written HTTP so
//! that odd paths reach it exactly as sent.

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use common::{Fixture, query};
use grassroots::serve::{ServeOptions, Server};

fn start(fixture: &Fixture) -> Server {
    let mut opts = ServeOptions::new(fixture.options());
    opts.port = 0;
    opts.quiet = true;
    Server::start(opts).expect("the server starts")
}

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn request(addr: SocketAddr, method: &str, path: &str) -> Response {
    request_with(addr, method, path, "")
}

/// A request with extra header lines (each ending in `\r\n`).
fn request_with(addr: SocketAddr, method: &str, path: &str, headers: &str) -> Response {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{headers}\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    parse(&raw)
}

fn parse(raw: &[u8]) -> Response {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete head");
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Response {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(std::str::from_utf8(&data[..eol]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[eol + 2 + size + 2..];
    }
    out
}

fn get(addr: SocketAddr, path: &str) -> Response {
    request(addr, "GET", path)
}

/// Polls `path` until `check` holds, for up to ten seconds.
fn wait_for(addr: SocketAddr, path: &str, check: impl Fn(&Response) -> bool) -> Response {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let r = get(addr, path);
        if check(&r) || Instant::now() > deadline {
            return r;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// An open live-reload stream.
struct Events {
    stream: TcpStream,
    /// Bytes received and not yet decoded (the response is chunked).
    raw: Vec<u8>,
    head_done: bool,
    /// Decoded event-stream text not yet returned.
    seen: String,
    /// The first event.
    hello: String,
}

impl Events {
    fn open(addr: SocketAddr) -> Events {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        write!(
            stream,
            "GET /__grassroots/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let mut events = Events {
            stream,
            raw: Vec::new(),
            head_done: false,
            seen: String::new(),
            hello: String::new(),
        };
        events.hello = events.wait_for("event: hello");
        events
    }

    /// Moves complete chunks from `raw` to `seen`.
    fn decode(&mut self) {
        if !self.head_done {
            let Some(end) = self.raw.windows(4).position(|w| w == b"\r\n\r\n") else {
                return;
            };
            let head = String::from_utf8_lossy(&self.raw[..end]).to_ascii_lowercase();
            assert!(head.contains("text/event-stream"), "{head}");
            assert!(head.contains("transfer-encoding: chunked"), "{head}");
            self.raw.drain(..end + 4);
            self.head_done = true;
        }
        while let Some(eol) = self.raw.windows(2).position(|w| w == b"\r\n") {
            let size_line = String::from_utf8_lossy(&self.raw[..eol]).into_owned();
            let size = usize::from_str_radix(size_line.trim(), 16).unwrap();
            if self.raw.len() < eol + 2 + size + 2 {
                return;
            }
            let data = self.raw[eol + 2..eol + 2 + size].to_vec();
            self.seen.push_str(&String::from_utf8_lossy(&data));
            self.raw.drain(..eol + 2 + size + 2);
        }
    }

    /// Reads until a complete event containing `needle` arrives; returns it
    /// and forgets the events before it.
    fn wait_for(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut buf = [0u8; 4096];
        loop {
            self.decode();
            let mut offset = 0;
            while let Some(len) = self.seen[offset..].find("\n\n") {
                let event = &self.seen[offset..offset + len];
                if event.contains(needle) {
                    let event = event.to_string();
                    self.seen.drain(..offset + len + 2);
                    return event;
                }
                offset += len + 2;
            }
            assert!(
                Instant::now() < deadline,
                "no {needle:?} in the event stream; got {:?}",
                self.seen
            );
            match self.stream.read(&mut buf) {
                Ok(0) => panic!("the event stream ended; got {:?}", self.seen),
                Ok(n) => self.raw.extend_from_slice(&buf[..n]),
                Err(_) => {} // timeout: try again
            }
        }
    }
}

#[test]
fn serves_pages_and_files_with_their_types() {
    let fixture = Fixture::copy("serve-site");
    let server = start(&fixture);
    let addr = server.addr();

    let home = get(addr, "/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(home.header("cache-control"), Some("no-store"));
    assert!(home.text().contains("欢迎"));

    let en = get(addr, "/en/a/");
    assert_eq!(en.status, 200);
    assert!(en.text().contains("The original text."));

    // A Chinese URL arrives percent-encoded as UTF-8.
    let zh = get(addr, "/%E8%B0%83%E6%9F%A5%E7%A0%94%E7%A9%B6/");
    assert_eq!(zh.status, 200, "{}", zh.text());
    assert!(zh.text().contains("调查研究是谋事之基"));

    let root = server.snapshot().root.unwrap();
    let assets: Vec<String> = std::fs::read_dir(root.join("assets"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let css = assets.iter().find(|n| n.ends_with(".css")).unwrap();
    let js = assets.iter().find(|n| n.ends_with(".js")).unwrap();
    let r = get(addr, &format!("/assets/{css}"));
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("text/css; charset=utf-8"));
    assert!(!r.text().contains("grassroots-livereload"));
    let r = get(addr, &format!("/assets/{js}"));
    assert_eq!(
        r.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );

    std::fs::write(root.join("data.json"), "{}").unwrap();
    std::fs::write(root.join("notes.txt"), "hi").unwrap();
    std::fs::write(root.join("feed.xml"), "<feed/>").unwrap();
    std::fs::write(root.join("logo.png"), [0x89, b'P', b'N', b'G']).unwrap();
    for (path, kind) in [
        ("/data.json", "application/json"),
        ("/notes.txt", "text/plain; charset=utf-8"),
        ("/feed.xml", "application/xml"),
        ("/logo.png", "image/png"),
    ] {
        assert_eq!(get(addr, path).header("content-type"), Some(kind), "{path}");
    }

    let post = request(addr, "POST", "/");
    assert_eq!(post.status, 405);
    server.shutdown();
}

#[test]
fn files_answer_byte_range_requests() {
    let fixture = Fixture::copy("serve-site");
    let server = start(&fixture);
    let addr = server.addr();
    let root = server.snapshot().root.unwrap();
    std::fs::write(root.join("data.js"), "0123456789").unwrap();
    let range = |r: &str| request_with(addr, "GET", "/data.js", &format!("Range: {r}\r\n"));

    let whole = get(addr, "/data.js");
    assert_eq!(whole.header("accept-ranges"), Some("bytes"));
    let part = range("bytes=2-5");
    assert_eq!(part.status, 206);
    assert_eq!(part.text(), "2345");
    assert_eq!(part.header("content-range"), Some("bytes 2-5/10"));
    assert_eq!(range("bytes=7-").text(), "789");
    assert_eq!(range("bytes=-2").text(), "89");
    let outside = range("bytes=20-30");
    assert_eq!(outside.status, 416);
    assert_eq!(outside.header("content-range"), Some("bytes */10"));
    // Several ranges or a malformed header: the whole file.
    let several = range("bytes=0-1, 4-5");
    assert_eq!(
        (several.status, several.text().as_str()),
        (200, "0123456789")
    );
    assert_eq!(range("lines=1-2").status, 200);
    // Pages are always whole (the live-reload script is added to them).
    let page = request_with(addr, "GET", "/a/", "Range: bytes=0-3\r\n");
    assert_eq!(page.status, 200);
    server.shutdown();
}

#[test]
fn head_returns_headers_without_a_body() {
    let fixture = Fixture::copy("serve-site");
    let server = start(&fixture);
    let get = get(server.addr(), "/a/");
    let head = request(server.addr(), "HEAD", "/a/");
    assert_eq!(head.status, 200);
    assert_eq!(
        head.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(
        head.header("content-length"),
        Some(get.body.len().to_string().as_str())
    );
    assert!(head.body.is_empty());
}

#[test]
fn missing_pages_get_their_languages_404_page() {
    let fixture = Fixture::copy("serve-site");
    let server = start(&fixture);
    let zh = get(server.addr(), "/no/such/page/");
    assert_eq!(zh.status, 404);
    assert_eq!(zh.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(zh.text().contains("lang=\"zh"), "{}", zh.text());
    let en = get(server.addr(), "/en/no-such-page");
    assert_eq!(en.status, 404);
    assert!(en.text().contains("lang=\"en"), "{}", en.text());
    assert!(en.text().contains("grassroots-livereload"));
}

#[test]
fn folders_without_a_trailing_slash_are_redirected() {
    let fixture = Fixture::copy("serve-site");
    let server = start(&fixture);
    let r = get(server.addr(), "/a");
    assert!(r.status == 301 || r.status == 302, "{}", r.status);
    assert_eq!(r.header("location"), Some("/a/"));
    let r = get(server.addr(), "/en/a?x=1");
    assert_eq!(r.header("location"), Some("/en/a/?x=1"));
    let r = get(server.addr(), "/a/");
    assert_eq!(r.status, 200);
    assert!(r.text().contains("原来的内容"));
}

#[test]
fn paths_outside_the_output_are_refused() {
    let fixture = Fixture::copy("serve-site");
    let server = start(&fixture);
    let root = server.snapshot().root.unwrap();
    // Something to find one level up, were traversal possible.
    std::fs::write(root.parent().unwrap().join("x"), "SECRET").unwrap();
    std::fs::write(root.parent().unwrap().join("Cargo.toml"), "SECRET").unwrap();
    for path in [
        "/../Cargo.toml",
        "/../x",
        "/%2e%2e/x",
        "/%2E%2E/x",
        "/..%2fx",
        "/a/..%2f..%2fx",
        "/a\\..\\..\\x",
        "/a%5c..%5c..%5cx",
        "/%2e%2e%5cx",
    ] {
        let r = get(server.addr(), path);
        assert!(
            [400, 403, 404].contains(&r.status),
            "{path}: status {}",
            r.status
        );
        assert!(!r.text().contains("SECRET"), "{path} served the file");
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(root.parent().unwrap().join("x"), root.join("leak.txt"))
            .unwrap();
        let r = get(server.addr(), "/leak.txt");
        assert_eq!(r.status, 403);
        assert!(!r.text().contains("SECRET"));
    }
}

#[test]
fn the_script_is_injected_when_serving_and_never_built() {
    let fixture = Fixture::copy("serve-site");
    let server = start(&fixture);
    let html = get(server.addr(), "/a/").text();
    let script = html.find("<script data-grassroots-livereload>").unwrap();
    assert!(script < html.rfind("</body>").unwrap());
    assert!(html.contains("/__grassroots/events"));
    server.shutdown();

    // A plain build writes no trace of it.
    fixture.build().unwrap();
    let public = fixture.path().join("public");
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(&public) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let text = String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap()).into_owned();
            assert!(
                !text.contains("grassroots-livereload"),
                "{}",
                entry.path().display()
            );
            assert!(!text.contains("__grassroots"), "{}", entry.path().display());
            pages += entry.path().extension().is_some_and(|e| e == "html") as usize;
        }
    }
    assert!(pages >= 4);
}

#[test]
fn an_edit_is_served_after_the_rebuild() {
    let fixture = Fixture::copy("serve-site");
    let server = start(&fixture);
    let addr = server.addr();
    let mut events = Events::open(addr);
    fixture.write(
        "content/a.md",
        "+++\ntitle = \"甲\"\nweight = 1\n+++\n\n修改后的内容。\n",
    );
    let reload = events.wait_for("event: reload");
    assert!(reload.contains("\"build\""), "{reload}");
    let r = wait_for(addr, "/a/", |r| r.text().contains("修改后的内容"));
    assert!(r.text().contains("修改后的内容"), "{}", r.text());
}

#[test]
fn the_search_index_follows_an_edit_on_its_own_thread() {
    let fixture = Fixture::copy("serve-site");
    let server = start(&fixture);
    let addr = server.addr();
    let root = server.snapshot().root.unwrap();
    let found = |q: &str| {
        query(&root, "zh", q)["results"]
            .as_array()
            .is_some_and(|r| !r.is_empty())
    };
    assert!(!found("蒲公英"));
    fixture.write(
        "content/a.md",
        "+++\ntitle = \"甲\"\nweight = 1\n+++\n\n田野里的蒲公英。\n",
    );
    // The page first, then (after a pause in editing) the index.
    wait_for(addr, "/a/", |r| r.text().contains("蒲公英"));
    let deadline = Instant::now() + Duration::from_secs(20);
    while !found("蒲公英") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        found("蒲公英"),
        "the new word is found once the index caught up"
    );
    // The served folder is still the same build: the edit was applied in place.
    assert_eq!(server.snapshot().root.unwrap(), root);
    server.shutdown();
}

#[test]
fn a_broken_edit_shows_an_error_and_keeps_the_last_good_build() {
    let fixture = Fixture::copy("serve-site");
    let server = start(&fixture);
    let addr = server.addr();
    let mut events = Events::open(addr);

    // Malformed front matter.
    fixture.write("content/a.md", "+++\ntitle = \nweight = 1\n+++\n\n坏了。\n");
    let error = events.wait_for("event: error");
    assert!(error.contains("a.md:2"), "{error}");
    assert!(error.contains("front matter"), "{error}");
    assert!(server.snapshot().error.unwrap().contains("a.md"));
    let r = get(addr, "/a/");
    assert_eq!(r.status, 200);
    assert!(r.text().contains("原来的内容"));
    // A page opened now learns about the error from the first event.
    let late = Events::open(addr);
    assert!(late.hello.contains("a.md:2"), "{}", late.hello);

    // Fixing it clears the error.
    fixture.write(
        "content/a.md",
        "+++\ntitle = \"甲\"\nweight = 1\n+++\n\n修好了。\n",
    );
    events.wait_for("event: reload");
    let r = wait_for(addr, "/a/", |r| r.text().contains("修好了"));
    assert!(r.text().contains("修好了"));
    assert!(server.snapshot().error.is_none());
}

#[test]
fn a_bad_config_at_startup_serves_an_error_page_until_fixed() {
    let fixture = Fixture::copy("serve-site");
    let good = std::fs::read_to_string(fixture.path().join("config.toml")).unwrap();
    fixture.write("config.toml", "title = <oops>\n");
    let server = start(&fixture);
    let addr = server.addr();
    let r = get(addr, "/");
    assert_eq!(r.status, 500);
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    let text = r.text();
    assert!(text.contains("config.toml"), "{text}");
    assert!(
        text.contains("&lt;oops&gt;") || !text.contains("<oops>"),
        "{text}"
    );
    assert!(text.contains("grassroots-livereload"));

    fixture.write("config.toml", good);
    let r = wait_for(addr, "/", |r| r.status == 200);
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.text().contains("欢迎"));
}

#[test]
fn shutdown_stops_listening() {
    let fixture = Fixture::copy("serve-site");
    let server = start(&fixture);
    let addr = server.addr();
    let _events = Events::open(addr);
    let started = Instant::now();
    server.shutdown();
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(TcpStream::connect(addr).is_err());
}

#[test]
fn a_whole_site_build_is_announced_before_it_runs() {
    let fixture = Fixture::copy("serve-site");
    let server = start(&fixture);
    let addr = server.addr();
    let mut events = Events::open(addr);
    // A config change cannot be applied page by page.
    let config = std::fs::read_to_string(fixture.path().join("config.toml")).unwrap();
    fixture.write("config.toml", config.replace("服务测试", "改过的描述"));
    let rebuilding = events.wait_for("event: rebuilding");
    assert!(rebuilding.contains("config.toml"), "{rebuilding}");
    let reload = events.wait_for("event: reload");
    assert!(reload.contains("\"build\""), "{reload}");
    // Once done, a page opened now is not told a build is running.
    assert!(server.snapshot().rebuilding.is_none());
    let late = Events::open(addr);
    assert!(!late.hello.contains("config.toml"), "{}", late.hello);
    let r = wait_for(addr, "/", |r| r.text().contains("改过的描述"));
    assert!(r.text().contains("改过的描述"));
}
