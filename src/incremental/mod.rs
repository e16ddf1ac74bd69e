//! Incremental rebuilds for the dev server.
//!
//! [`Session::apply_edit`] handles edits of Markdown files the site already
//! has, as long as the tree stays the same (same files, same languages,
//! none becoming a draft):
//!
//! * a body-only edit re-renders just the documents showing that text (the
//!   page in its own language and any untranslated fallbacks) and the print
//!   pages holding them;
//! * a front matter edit (title, weight, slug, description, date …) also
//!   recomputes every language's view of the tree and the sidebars, then
//!   re-renders the documents whose [`shell_hash`] changed — those whose
//!   page shows something that moved or was renamed — and removes pages
//!   left at URLs that no longer exist.
//!
//! Either way the search index follows in a second step
//! ([`Session::refresh_search`]) so the browser can reload first. A new,
//! deleted or renamed file, a draft flag, a template, theme or config change
//! asks for a full build, which is always correct.
//!
//! After any path the output is byte for byte what a fresh build of the
//! same files writes (tests/serve_incremental.rs checks this).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

pub mod change;
pub mod shell;
mod timings;
mod tree;

use std::collections::BTreeMap;

use crate::check::anchors::check_anchors_of;
use crate::content::{self, SourceFile};
use crate::error::{Error, Result};
use crate::index::SearchJob;
use crate::options::BuildOptions;
use crate::output::sitemap::write_crawler_files;
use crate::output::{InPlace, Sink};
use crate::render::Renderer;
use crate::render::document::{DocInputs, contexts, render_document};
use crate::render::i18n::I18n;
use crate::render::nav::{Navs, nav_key, render_navs};
use crate::render::pages::{RenderState, RenderedDoc, render_not_found};
use crate::render::print::{check_print_urls, print_section, print_url, render_print_pages};
use crate::site::{DocRef, LangView, NodeId, Site};
use crate::theme::ThemeDir;
use change::{ChangeKind, PathKind};
use shell::shell_hashes;

/// Everything a full build worked out, kept by the dev server so that an
/// edit re-renders only what it touches (see this module).
pub struct Session {
    pub(crate) opts: BuildOptions,
    pub(crate) _theme: ThemeDir,
    pub(crate) i18n: I18n,
    pub(crate) renderer: Renderer,
    pub(crate) site: Site,
    pub(crate) assets: BTreeMap<String, String>,
    pub(crate) search_entries: Vec<Option<String>>,
    pub(crate) state: RenderState,
    /// The output folder the session last wrote.
    pub(crate) output: PathBuf,
}

/// What an edit did.
#[derive(Debug, PartialEq, Eq)]
pub enum Edit {
    /// Pages were re-rendered; the listed languages' search indexes are stale
    /// until [`Session::refresh_search`] runs.
    Applied {
        documents: usize,
        stale_search: Vec<usize>,
    },
    /// The change needs a full build.
    NeedsFullBuild,
}

/// Nodes whose entry differs between `old_views` and the site's views in
/// some language (title, URL, weight, neighbours, children …), or whose
/// file was edited (its description and date show in its section's list).
fn changed_nodes(old_views: &[LangView], site: &Site, sources: &[usize]) -> HashSet<NodeId> {
    let mut changed = HashSet::new();
    for (old, new) in old_views.iter().zip(&site.views) {
        for (id, (a, b)) in old.entries.iter().zip(&new.entries).enumerate() {
            if a != b || b.source.is_some_and(|s| sources.contains(&s)) {
                changed.insert(id);
            }
        }
    }
    changed
}

impl Session {
    pub fn output(&self) -> &Path {
        &self.output
    }

    /// Applies edits of existing Markdown files in place. On an error (a
    /// broken link in the new text, a slug that clashes) nothing is written
    /// and the session is unchanged.
    pub fn apply_edit(&mut self, changed: &[PathBuf]) -> Result<Edit> {
        // Precompressed copies would go stale; such sites rebuild whole.
        if self.site.config.raw.precompress || self.state.shells.is_empty() || changed.is_empty() {
            return Ok(Edit::NeedsFullBuild);
        }
        let mut updates: Vec<(usize, SourceFile)> = Vec::new();
        let mut body_only = true;
        let mut tree_changes = false;
        for path in changed {
            match self.classify(path)? {
                (kind @ (ChangeKind::Body | ChangeKind::FrontMatter), Some((index, file))) => {
                    body_only &= kind == ChangeKind::Body;
                    if !updates.iter().any(|(i, _)| *i == index) {
                        updates.push((index, file)); // not saved twice
                    }
                }
                (ChangeKind::NewContent | ChangeKind::RemovedContent | ChangeKind::Reshaped, _) => {
                    tree_changes = true;
                }
                _ => return Ok(Edit::NeedsFullBuild),
            }
        }
        // Redirect pages and taxonomy pages are written by full builds only:
        // a site with them rebuilds whole after any change but a body edit.
        let zola_pages = self.site.sources.iter().any(|s| {
            !s.front.aliases.is_empty()
                || s.front.redirect_to.is_some()
                || !s.front.taxonomies.is_empty()
        }) || updates.iter().any(|(_, f)| {
            !f.front.aliases.is_empty()
                || f.front.redirect_to.is_some()
                || !f.front.taxonomies.is_empty()
        });
        if zola_pages && (tree_changes || !body_only) {
            return Ok(Edit::NeedsFullBuild);
        }
        if tree_changes {
            return self.apply_tree_change(changed);
        }
        // Swap the new sources in; put the old ones back if rendering fails.
        let mut old = Vec::with_capacity(updates.len());
        for (index, file) in updates {
            old.push((
                index,
                std::mem::replace(&mut self.site.sources[index], Arc::new(file)),
            ));
        }
        let sources: Vec<usize> = old.iter().map(|(i, _)| *i).collect();
        let result = match body_only {
            true => self.rerender_bodies(&sources),
            false => self.restructure(&sources),
        };
        if result.is_err() {
            for (index, file) in old {
                self.site.sources[index] = file;
            }
        }
        result
    }

    /// What a change of `path` is (see [`change`]) and, for a Markdown file
    /// the site has, its new version with its index among the sources.
    pub fn classify(&self, path: &Path) -> Result<(ChangeKind, Option<(usize, SourceFile)>)> {
        let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        let site_dir = canonical(&self.opts.site_dir);
        let theme = self._theme.path.canonicalize().ok();
        // A deleted file cannot be made canonical; its folder still can.
        let abs = match (path.canonicalize(), path.parent(), path.file_name()) {
            (Ok(p), _, _) => p,
            (Err(_), Some(dir), Some(name)) => canonical(dir).join(name),
            _ => path.to_path_buf(),
        };
        match change::classify_path(&site_dir, theme.as_deref(), &abs) {
            PathKind::Markdown => {}
            other => return Ok((ChangeKind::Other(other), None)),
        }
        let content_dir = site_dir.join("content");
        let rel_path = abs
            .strip_prefix(&content_dir)
            .unwrap_or(&abs)
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let index = self
            .site
            .sources
            .iter()
            .position(|s| s.rel_path == rel_path);
        let index = match (index, abs.is_file()) {
            (None, true) => return Ok((ChangeKind::NewContent, None)),
            (None, false) | (Some(_), false) => return Ok((ChangeKind::RemovedContent, None)),
            (Some(i), true) => i,
        };
        let Some(file) =
            content::load_file(&content_dir, &abs, &self.site.config, self.opts.drafts)?
        else {
            return Ok((ChangeKind::Reshaped, None)); // became a draft
        };
        let old = &self.site.sources[index];
        let kind = if file.lang != old.lang || file.kind != old.kind {
            ChangeKind::Reshaped
        } else if file.front == old.front && file.title == old.title {
            ChangeKind::Body
        } else {
            ChangeKind::FrontMatter
        };
        Ok((kind, Some((index, file))))
    }

    /// Body-only edits: the documents showing the edited sources.
    fn rerender_bodies(&mut self, sources: &[usize]) -> Result<Edit> {
        let jobs: Vec<DocRef> = self
            .state
            .docs
            .iter()
            .filter(|d| self.shows_one_of(d, sources))
            .map(|d| d.doc)
            .collect();
        self.rerender(jobs, sources, None, HashMap::new())
    }

    /// Front matter edits: new views of the tree and new sidebars, then
    /// every document whose page shows something that changed. On an error
    /// the views and sidebars are put back.
    fn restructure(&mut self, sources: &[usize]) -> Result<Edit> {
        let views = self.site.make_views()?;
        let old_views = std::mem::replace(&mut self.site.views, views);
        let old_navs = std::mem::take(&mut self.state.navs);
        let result = self.rerender_what_changed(sources, &old_views, &old_navs);
        if result.is_err() {
            self.site.views = old_views;
            self.state.navs = old_navs;
        }
        result
    }

    fn rerender_what_changed(
        &mut self,
        sources: &[usize],
        old_views: &[LangView],
        old_navs: &Navs,
    ) -> Result<Edit> {
        check_print_urls(&self.site, &self.state.printable)?;
        let (languages, site_ctxs) = contexts(&self.site);
        self.state.navs = render_navs(
            &self.site,
            &self.renderer,
            &languages,
            &site_ctxs,
            Some(old_navs),
        )?;
        let changed = changed_nodes(old_views, &self.site, sources);
        let changed_navs = self.state.navs.changed_from(old_navs);
        // Only documents that show a changed node can have a new shell; the
        // hash then tells which of them really changed.
        let candidates: Vec<&RenderedDoc> = self
            .state
            .docs
            .iter()
            .filter(|d| self.may_show(d, &changed, &changed_navs))
            .collect();
        let shells = shell_hashes(
            &self.site,
            &self.i18n,
            &self.assets,
            &self.search_entries,
            &self.state,
            &candidates,
        );
        let jobs: Vec<DocRef> = candidates
            .iter()
            .filter(|d| {
                let key = d.doc;
                shells.get(&key) != self.state.shells.get(&key) || self.shows_one_of(d, sources)
            })
            .map(|d| d.doc)
            .collect();
        self.rerender(jobs, sources, Some(old_views), shells)
    }

    /// Whether `d`'s page may show one of the `changed` nodes: itself, an
    /// ancestor (breadcrumbs, print link), a child (a section's list), a
    /// neighbour (prev/next), a link target, or a changed sidebar.
    fn may_show(
        &self,
        d: &RenderedDoc,
        changed: &HashSet<NodeId>,
        changed_navs: &HashSet<DocRef>,
    ) -> bool {
        let site = &self.site;
        let entry = &site.views[d.doc.lang].entries[d.doc.node];
        changed.contains(&d.doc.node)
            || site
                .ancestors(d.doc.node)
                .iter()
                .any(|a| changed.contains(a))
            || entry.children.iter().any(|c| changed.contains(c))
            || [entry.prev, entry.next]
                .into_iter()
                .flatten()
                .any(|n| changed.contains(&n))
            || d.markdown
                .link_targets
                .iter()
                .any(|t| site.doc_for(t).is_none_or(|t| changed.contains(&t.node)))
            || changed_navs.contains(&nav_key(site, d.doc))
    }

    fn shows_one_of(&self, d: &RenderedDoc, sources: &[usize]) -> bool {
        self.site.views[d.doc.lang].entries[d.doc.node]
            .source
            .is_some_and(|s| sources.contains(&s))
    }

    /// Re-renders `jobs` (their Markdown only where a source in `edited`
    /// shows), checks anchors into and out of them, then writes them with
    /// the print pages that hold them. `old_views` is set when the views
    /// changed: pages at URLs that no longer exist are removed, and the 404
    /// pages, sitemap and feeds are written again. `shells` are new shell
    /// hashes worked out already.
    fn rerender(
        &mut self,
        jobs: Vec<DocRef>,
        edited: &[usize],
        old_views: Option<&[LangView]>,
        shells: HashMap<DocRef, u64>,
    ) -> Result<Edit> {
        let site = &self.site;
        let (languages, site_ctxs) = contexts(site);
        let positions: HashMap<DocRef, usize> = self
            .state
            .docs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.doc, i))
            .collect();
        // Text not edited is not rendered again (the session keeps every
        // document's HTML).
        let rendered = self.render_docs(&jobs, |doc| {
            positions
                .get(&doc)
                .map(|&i| &self.state.docs[i])
                .filter(|d| !self.shows_one_of(d, edited))
                .map(|d| &d.markdown)
        })?;
        self.check_anchors_around(&rendered, &positions)?;

        let out = InPlace {
            root: self.output.clone(),
        };
        if let Some(old_views) = old_views {
            self.remove_moved_pages(old_views)?;
        }
        for (html, doc) in &rendered {
            out.put(
                &format!(
                    "{}index.html",
                    site.views[doc.doc.lang].entries[doc.doc.node].url
                ),
                html.as_bytes(),
            )?;
        }
        // Print pages of every printable section above a re-rendered document.
        let mut print_jobs: HashSet<DocRef> = HashSet::new();
        for &DocRef { node: id, lang } in &jobs {
            let mut cur = Some(id);
            while let Some(s) =
                cur.and_then(|n| print_section(site, &self.state.printable, lang, n))
            {
                print_jobs.insert(DocRef::new(s, lang));
                cur = site.nodes[s].parent;
            }
        }
        let documents = rendered.len();
        let mut stale_search: Vec<usize> = rendered
            .iter()
            .map(|(_, d)| d.doc.lang)
            .filter(|&l| self.search_entries[l].is_some())
            .collect();
        stale_search.sort();
        stale_search.dedup();

        let new_docs: Vec<RenderedDoc> = rendered.into_iter().map(|(_, d)| d).collect();
        let new_shells = shell_hashes(
            site,
            &self.i18n,
            &self.assets,
            &self.search_entries,
            &self.state,
            &new_docs.iter().collect::<Vec<_>>(),
        );
        for doc in new_docs {
            if let Some(&i) = positions.get(&doc.doc) {
                self.state.docs[i] = doc;
            }
        }
        self.state.shells.extend(shells);
        // The re-rendered documents' links may have changed with their text.
        self.state.shells.extend(new_shells);
        let print_jobs: Vec<DocRef> = print_jobs.into_iter().collect();
        render_print_pages(
            &self.site,
            &self.renderer,
            &self.i18n,
            &site_ctxs,
            &languages,
            &self.assets,
            &print_jobs,
            &self.state.printable,
            &self.state.docs,
            &out,
        )?;
        if old_views.is_some() {
            for lang in 0..self.site.config.languages.len() {
                render_not_found(
                    &self.site,
                    &self.renderer,
                    &site_ctxs[lang],
                    &languages[lang],
                    &self.assets,
                    self.search_entries[lang].as_deref(),
                    &self.state.navs.html,
                    &out,
                    lang,
                )?;
            }
            write_crawler_files(&self.site, &out, &mut Vec::new())?;
        }
        Ok(Edit::Applied {
            documents,
            stale_search,
        })
    }

    /// Removes the pages (and print pages) whose URL changed, and folders
    /// left empty: a fresh build would not have them.
    fn remove_moved_pages(&self, old_views: &[LangView]) -> Result<()> {
        for (lang, old) in old_views.iter().enumerate() {
            let new = &self.site.views[lang];
            for (id, entry) in old.entries.iter().enumerate() {
                if entry.url == new.entries[id].url {
                    continue;
                }
                let mut gone = vec![entry.url.clone()];
                if self.state.printable[lang].contains(&id) {
                    gone.push(print_url(&entry.url));
                }
                for url in gone {
                    self.remove_page(&url)?;
                }
            }
        }
        Ok(())
    }

    /// Renders the documents `jobs` with the session's sidebars and print
    /// sections; `previous` gives a document's kept Markdown when its text
    /// need not be rendered again.
    fn render_docs<'a>(
        &'a self,
        jobs: &[DocRef],
        previous: impl Fn(DocRef) -> Option<&'a Arc<crate::markdown::Rendered>> + Sync,
    ) -> Result<Vec<(String, RenderedDoc)>> {
        let (languages, site_ctxs) = contexts(&self.site);
        jobs.par_iter()
            .map(|&doc| {
                render_document(
                    &self.site,
                    &self.renderer,
                    &self.i18n,
                    &DocInputs {
                        doc,
                        site_ctx: &site_ctxs[doc.lang],
                        lang_ctx: &languages[doc.lang],
                        assets: &self.assets,
                        navs: &self.state.navs,
                        search_entry: self.search_entries[doc.lang].as_deref(),
                        printable: &self.state.printable,
                    },
                    previous(doc),
                    true,
                )
            })
            .collect()
    }

    /// Removes the page at `url` (if it is there) and the folders it leaves empty.
    fn remove_page(&self, url: &str) -> Result<()> {
        let page = self.output.join(url).join("index.html");
        match std::fs::remove_file(&page) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(&page, "remove a page the site no longer has", e)),
        }
        self.remove_empty_folders(&self.output.join(url));
        Ok(())
    }

    /// Removes `dir` and its parents while they are empty, up to the output root.
    fn remove_empty_folders(&self, dir: &Path) {
        let mut cur = Some(dir);
        while let Some(d) = cur {
            if d == self.output || !d.starts_with(&self.output) {
                break;
            }
            if std::fs::remove_dir(d).is_err() {
                break; // not empty (or already gone)
            }
            cur = d.parent();
        }
    }

    /// Anchors in the edited documents must exist on their targets, and
    /// anchors elsewhere that point into the edited documents must still exist.
    fn check_anchors_around(
        &self,
        rendered: &[(String, RenderedDoc)],
        positions: &HashMap<DocRef, usize>,
    ) -> Result<()> {
        let fresh: HashMap<DocRef, &RenderedDoc> =
            rendered.iter().map(|(_, d)| (d.doc, d)).collect();
        let ids_of = |target: DocRef| -> Option<&[String]> {
            match fresh.get(&target) {
                Some(d) => Some(&d.markdown.ids),
                None => positions
                    .get(&target)
                    .map(|&i| self.state.docs[i].markdown.ids.as_slice()),
            }
        };
        let linking_in = self.state.docs.iter().filter(|d| {
            !fresh.contains_key(&d.doc)
                && d.markdown
                    .anchor_refs
                    .iter()
                    .filter_map(|r| self.site.doc_for(&r.target))
                    .any(|t| fresh.contains_key(&t))
        });
        check_anchors_of(
            &self.site,
            rendered.iter().map(|(_, d)| d).chain(linking_in),
            ids_of,
        )
    }

    /// Snapshots of `langs`' documents for rebuilding their search
    /// indexes (see [`SearchJob::write_into`]), which may run on another
    /// thread while edits go on.
    pub fn search_jobs(&mut self, langs: &[usize]) -> Vec<SearchJob> {
        langs
            .iter()
            .filter_map(|&lang| SearchJob::new(&self.site, &mut self.state.docs, lang, &self.opts))
            .collect()
    }

    /// Rebuilds the search index of `langs` after an edit, here and now.
    pub fn refresh_search(&mut self, langs: &[usize]) -> Result<()> {
        for job in self.search_jobs(langs) {
            job.write_into(&self.output)?;
        }
        Ok(())
    }
}
