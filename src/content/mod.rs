//! Stage 1, load: walk `content/`, read every Markdown file, split its front
//! matter and decide what it is (a section or a page) and which language it
//! is written in.
//!
//! `_index.md` is a section, any other `.md` a page. A translation sits
//! beside its original: `page.md` is in the default language, `page.en.md` in
//! English, `_index.en.md` is the English side of a section.

pub mod front_matter;

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

pub use front_matter::{FrontMatter, SortBy};

use crate::config::Config;
use crate::error::{Error, ErrorKind, Result};
use crate::lang::is_language_code;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Section,
    Page,
}

/// One Markdown file, read and split.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path for messages, as the user would type it ("site/content/units/a.md").
    pub display_path: PathBuf,
    /// Path below `content/` with `/` separators ("units/a.en.md").
    pub rel_path: String,
    /// Index into `Config::languages`.
    pub lang: usize,
    pub kind: Kind,
    /// Folder below `content/` ("" for the top, "units" …).
    pub dir: String,
    /// File name without language suffix and extension ("a"); "" for sections.
    pub stem: String,
    pub front: FrontMatter,
    /// Title from the front matter, else from a leading `# ` heading (which is
    /// then removed from the body), else the file name.
    pub title: String,
    pub body: String,
    /// Line of the file on which `body` starts, so Markdown errors can name file lines.
    pub body_line: usize,
}

impl SourceFile {
    /// Key shared by a file and its translations: "units/a" for pages, "units/" for sections.
    pub fn key(&self) -> String {
        match self.kind {
            Kind::Section => format!("{}/", self.dir),
            Kind::Page if self.dir.is_empty() => self.stem.clone(),
            Kind::Page => format!("{}/{}", self.dir, self.stem),
        }
    }
}

/// Files that were found and not loaded, for one informational line.
#[derive(Debug, Default)]
pub struct Skipped {
    pub drafts: usize,
    pub other_files: Vec<PathBuf>,
}

/// Reads every Markdown file under `content_dir` in parallel. Drafts are left
/// out unless `drafts` is set. All problems are reported together.
pub fn load(
    content_dir: &Path,
    config: &Config,
    drafts: bool,
) -> Result<(Vec<SourceFile>, Skipped)> {
    if !content_dir.is_dir() {
        return Err(Error::in_file(ErrorKind::Content, content_dir, "the content folder does not exist")
            .hint("a site keeps its Markdown in content/ next to config.toml; `grassroots init DIR` makes one"));
    }
    let mut markdown = Vec::new();
    let mut skipped = Skipped::default();
    for entry in WalkDir::new(content_dir).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            Error::new(
                ErrorKind::Io,
                format!("could not read the content folder: {e}"),
            )
            .at(content_dir, None, None)
        })?;
        let name = entry.file_name().to_string_lossy();
        if name.starts_with('.') || !entry.file_type().is_file() {
            continue;
        }
        if name.ends_with(".md") {
            markdown.push(entry.into_path());
        } else {
            skipped.other_files.push(entry.into_path());
        }
    }
    let results: Vec<Result<Option<SourceFile>>> = markdown
        .par_iter()
        .map(|path| load_file(content_dir, path, config, drafts))
        .collect();
    let mut files = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(Some(f)) => files.push(f),
            Ok(None) => skipped.drafts += 1,
            Err(e) => errors.push(e),
        }
    }
    match Error::combine(errors) {
        Some(e) => Err(e),
        None => Ok((files, skipped)),
    }
}

pub(crate) fn load_file(
    content_dir: &Path,
    path: &Path,
    config: &Config,
    drafts: bool,
) -> Result<Option<SourceFile>> {
    let rel = path.strip_prefix(content_dir).unwrap_or(path);
    let rel_path = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, "read the file", e))?;
    let text = decode_utf8(bytes, path)?;
    let file_name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = rel_path
        .rsplit_once('/')
        .map(|(d, _)| d.to_string())
        .unwrap_or_default();
    let (base, lang) = split_language(&file_name, path, config)?;
    let kind = if base == "_index" {
        Kind::Section
    } else {
        Kind::Page
    };
    let split = front_matter::split(&text, path, kind == Kind::Section)?;
    if split.front.draft && !drafts {
        return Ok(None);
    }
    let mut body = split.body.to_string();
    let title = match &split.front.title {
        Some(t) => t.clone(),
        None => take_leading_h1(&mut body).unwrap_or_else(|| {
            if kind == Kind::Section {
                last_segment(&dir)
            } else {
                base.clone()
            }
        }),
    };
    Ok(Some(SourceFile {
        display_path: path.to_path_buf(),
        rel_path,
        lang,
        kind,
        stem: if kind == Kind::Section {
            String::new()
        } else {
            base
        },
        dir,
        front: split.front,
        title,
        body,
        body_line: split.body_line,
    }))
}

/// Invalid UTF-8 is reported at the line and column of the first bad byte.
fn decode_utf8(bytes: Vec<u8>, path: &Path) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let good = String::from_utf8_lossy(&e.as_bytes()[..valid]);
        let (line, column) = crate::error::line_col(&good, good.len());
        Error::new(ErrorKind::Encoding, "the file is not valid UTF-8")
            .at(path, Some(line), Some(column))
            .hint("save the file as UTF-8 (editors call it \"UTF-8\" or \"Unicode\"; GBK/GB2312 files must be converted)")
    })
}

/// "page.en.md" → ("page", index of en); "page.md" → ("page", default).
fn split_language(file_name: &str, path: &Path, config: &Config) -> Result<(String, usize)> {
    let stem = file_name.strip_suffix(".md").unwrap_or(file_name);
    if let Some((base, code)) = stem.rsplit_once('.')
        && is_language_code(code)
    {
        return match config.language_index(code) {
            Some(i) => Ok((base.to_string(), i)),
            None => Err(Error::in_file(ErrorKind::Content, path, format!("the file is marked as language \"{code}\", which config.toml does not configure"))
                .hint(format!(
                    "add `[languages.{code}]` to config.toml, or rename the file if \".{code}\" is not a language suffix (configured: {})",
                    config.languages.iter().map(|l| l.code.as_str()).collect::<Vec<_>>().join(", ")
                ))),
        };
    }
    Ok((stem.to_string(), 0))
}

/// Takes a first `# Title` line out of the body (leaving an empty line so
/// line numbers stay right) and returns its text.
fn take_leading_h1(body: &mut String) -> Option<String> {
    let start = body.len() - body.trim_start_matches(['\n', '\r', ' ']).len();
    let rest = &body[start..];
    let line_end = rest.find('\n').unwrap_or(rest.len());
    let title = rest[..line_end]
        .trim_end()
        .strip_prefix("# ")?
        .trim()
        .trim_end_matches('#')
        .trim()
        .to_string();
    if title.is_empty() {
        return None;
    }
    body.replace_range(start..start + line_end, "");
    Some(title)
}

fn last_segment(dir: &str) -> String {
    dir.rsplit('/').next().unwrap_or(dir).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::parse("title = \"t\"\n[languages.en]\n", Path::new("config.toml")).unwrap()
    }

    #[test]
    fn language_suffixes() {
        let c = config();
        let p = Path::new("a.md");
        assert_eq!(split_language("a.md", p, &c).unwrap(), ("a".into(), 0));
        assert_eq!(split_language("a.en.md", p, &c).unwrap(), ("a".into(), 1));
        assert_eq!(
            split_language("a.en-GB.md", p, &c).unwrap(),
            ("a".into(), 1)
        );
        assert_eq!(
            split_language("_index.zh-CN.md", p, &c).unwrap(),
            ("_index".into(), 0)
        );
        assert_eq!(
            split_language("v1.2.md", p, &c).unwrap(),
            ("v1.2".into(), 0)
        );
        let e = split_language("a.fr.md", p, &c).unwrap_err().to_string();
        assert!(
            e.contains("\"fr\", which config.toml does not configure"),
            "{e}"
        );
    }

    #[test]
    fn leading_h1_becomes_title() {
        let mut body = "\n# 第一章 入门\n\n正文".to_string();
        assert_eq!(take_leading_h1(&mut body).as_deref(), Some("第一章 入门"));
        assert_eq!(body, "\n\n\n正文");
        let mut body = "text\n# Not first".to_string();
        assert_eq!(take_leading_h1(&mut body), None);
    }

    #[test]
    fn invalid_utf8_names_line_and_column() {
        let e = decode_utf8(b"ok\nab\xff".to_vec(), Path::new("x.md"))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("x.md:2:3: the file is not valid UTF-8"),
            "{e}"
        );
    }
}
