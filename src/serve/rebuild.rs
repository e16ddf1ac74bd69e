//! Rebuilding the site for the development server.
//!
//! Edits of existing pages are applied in place by the kept [`Session`]
//! (see `incremental.rs`): each page is replaced whole by a rename, so a
//! request sees the old page or the new one. Anything else is a full build
//! into a new folder inside a private temporary folder (never the site's
//! `public/`); the server switches to it only when it succeeded, so a
//! failed build leaves the last good one in place.

use std::collections::{BTreeMap, VecDeque};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::build::{BuildReport, build_session};
use crate::error::{Error, ErrorKind, Result};
use crate::incremental::Edit;
use crate::incremental::Session;
use crate::index::SearchJob;
use crate::options::BuildOptions;

/// How many finished builds stay on disk: the current one and the one
/// before it, which requests that started before the switch may still read.
const KEEP: usize = 2;

pub struct Rebuilder {
    opts: BuildOptions,
    dir: tempfile::TempDir,
    next: u64,
    /// Finished builds, oldest first; the last is the one being served.
    kept: VecDeque<PathBuf>,
    /// What the last full build worked out, for incremental rebuilds.
    session: Option<Session>,
    /// Languages whose search index an edit left stale.
    stale_search: Vec<usize>,
}

/// A successful build.
pub struct Built {
    /// The folder holding it (canonical).
    pub root: PathBuf,
    /// Only stylesheets changed since the previous build, so a browser can
    /// swap them without reloading the page.
    pub css_only: bool,
    pub report: BuildReport,
}

pub struct Outcome {
    pub result: Result<Built>,
    pub took: Duration,
}

impl Rebuilder {
    /// `opts.output_dir` is ignored: builds go into a temporary folder.
    pub fn new(mut opts: BuildOptions) -> Result<Rebuilder> {
        // Edits re-render print pages from their members' kept HTML.
        opts.keep_html = true;
        let dir = tempfile::Builder::new()
            .prefix("grassroots-serve-")
            .tempdir()
            .map_err(|e| {
                Error::new(
                    ErrorKind::Io,
                    format!("could not create a temporary folder: {e}"),
                )
            })?;
        Ok(Rebuilder {
            opts,
            dir,
            next: 1,
            kept: VecDeque::new(),
            session: None,
            stale_search: Vec::new(),
        })
    }

    pub fn options(&self) -> &BuildOptions {
        &self.opts
    }

    /// Builds the site; `changed` are the files that changed since the last
    /// build (empty for the first build).
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Outcome {
        self.rebuild_announcing(changed, || {})
    }

    /// [`Rebuilder::rebuild`], calling `full_build_starts` first when the
    /// change needs the whole site built again (seconds on a big site), so
    /// the server can say so before it happens.
    pub fn rebuild_announcing(
        &mut self,
        changed: &[PathBuf],
        full_build_starts: impl FnOnce(),
    ) -> Outcome {
        let started = Instant::now();
        if let Some(result) = self.try_incremental(changed) {
            return Outcome {
                result,
                took: started.elapsed(),
            };
        }
        full_build_starts();
        let result = self.full_build().map(|(root, report)| {
            let css_only = match self.kept.back() {
                Some(previous) if !changed.is_empty() && changed.iter().all(|p| is_css(p)) => {
                    only_css_differs(previous, &root)
                }
                _ => false,
            };
            self.kept.push_back(root.clone());
            while self.kept.len() > KEEP {
                if let Some(old) = self.kept.pop_front() {
                    let _ = std::fs::remove_dir_all(old);
                }
            }
            Built {
                root,
                css_only,
                report,
            }
        });
        Outcome {
            result,
            took: started.elapsed(),
        }
    }

    /// A body-only edit re-renders just the documents it touches, in the
    /// folder being served; `None` when the change needs a full build.
    fn try_incremental(&mut self, changed: &[PathBuf]) -> Option<Result<Built>> {
        let root = self.kept.back()?.clone();
        // Someone removed the served folder (a temporary folder cleaner, a
        // hasty `rm`): an edit applied in place would leave a site of one
        // page. Build it all again.
        if !root.join(crate::output::MARKER).is_file() {
            self.session = None;
            return None;
        }
        let session = self.session.as_mut()?;
        let started = Instant::now();
        match session.apply_edit(changed) {
            Ok(Edit::NeedsFullBuild) => None,
            Ok(Edit::Applied {
                documents,
                stale_search,
            }) => {
                self.stale_search.extend(stale_search);
                let report = BuildReport {
                    output: root.clone(),
                    documents: vec![("re-rendered".into(), documents)],
                    stages: vec![("render", started.elapsed())],
                    warnings: Vec::new(),
                    notes: Vec::new(),
                    total: started.elapsed(),
                };
                Some(Ok(Built {
                    root,
                    css_only: false,
                    report,
                }))
            }
            Err(e) => Some(Err(e)),
        }
    }

    /// An edit left a search index behind the pages.
    pub fn has_stale_search(&self) -> bool {
        !self.stale_search.is_empty()
    }

    /// Snapshots for bringing the stale search indexes up to date, with
    /// the folder they go into; they can run on another thread (see
    /// [`SearchJob::write_into`]). `None` when no index is stale.
    pub fn take_search_jobs(&mut self) -> Option<(PathBuf, Vec<SearchJob>)> {
        if self.stale_search.is_empty() {
            return None;
        }
        let mut langs = std::mem::take(&mut self.stale_search);
        langs.sort();
        langs.dedup();
        let session = self.session.as_mut()?;
        let root = self.kept.back()?.clone();
        Some((root, session.search_jobs(&langs)))
    }

    /// Brings search indexes up to date after incremental edits, here and
    /// now; run after the browser was told to reload, which never waits
    /// for the index.
    pub fn refresh_search(&mut self) -> Option<Result<Duration>> {
        let started = Instant::now();
        let (root, jobs) = self.take_search_jobs()?;
        let result = jobs.iter().try_for_each(|job| job.write_into(&root));
        Some(result.map(|()| started.elapsed()))
    }

    fn full_build(&mut self) -> Result<(PathBuf, BuildReport)> {
        let output = self.dir.path().join(format!("build-{}", self.next));
        self.next += 1;
        let mut opts = self.opts.clone();
        opts.output_dir = Some(output.clone());
        // A failed build keeps the previous session: it still describes the served folder.
        let (report, session) = build_session(&opts)?;
        self.session = Some(session);
        self.stale_search.clear();
        let root = output
            .canonicalize()
            .map_err(|e| Error::io(&output, "find the built site", e))?;
        Ok((root, report))
    }
}

fn is_css(p: &Path) -> bool {
    p.extension().is_some_and(|e| e.eq_ignore_ascii_case("css"))
}

/// True when the two builds differ, and differ only in `.css` files (HTML
/// files aside: they change with the stylesheets' fingerprinted names).
fn only_css_differs(old: &Path, new: &Path) -> bool {
    let (a, b) = (file_hashes(old), file_hashes(new));
    let mut differs = false;
    for key in a.keys().chain(b.keys()) {
        if a.get(key) != b.get(key) {
            if key.ends_with(".html") {
                continue;
            }
            if !key.ends_with(".css") {
                return false;
            }
            differs = true;
        }
    }
    differs
}

fn file_hashes(root: &Path) -> BTreeMap<String, u64> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e
                .path()
                .strip_prefix(root)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            let bytes = std::fs::read(e.path()).ok()?;
            Some((rel, xxhash_rust::xxh3::xxh3_64(&bytes)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_only_ignores_html_and_needs_a_css_change() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        std::fs::write(a.path().join("index.html"), "1").unwrap();
        std::fs::write(b.path().join("index.html"), "2").unwrap();
        assert!(!only_css_differs(a.path(), b.path()));
        std::fs::write(a.path().join("style.1.css"), "x").unwrap();
        std::fs::write(b.path().join("style.2.css"), "y").unwrap();
        assert!(only_css_differs(a.path(), b.path()));
        std::fs::write(b.path().join("theme.js"), "z").unwrap();
        assert!(!only_css_differs(a.path(), b.path()));
    }
}
