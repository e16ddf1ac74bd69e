//! Stage 1, load: walk `content/`, read every Markdown file, split its front
//! matter and decide what it is (a section or a page) and which language it
//! is written in.
//!
//! `_index.md` is a section, any other `.md` a page. A translation sits
//! beside its original: `page.md` is in the default language, `page.en.md` in
//! English, `_index.en.md` is the English side of a section.

pub mod assets;
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
    /// The URL segment the file name asks for when it differs from `stem`:
    /// Zola takes a leading date off (`2016-10-08_a-post.md` → `a-post`).
    /// A `slug` in the front matter wins over it.
    pub name_slug: Option<String>,
}

impl SourceFile {
    /// Zola's `authors`, else config.toml's `author` (the site's default).
    pub fn authors(&self, config: &Config) -> Vec<String> {
        if !self.front.authors.is_empty() {
            return self.front.authors.clone();
        }
        config.raw.author.iter().cloned().collect()
    }

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
    /// Drafts, pages of draft sections and pages with `render = false`.
    pub drafts: usize,
    pub other_files: Vec<PathBuf>,
    /// Files matching config.toml's `ignored_content`.
    pub ignored: usize,
    /// Other files (images, downloads), as paths below content/, published
    /// beside their page bundle or section as Zola does ([`assets::publish`]).
    pub assets: Vec<String>,
    /// Zola features the content uses that grassroots does not carry out
    /// yet, one line per feature, for the build report.
    pub warnings: Vec<String>,
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
    let ignored = ignored_content(config)?;
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
        let rel = entry
            .path()
            .strip_prefix(content_dir)
            .unwrap_or(entry.path());
        if ignored.is_match(rel) {
            skipped.ignored += 1;
            continue;
        }
        if name.ends_with(".md") {
            markdown.push(entry.into_path());
        } else {
            skipped.assets.push(slash_path(rel));
        }
    }
    let results: Vec<Result<Option<SourceFile>>> = markdown
        .par_iter()
        .map(|path| load_file(content_dir, path, config, drafts))
        .collect();
    let mut files = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    // Sections left out as drafts: (folder, language); their pages go too.
    let mut draft_sections = Vec::new();
    for (path, r) in markdown.iter().zip(results) {
        match r {
            Ok(Some(f)) => files.push(f),
            Ok(None) => {
                skipped.drafts += 1;
                if let Some(section) = draft_section(content_dir, path, config) {
                    draft_sections.push(section);
                }
            }
            Err(e) => errors.push(e),
        }
    }
    if let Some(e) = Error::combine(errors) {
        return Err(e);
    }
    let before = files.len();
    files.retain(|f| {
        !draft_sections
            .iter()
            .any(|(dir, lang)| f.lang == *lang && is_within(&f.dir, dir))
    });
    skipped.drafts += before - files.len();
    skipped.warnings = pending_zola_warnings(&files);
    Ok((files, skipped))
}

/// config.toml's `ignored_content` globs, matched against paths below content/.
pub(crate) fn ignored_content(config: &Config) -> Result<globset::GlobSet> {
    let mut set = globset::GlobSetBuilder::new();
    let mut errors = Vec::new();
    for pattern in &config.raw.ignored_content {
        match globset::Glob::new(pattern) {
            Ok(g) => {
                set.add(g);
            }
            Err(e) => errors.push(
                Error::new(
                    ErrorKind::Config,
                    format!("`ignored_content`: \"{pattern}\" is not a glob pattern: {}", e.kind()),
                )
                .at("config.toml", None, None)
                .hint("write globs as Zola does, e.g. \"*.xlsx\", \"drafts/**\" or \"*.{graphml,psd}\""),
            ),
        }
    }
    if let Some(e) = Error::combine(errors) {
        return Err(e);
    }
    set.build().map_err(|e| {
        Error::new(ErrorKind::Config, format!("`ignored_content`: {e}")).at(
            "config.toml",
            None,
            None,
        )
    })
}

/// The (folder, language) of a section file that was left out as a draft.
fn draft_section(content_dir: &Path, path: &Path, config: &Config) -> Option<(String, usize)> {
    let name = path.file_name()?.to_string_lossy();
    let (base, lang) = split_language(&name, path, config).ok()?;
    if base != "_index" {
        return None;
    }
    let rel = path.strip_prefix(content_dir).ok()?.parent()?;
    let dir = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    Some((dir, lang))
}

/// Whether folder `dir` is `section` or below it ("" is the top).
fn is_within(dir: &str, section: &str) -> bool {
    section.is_empty()
        || dir == section
        || dir
            .strip_prefix(section)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// One warning per Zola front matter key that files set and grassroots
/// does not carry out yet, naming the first file and how many use it.
fn pending_zola_warnings(files: &[SourceFile]) -> Vec<String> {
    let mut warnings = Vec::new();
    for (key, missing) in front_matter::PENDING_ZOLA_KEYS {
        let mut users = files.iter().filter_map(|f| {
            f.front
                .pending
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, line)| (f, *line))
        });
        let Some((first, line)) = users.next() else {
            continue;
        };
        let others = users.count();
        let at = match line {
            Some(l) => format!("{}:{l}", first.display_path.display()),
            None => first.display_path.display().to_string(),
        };
        let also = match others {
            0 => String::new(),
            n => format!(" (and {n} more file(s))"),
        };
        warnings.push(format!(
            "{at}: `{key}` is Zola's front matter key, which grassroots reads but does not carry out yet{also}: {missing}"
        ));
    }
    warnings
}

pub(crate) fn load_file(
    content_dir: &Path,
    path: &Path,
    config: &Config,
    drafts: bool,
) -> Result<Option<SourceFile>> {
    let rel = path.strip_prefix(content_dir).unwrap_or(path);
    let rel_path = slash_path(rel);
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, "read the file", e))?;
    let text = decode_utf8(bytes, path)?;
    let file_name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut dir = rel_path
        .rsplit_once('/')
        .map(|(d, _)| d.to_string())
        .unwrap_or_default();
    let (mut base, lang) = split_language(&file_name, path, config)?;
    // Zola's page bundle: `post/index.md` is the page `post`, in post's parent.
    if base == "index" && !dir.is_empty() && path.parent().is_some_and(assets::is_bundle_dir) {
        let (parent, folder) = dir.rsplit_once('/').unwrap_or(("", &dir));
        base = folder.to_string();
        dir = parent.to_string();
    }
    let kind = if base == "_index" {
        Kind::Section
    } else {
        Kind::Page
    };
    let split = front_matter::split(&text, path, kind == Kind::Section)?;
    if split.front.draft && !drafts {
        return Ok(None);
    }
    // Zola's `render = false`: the page gets no HTML of its own.
    if kind == Kind::Page && !split.front.render {
        return Ok(None);
    }
    let mut front = split.front;
    let name_date = (kind == Kind::Page).then(|| date_prefix(&base)).flatten();
    if let Some((date, _)) = &name_date
        && front.date.is_none()
    {
        front.date = Some(*date);
    }
    let name_slug = name_date
        .filter(|_| !config.raw.slugify.paths_keep_dates)
        .map(|(_, rest)| rest);
    let mut body = split.body.to_string();
    let title = match &front.title {
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
        front,
        title,
        body,
        body_line: split.body_line,
        name_slug,
    }))
}

/// Zola's date in a file name: `2016-10-08_a-post` or `2016-10-08-a-post`
/// (a time may follow the date: `2016-10-08T08:00:00_a-post`) → the date
/// and "a-post".
fn date_prefix(name: &str) -> Option<(time::Date, String)> {
    let date = front_matter::parse_date(name.get(..10)?)?;
    let mut rest = &name[10..];
    // An optional time, as Zola allows: THH:MM:SS.
    if let Some(t) = rest.strip_prefix('T')
        && t.len() >= 8
        && t.as_bytes()[2] == b':'
        && t.as_bytes()[5] == b':'
    {
        rest = &t[8..];
    }
    let slug = rest.strip_prefix(['_', '-'])?.trim();
    (!slug.is_empty()).then(|| (date, slug.to_string()))
}

/// A relative path with `/` separators.
fn slash_path(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Invalid UTF-8 is reported at the line and column of the first bad byte.
fn decode_utf8(bytes: Vec<u8>, path: &Path) -> Result<String> {
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let good = String::from_utf8_lossy(&e.as_bytes()[..valid]);
        let (line, column) = crate::error::line_col(&good, good.len());
        Error::new(ErrorKind::Encoding, "the file is not valid UTF-8")
            .at(path, Some(line), Some(column))
            .hint("save the file as UTF-8 (editors call it \"UTF-8\" or \"Unicode\"; GBK/GB2312 files must be converted)")
    })?;
    // CommonMark (2.3): U+0000 is replaced by U+FFFD; a NUL in a page would
    // otherwise reach its HTML.
    Ok(match text.contains('\0') {
        true => text.replace('\0', "\u{FFFD}"),
        false => text,
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

    #[test]
    fn nul_bytes_become_replacement_characters() {
        let text = decode_utf8(b"a\0b".to_vec(), Path::new("a.md")).unwrap();
        assert_eq!(text, "a\u{FFFD}b");
    }

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
    fn dates_in_file_names() {
        let (d, s) = date_prefix("2016-10-08_a-post").unwrap();
        assert_eq!((d.to_string(), s.as_str()), ("2016-10-08".into(), "a-post"));
        assert_eq!(date_prefix("2016-10-08-a-post").unwrap().1, "a-post");
        assert_eq!(date_prefix("2016-10-08T08:00:00_学习").unwrap().1, "学习");
        assert!(date_prefix("2016-10-08").is_none());
        assert!(date_prefix("2016-13-08_x").is_none());
        assert!(date_prefix("intro").is_none());
    }

    #[test]
    fn folders_within_sections() {
        assert!(is_within("a/b", "a"));
        assert!(is_within("a", "a"));
        assert!(!is_within("ab", "a"));
        assert!(is_within("x", ""));
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
