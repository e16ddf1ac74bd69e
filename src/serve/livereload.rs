//! The live-reload script and its injection into HTML responses.
//!
//! The script is added by the development server as it answers a request;
//! the files of the build itself never contain it.

use serde::Serialize;

const SCRIPT: &str = include_str!("livereload.js");

/// The URL of the Server-Sent Events stream the script listens to.
pub const EVENTS_PATH: &str = "/__grassroots/events";

/// What the browser is told over the event stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A build succeeded: reload the page.
    Reload { build: String },
    /// A build succeeded and only stylesheets changed: swap them in place.
    Css { build: String },
    /// A build failed: show the message over the page.
    Error { message: String },
    /// A whole-site build started (a template, theme, i18n or config
    /// change): cover the page, which is about to be stale, until the
    /// build's `Reload` or `Error` arrives.
    Rebuilding { reason: String },
}

#[derive(Serialize)]
struct BuildData<'a> {
    build: &'a str,
}

#[derive(Serialize)]
struct ErrorData<'a> {
    message: &'a str,
}

#[derive(Serialize)]
struct RebuildingData<'a> {
    reason: &'a str,
}

/// The first event of every stream: the current build and error, so a page
/// that missed an event (or was served while a build ran) catches up.
#[derive(Serialize)]
pub struct Hello<'a> {
    pub build: &'a str,
    pub error: Option<&'a str>,
    /// Why a whole-site build is running now, if one is.
    pub rebuilding: Option<&'a str>,
}

impl Event {
    /// The SSE event name and its JSON data.
    pub fn to_sse(&self) -> (&'static str, String) {
        let json = match self {
            Event::Reload { build } | Event::Css { build } => {
                serde_json::to_string(&BuildData { build })
            }
            Event::Error { message } => serde_json::to_string(&ErrorData { message }),
            Event::Rebuilding { reason } => serde_json::to_string(&RebuildingData { reason }),
        };
        let name = match self {
            Event::Reload { .. } => "reload",
            Event::Css { .. } => "css",
            Event::Error { .. } => "error",
            Event::Rebuilding { .. } => "rebuilding",
        };
        (name, json.unwrap_or_else(|_| "{}".into()))
    }
}

/// The `<script>` element for a page served from `build`.
pub fn script_tag(build: &str) -> String {
    let build_json = serde_json::to_string(build).unwrap_or_else(|_| "\"\"".into());
    // A JSON string cannot close the script element: escape `<` anyway.
    let build_json = build_json.replace('<', "\\u003c");
    format!(
        "<script data-grassroots-livereload>\n{}</script>\n",
        SCRIPT.replace("__GRASSROOTS_BUILD__", &build_json)
    )
}

/// Inserts the script before the last `</body>` (any case), or at the end.
pub fn inject(html: &[u8], build: &str) -> Vec<u8> {
    let tag = script_tag(build);
    let at = rfind_ascii_ci(html, b"</body").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn rfind_ascii_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.len() > hay.len() {
        return None;
    }
    (0..=hay.len() - needle.len())
        .rev()
        .find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// The page served when no build has succeeded yet (say, a broken
/// config.toml at startup). The script shows the same message as an overlay
/// and reloads the page once a build succeeds.
pub fn error_page(message: &str, build: &str) -> Vec<u8> {
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>Build failed · grassroots</title></head>\n<body style=\"font:16px/1.5 system-ui,sans-serif;margin:2em\"><h1>The site could not be built</h1>\n<p>Fix the problem below; this page reloads by itself when the build succeeds.</p>\n<pre style=\"white-space:pre-wrap\">{}</pre>\n</body></html>\n",
        crate::html::escape(message)
    );
    inject(html.as_bytes(), build)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_before_the_last_body_end_tag() {
        let out = String::from_utf8(inject(b"<html><body><p>x</p></BODY></html>", "b1")).unwrap();
        let script = out.find("<script data-grassroots-livereload>").unwrap();
        assert!(script > out.find("<p>x</p>").unwrap());
        assert!(script < out.find("</BODY>").unwrap());
        assert!(out.contains("var pageBuild = \"b1\";"));
    }

    #[test]
    fn appends_when_there_is_no_body_end_tag() {
        let out = String::from_utf8(inject(b"<p>x</p>", "b1")).unwrap();
        assert!(out.starts_with("<p>x</p><script"));
    }

    #[test]
    fn error_page_escapes_the_message() {
        let out = String::from_utf8(error_page("<script>alert(1)</script> & more", "b")).unwrap();
        assert!(out.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"));
        assert!(!out.contains("<script>alert(1)"));
    }

    #[test]
    fn events_carry_json() {
        let (name, data) = Event::Error {
            message: "content/a.md:2:1: bad\n  help: fix".into(),
        }
        .to_sse();
        assert_eq!(name, "error");
        assert!(!data.contains('\n'));
        let v: serde_json::Value = serde_json::from_str(&data).unwrap();
        assert_eq!(v["message"], "content/a.md:2:1: bad\n  help: fix");
    }

    #[test]
    fn rebuilding_names_its_reason() {
        let (name, data) = Event::Rebuilding {
            reason: "templates/page.html".into(),
        }
        .to_sse();
        assert_eq!(name, "rebuilding");
        let v: serde_json::Value = serde_json::from_str(&data).unwrap();
        assert_eq!(v["reason"], "templates/page.html");
    }
}
