//! One error type for the whole pipeline.
//!
//! Every stage reports problems as [`Diagnostic`]s that name the file, and the
//! line and column when the stage knows them, plus a hint that says what to
//! do. A build that finds several problems (say, three broken links) reports
//! all of them at once, so [`Error`] holds a non-empty list.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where in the input a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column (in characters), when known.
    pub column: Option<usize>,
}

/// What a problem is about, so that callers (the dev server, tests) can tell
/// problems apart without matching on message strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// config.toml: malformed, an unknown key, a bad value.
    Config,
    /// A page's front matter: unclosed, malformed, an unknown or misused key.
    FrontMatter,
    /// A file that is not valid UTF-8.
    Encoding,
    /// The content tree itself: a missing folder, a language suffix that
    /// config.toml does not configure.
    Content,
    /// Two documents at one URL, a bad `slug`, a page where a print page goes.
    Url,
    /// An `@/` link to no page or section.
    BrokenLink,
    /// A link to a heading id that the linked page does not have.
    BrokenAnchor,
    /// A theme that cannot be found or lacks a required template.
    Theme,
    /// A template that fails to parse or to render.
    Template,
    /// A theme's or site's UI strings (i18n/*.toml).
    UiStrings,
    /// Syntax highlighting setup (an unknown theme).
    Highlight,
    /// The search index of a language could not be built.
    Search,
    /// The output folder is refused (not ours, not a folder, the root).
    Output,
    /// Reading or writing a file failed.
    Io,
    /// The dev server could not start (socket, threads, watcher).
    Server,
    /// `grassroots init` refused its folder.
    Init,
    /// A shortcode call: unknown, malformed, or its template failed.
    Shortcode,
}

/// One problem, with enough context for a person to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub kind: ErrorKind,
    pub message: String,
    pub location: Option<Location>,
    pub hint: Option<String>,
    /// Documents whose rendering hit this (template errors).
    pub rendering: Vec<PathBuf>,
}

/// A failed operation: one or more diagnostics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    diagnostics: Vec<Diagnostic>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            diagnostics: vec![Diagnostic {
                kind,
                message: message.into(),
                location: None,
                hint: None,
                rendering: Vec::new(),
            }],
        }
    }

    /// An error about a whole file (no line known).
    pub fn in_file(kind: ErrorKind, file: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Error::new(kind, message).at(file, None, None)
    }

    /// Sets the location of the (last) diagnostic.
    pub fn at(
        mut self,
        file: impl AsRef<Path>,
        line: Option<usize>,
        column: Option<usize>,
    ) -> Self {
        if let Some(d) = self.diagnostics.last_mut() {
            d.location = Some(Location {
                file: file.as_ref().to_path_buf(),
                line,
                column,
            });
        }
        self
    }

    /// Sets the hint of the (last) diagnostic: what the reader should do.
    /// Sets the line of the first problem where its file is known and its
    /// line is not.
    pub fn with_line_if_unknown(mut self, line: usize) -> Self {
        if let Some(l) = self
            .diagnostics
            .first_mut()
            .and_then(|d| d.location.as_mut())
            .filter(|l| l.line.is_none())
        {
            l.line = Some(line);
        }
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        if let Some(d) = self.diagnostics.last_mut() {
            d.hint = Some(hint.into());
        }
        self
    }

    /// Merges many errors into one; `None` when there are none.
    pub fn combine(errors: impl IntoIterator<Item = Error>) -> Option<Error> {
        let diagnostics: Vec<Diagnostic> = errors.into_iter().flat_map(|e| e.diagnostics).collect();
        (!diagnostics.is_empty()).then_some(Error { diagnostics })
    }

    /// Notes which document was being rendered when a template failed.
    pub fn while_rendering(mut self, document: &Path) -> Self {
        for d in &mut self.diagnostics {
            d.rendering.push(document.to_path_buf());
        }
        self
    }

    /// Merges diagnostics that say the same thing, keeping the documents they
    /// came from (a template error repeats for every page using the template).
    pub fn dedup(self) -> Self {
        let mut out: Vec<Diagnostic> = Vec::new();
        for d in self.diagnostics {
            match out.iter_mut().find(|o| {
                o.kind == d.kind
                    && o.message == d.message
                    && o.location == d.location
                    && o.hint == d.hint
            }) {
                Some(o) => o.rendering.extend(d.rendering),
                None => out.push(d),
            }
        }
        Error { diagnostics: out }
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// The kind of each diagnostic, in order (for tests and callers that
    /// react to what went wrong).
    pub fn kinds(&self) -> Vec<ErrorKind> {
        self.diagnostics.iter().map(|d| d.kind).collect()
    }

    /// An I/O failure on a path, phrased for a person.
    pub fn io(path: impl AsRef<Path>, action: &str, err: std::io::Error) -> Self {
        Error::new(ErrorKind::Io, format!("could not {action}: {err}")).at(path, None, None)
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(loc) => write!(f, "{loc}: {}", self.message)?,
            None => write!(f, "{}", self.message)?,
        }
        match self.rendering.as_slice() {
            [] => {}
            [one] => write!(f, "\n  while rendering {}", one.display())?,
            [first, rest @ ..] => write!(
                f,
                "\n  while rendering {} and {} more",
                first.display(),
                rest.len()
            )?,
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  help: {hint}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// 1-based (line, column) of a byte offset in `text`; the column counts characters.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Line starts of a text, found once, for many [`line_col`] look-ups: each
/// costs a binary search and the characters of one line, where `line_col`
/// rescans the text from its start (80,000 `@/` links in one page took 30 s).
pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset where each line starts; the first is 0.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { text, starts }
    }

    /// The same answer as [`line_col`]`(text, offset)`.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        (line, self.text[start..offset].chars().count() + 1)
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_agrees_with_line_col() {
        let text = "ab\n调查\n\nx\r\ny";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() + 2 {
            assert_eq!(index.line_col(offset), line_col(text, offset), "{offset}");
        }
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "第一行\n中文abc";
        assert_eq!(line_col(text, 0), (1, 1));
        let c = text.find('c').unwrap();
        assert_eq!(line_col(text, c), (2, 5));
    }

    #[test]
    fn display_names_file_line_column_and_hint() {
        let e = Error::new(ErrorKind::Config, "bad thing")
            .at("content/a.md", Some(3), Some(7))
            .hint("fix it");
        assert_eq!(e.to_string(), "content/a.md:3:7: bad thing\n  help: fix it");
    }

    #[test]
    fn combine_keeps_every_diagnostic() {
        let e = Error::combine([
            Error::new(ErrorKind::BrokenLink, "a"),
            Error::new(ErrorKind::Template, "b"),
        ])
        .unwrap();
        assert_eq!(e.kinds(), [ErrorKind::BrokenLink, ErrorKind::Template]);
        assert!(Error::combine(Vec::new()).is_none());
    }
}
