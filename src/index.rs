//! The index stage: each language's documents handed to the search index
//! builder (the `grassroots-search` crate), and its files written into the
//! output — all at once in a build, in place after an edit in `serve`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::error::{Error, ErrorKind, Result};
use crate::options::BuildOptions;
use crate::output::{self, Sink};
use crate::render::pages::RenderedDoc;
use crate::site::{NodeId, Site};

/// Whether `lang` gets a search index.
fn search_enabled(site: &Site, lang: usize) -> bool {
    let search = &site.config.raw.search;
    let code = &site.config.languages[lang].code;
    search.enabled
        && !search
            .exclude_languages
            .iter()
            .any(|l| crate::lang::same_code(l, code))
}

/// Whether a document's text goes into the index: its own translation, not
/// in an excluded section.
fn indexed(site: &Site, lang: usize, id: NodeId) -> bool {
    let entry = &site.views[lang].entries[id];
    let dir = &site.nodes[id].dir;
    entry.translated
        && entry
            .source
            .is_some_and(|s| site.sources[s].front.in_search_index)
        && !site.config.raw.search.exclude_sections.iter().any(|s| {
            let s = s.trim_matches('/');
            dir == s || dir.starts_with(&format!("{s}/"))
        })
}

/// Path from the root of the entry file of `lang`'s search index, or `None`
/// when search is off there. The entry's name is fixed (`entry.js`) and
/// the client always fetches it afresh; every other index file is named by
/// a hash of its content. So a new build never mixes with cached old files,
/// and pages do not change when only the index does (a typo fixed on one
/// page re-uploads that page and the index, not the whole site; the dev
/// server refreshes an index without touching pages).
pub(crate) fn search_entry_name(site: &Site, lang: usize) -> Option<String> {
    search_enabled(site, lang).then(|| format!("{}{SEARCH_ENTRY}", search_dir(site, lang)))
}

/// File name of every language's search entry.
const SEARCH_ENTRY: &str = "entry.js";

/// "search/zh/": the folder of a language's index, from the root.
pub(crate) fn search_dir(site: &Site, lang: usize) -> String {
    format!(
        "search/{}/",
        crate::lang::folder_name(&site.config.languages[lang].code)
    )
}

/// Up to this many bytes of page text in all, the languages' search indexes
/// are built at once (see `build`); the Rust book has 3 MB, a generated
/// site of 10,000 pages per language about 60 MB.
const CONCURRENT_INDEX_MAX_TEXT: usize = 16 << 20;

/// One language's search index to build: its documents, taken out of the
/// rendered ones, and where the files go. Owning its data, it can be built
/// on another thread while the dev server goes on with edits.
pub struct SearchJob {
    pub lang: usize,
    code: String,
    language: grassroots_search::Language,
    documents: Vec<grassroots_search::Document>,
    /// "search/zh/".
    dir: String,
    /// "search/zh/entry.js".
    entry: String,
    /// [`BuildOptions::search_tiers`].
    tiers: Option<bool>,
}

impl SearchJob {
    /// `lang`'s job, or `None` when search is off there. The documents'
    /// text chunks are moved out of `docs` unless `opts.keep_html` (the dev
    /// server keeps them for the next refresh).
    pub(crate) fn new(
        site: &Site,
        docs: &mut [RenderedDoc],
        lang: usize,
        opts: &BuildOptions,
    ) -> Option<SearchJob> {
        let entry = search_entry_name(site, lang)?;
        let view = &site.views[lang];
        let documents = docs
            .iter_mut()
            .filter(|d| d.doc.lang == lang && indexed(site, lang, d.doc.node))
            .map(|d| grassroots_search::Document {
                url: view.entries[d.doc.node].url.clone(),
                title: view.entries[d.doc.node].title.clone(),
                section_path: site
                    .ancestors(d.doc.node)
                    .into_iter()
                    .skip(1)
                    .map(|a| view.entries[a].title.clone())
                    .collect(),
                chunks: match opts.keep_html {
                    true => d.markdown.chunks.clone(),
                    false => std::mem::take(&mut Arc::make_mut(&mut d.markdown).chunks),
                },
            })
            .collect();
        let code = site.config.languages[lang].code.clone();
        Some(SearchJob {
            lang,
            language: grassroots_search::Language::from_code(&code),
            code,
            documents,
            dir: search_dir(site, lang),
            entry,
            tiers: opts.search_tiers,
        })
    }

    /// Bytes of text to index (titles and page text).
    fn text_bytes(&self) -> usize {
        self.documents
            .iter()
            .map(|d| d.title.len() + d.chunks.iter().map(|c| c.text.len()).sum::<usize>())
            .sum()
    }

    /// The index's files: path from the root, bytes; the entry last, so a
    /// writer following this order never publishes an entry that names a
    /// file not yet written.
    pub fn build(&self) -> Result<Vec<OutFile>> {
        let entry_name = self.entry.strip_prefix(&self.dir).unwrap_or(&self.entry);
        let index = grassroots_search::build_index_with(
            self.language,
            &self.documents,
            Some(entry_name),
            self.tiers,
        )
        .map_err(|e| {
            Error::new(
                ErrorKind::Search,
                format!("could not build the search index of {}: {e}", self.code),
            )
        })?;
        let mut files: Vec<OutFile> = index
            .files
            .into_iter()
            .map(|f| (format!("{}{}", self.dir, f.name), f.bytes))
            .collect();
        files.sort_by_key(|(path, _)| *path == self.entry);
        Ok(files)
    }

    /// Builds the index into the site at `output` in place: the new files,
    /// then the entry that names them, then the old index's files removed.
    /// Pages are untouched: they name the entry, whose name is fixed. A
    /// file whose name is already there is not written again: names are
    /// content hashes, and an edit changes a few shards and result files
    /// of an index of tens of MB (rewriting it all made the editor's next
    /// save wait for the disk).
    pub fn write_into(&self, output: &Path) -> Result<()> {
        let files = self.build()?;
        let out = output::InPlace {
            root: output.to_path_buf(),
        };
        for (path, bytes) in &files {
            if *path != self.entry && output.join(path).is_file() {
                continue;
            }
            out.put(path, bytes)?;
        }
        let keep: HashSet<PathBuf> = files.iter().map(|(p, _)| output.join(p)).collect();
        let dir = output.join(&self.dir);
        for entry in std::fs::read_dir(&dir)
            .map_err(|e| Error::io(&dir, "read the search folder", e))?
            .flatten()
        {
            if !keep.contains(&entry.path()) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        Ok(())
    }
}

/// A file to write: path from the root, bytes.
pub type OutFile = (String, Vec<u8>);

/// Builds the search index of every language that has one, taking the
/// documents' text chunks out of `docs` unless `opts.keep_html` (the dev
/// server keeps them for the next refresh). Returns the files to write.
pub(crate) fn build_indexes(
    site: &Site,
    docs: &mut [RenderedDoc],
    opts: &BuildOptions,
) -> Result<Vec<OutFile>> {
    let jobs: Vec<SearchJob> = (0..site.config.languages.len())
        .filter_map(|lang| SearchJob::new(site, docs, lang, opts))
        .collect();
    // Each index build is parallel inside, but has serial steps (merging
    // the vocabulary, sorting terms): on a small site, building the
    // languages at once fills those gaps. On a big one it would double the
    // peak memory, so the languages go one after the other.
    let text: usize = jobs.iter().map(SearchJob::text_bytes).sum();
    let built: Vec<Result<Vec<OutFile>>> = if text <= CONCURRENT_INDEX_MAX_TEXT {
        jobs.par_iter().map(SearchJob::build).collect()
    } else {
        jobs.iter().map(SearchJob::build).collect()
    };
    let mut files = Vec::new();
    for f in built {
        files.extend(f?);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::{DocRef, testing};

    #[test]
    fn excluded_languages_and_sections_are_not_indexed() {
        let config = format!(
            "{}[search]\nexclude_languages = [\"EN\"]\nexclude_sections = [\"/units/\"]\n",
            testing::CONFIG
        );
        let site = testing::site_with(
            &config,
            &[
                ("_index.md", "+++\ntitle = \"首页\"\n+++\n"),
                ("units/_index.md", "+++\ntitle = \"单元\"\n+++\n"),
                ("units/a.md", "+++\ntitle = \"甲\"\n+++\n"),
                ("about.md", "+++\ntitle = \"关于\"\n+++\n"),
            ],
        );
        assert_eq!(
            search_entry_name(&site, 0).as_deref(),
            Some("search/zh/entry.js")
        );
        assert_eq!(search_entry_name(&site, 1), None);
        let (a, _) = site.node_for_path("units/a.md").unwrap();
        let (about, _) = site.node_for_path("about.md").unwrap();
        assert!(!indexed(&site, 0, a));
        assert!(indexed(&site, 0, about));
        // An untranslated fallback is the other language's text: not indexed.
        assert!(!indexed(&site, 1, about));

        let mut docs: Vec<RenderedDoc> = site.views[0]
            .reading_order
            .iter()
            .map(|&n| RenderedDoc {
                doc: DocRef::new(n, 0),
                markdown: Default::default(),
            })
            .collect();
        let job = SearchJob::new(&site, &mut docs, 0, &BuildOptions::default()).unwrap();
        let titles: Vec<&str> = job.documents.iter().map(|d| d.title.as_str()).collect();
        assert_eq!(titles, ["首页", "关于"]);
        assert!(SearchJob::new(&site, &mut docs, 1, &BuildOptions::default()).is_none());
    }
}
