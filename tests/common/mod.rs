//! Helpers shared by the whole-build tests: copy a fixture site into a
//! temporary folder, build it, and read the output as parsed HTML.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use grassroots::{BuildOptions, BuildReport};
use scraper::{Html, Selector};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture copied into a temporary folder, so tests may change it.
pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub fn copy(name: &str) -> Fixture {
        let from = repo().join("tests/fixtures").join(name);
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&from, dir.path());
        Fixture { dir }
    }

    /// The portal's own site/ (content, config), without its output.
    pub fn portal() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["content", "static", "templates", "i18n"] {
            let from = repo().join("site").join(sub);
            if from.is_dir() {
                copy_dir(&from, &dir.path().join(sub));
            }
        }
        fs::copy(
            repo().join("site/config.toml"),
            dir.path().join("config.toml"),
        )
        .unwrap();
        Fixture { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let p = self.path().join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }

    pub fn options(&self) -> BuildOptions {
        BuildOptions {
            site_dir: self.path().to_path_buf(),
            themes_dir: Some(repo().join("themes")),
            ..Default::default()
        }
    }

    pub fn build(&self) -> grassroots::Result<BuildReport> {
        grassroots::build(&self.options())
    }

    pub fn public(&self) -> PathBuf {
        self.path().join("public")
    }

    pub fn page(&self, rel: &str) -> Html {
        let path = self.public().join(rel);
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Html::parse_document(&text)
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

pub fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// Text of the first element matching `selector`, whitespace collapsed.
pub fn text(doc: &Html, selector: &str) -> String {
    texts(doc, selector).into_iter().next().unwrap_or_default()
}

/// Text of every element matching `selector`, whitespace collapsed.
pub fn texts(doc: &Html, selector: &str) -> Vec<String> {
    doc.select(&sel(selector))
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

pub fn attr(doc: &Html, selector: &str, name: &str) -> Option<String> {
    doc.select(&sel(selector))
        .next()
        .and_then(|e| e.value().attr(name))
        .map(str::to_string)
}

/// Every HTML file below `root`, as paths relative to it.
pub fn html_files(root: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.path().strip_prefix(root).unwrap().to_path_buf())
        .collect();
    out.sort();
    out
}

/// Percent-decodes a URL path (hrefs may hold encoded Chinese).
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// Checks every relative href/src of every page: the file exists and the
/// `#fragment` names an id on it. Returns the problems found.
pub fn broken_links(root: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for rel in html_files(root) {
        if rel.file_name().is_some_and(|n| n == "404.html") {
            continue; // 404 pages use root-absolute links by design
        }
        let doc = Html::parse_document(&fs::read_to_string(root.join(&rel)).unwrap());
        let dir = root.join(&rel).parent().unwrap().to_path_buf();
        for (el, name) in doc
            .select(&sel("[href]"))
            .map(|e| (e, "href"))
            .chain(doc.select(&sel("[src]")).map(|e| (e, "src")))
        {
            let link = el.value().attr(name).unwrap();
            if link.starts_with("http:")
                || link.starts_with("https:")
                || link.starts_with("mailto:")
            {
                continue;
            }
            let (path, fragment) = match link.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (link, None),
            };
            let mut target = if path.is_empty() {
                root.join(&rel)
            } else {
                dir.join(decode(path))
            };
            if target.is_dir() {
                target = target.join("index.html");
            }
            let Ok(target) = target.canonicalize() else {
                problems.push(format!(
                    "{}: {name}=\"{link}\" does not exist",
                    rel.display()
                ));
                continue;
            };
            if !target.starts_with(root.canonicalize().unwrap()) {
                problems.push(format!(
                    "{}: {name}=\"{link}\" leaves the site",
                    rel.display()
                ));
                continue;
            }
            if let Some(f) = fragment.filter(|f| !f.is_empty()) {
                let f = decode(f);
                let target_doc = Html::parse_document(&fs::read_to_string(&target).unwrap());
                let found = target_doc
                    .select(&sel("[id]"))
                    .any(|e| e.value().attr("id") == Some(f.as_str()));
                if !found {
                    problems.push(format!(
                        "{}: {name}=\"{link}\": no id \"{f}\" there",
                        rel.display()
                    ));
                }
            }
        }
    }
    problems
}

/// Runs the search client's Node CLI (`search-index/client/cli.mjs`) on a
/// built site, as a browser would query it; its JSON answer.
pub fn query(public: &Path, lang: &str, q: &str) -> serde_json::Value {
    let out = std::process::Command::new("node")
        .arg(repo().join("search-index/client/cli.mjs"))
        .arg(public)
        .arg(lang)
        .arg(q)
        .output()
        .expect("node runs (install Node.js 18 or newer)");
    assert!(
        out.status.success(),
        "cli failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}
