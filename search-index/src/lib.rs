//! Full-text search for grassroots sites: builds a static, sharded index per
//! language that the browser client (`client/search.js`) queries without a
//! server. The index's files are described in `docs/search-format.md`;
//! `tokenize` makes the terms, `index` inverts the pages, `format` writes
//! the files.

pub mod format;
pub mod index;
pub mod tokenize;

pub use tokenize::{Language, Token, Tokenizer, is_cjk};

use std::fmt;

/// The client library (a classic script defining `globalThis.GrassrootsSearch`):
/// `client/search.js` minified (see `build.rs`).
pub const CLIENT_JS: &str = include_str!(concat!(env!("OUT_DIR"), "/search.js"));
/// The search box UI for the default theme: `client/ui.js` minified.
pub const UI_JS: &str = include_str!(concat!(env!("OUT_DIR"), "/ui.js"));

/// One page to index.
#[derive(Clone, Debug, Default)]
pub struct Document {
    /// Page URL relative to the site root, e.g. "units/propaganda/"
    /// ("" = home page of the language root). The client prefixes it.
    pub url: String,
    pub title: String,
    /// Breadcrumb titles shown in a result.
    pub section_path: Vec<String>,
    /// Page text in reading order, split at headings.
    pub chunks: Vec<TextChunk>,
}

/// A run of page text that starts at a heading (or at the top of the page).
#[derive(Clone, Debug, Default)]
pub struct TextChunk {
    /// Heading text that starts this chunk (None before the first heading).
    pub heading: Option<String>,
    /// That heading's id, for deep links "url#anchor"; may contain CJK.
    pub anchor: Option<String>,
    /// Plain text, paragraphs separated by "\n".
    pub text: String,
}

/// The files of one language's index.
#[derive(Clone, Debug)]
pub struct SearchIndex {
    pub files: Vec<IndexFile>,
    /// File name of the entry file, relative to the language folder: the
    /// name the caller gave (a site's is `entry.js`), else `entry.HASH.js`.
    pub entry: String,
}

impl SearchIndex {
    /// Writes the files into `dir` (`…/search/{lang}/`), replacing what was
    /// there; the total bytes written. For tools and examples: a site build
    /// writes through its own staging folder.
    pub fn write_dir(&self, dir: &std::path::Path) -> std::io::Result<usize> {
        match std::fs::remove_dir_all(dir) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        std::fs::create_dir_all(dir)?;
        let mut total = 0;
        for f in &self.files {
            std::fs::write(dir.join(&f.name), &f.bytes)?;
            total += f.bytes.len();
        }
        Ok(total)
    }
}

/// One file, written by the caller to `public/search/{lang}/{name}`.
#[derive(Clone, Debug)]
pub struct IndexFile {
    /// Relative to `search/{lang}/`, e.g. "entry.js" or "s.3fa9c1d2.js".
    pub name: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchError {
    /// More files than a static host may accept (should not happen: counts
    /// are capped by construction).
    TooManyFiles(usize),
    /// Data that does not decode (only from the decoding helpers).
    Corrupt(&'static str),
}

impl fmt::Display for SearchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SearchError::TooManyFiles(n) => write!(f, "search index would need {n} files"),
            SearchError::Corrupt(what) => write!(f, "corrupt search index data: {what}"),
        }
    }
}

impl std::error::Error for SearchError {}

/// Builds the index of one language's pages.
pub fn build_index(language: Language, docs: &[Document]) -> Result<SearchIndex, SearchError> {
    build_index_named(language, docs, None)
}

/// As [`build_index`], with the entry file's name chosen by the caller. The
/// site build names it `entry.js`, a name fixed in advance so that pages,
/// rendered before the index, can point to it (the client loads it past
/// any cache; the files it names carry their content's hash).
pub fn build_index_named(
    language: Language,
    docs: &[Document],
    entry_name: Option<&str>,
) -> Result<SearchIndex, SearchError> {
    build_index_with(language, docs, entry_name, None)
}

/// As [`build_index_named`]; `tiers` forces the big-site ("tiered") files
/// (head shards, deep and full records, metadata and excerpt records read
/// by range; see `docs/search-format.md`) on (`Some(true)`) or off
/// (`Some(false)`) instead of deciding by size (`None`).
pub fn build_index_with(
    language: Language,
    docs: &[Document],
    entry_name: Option<&str>,
    tiers: Option<bool>,
) -> Result<SearchIndex, SearchError> {
    let inverted = index::invert(language, docs);
    // In the index's document numbering (URL order).
    let metas: Vec<format::DocMeta<'_>> = inverted
        .doc_order
        .iter()
        .map(|&i| &docs[i as usize])
        .map(|d| format::DocMeta {
            url: &d.url,
            title: &d.title,
            section_path: &d.section_path,
        })
        .collect();
    let (files, entry) = format::write_index_with(&inverted, &metas, entry_name, tiers)?;
    Ok(SearchIndex {
        files: files
            .into_iter()
            .map(|f| IndexFile {
                name: f.name,
                bytes: f.bytes,
            })
            .collect(),
        entry,
    })
}
