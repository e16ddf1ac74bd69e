//! Changes of the tree in place: new, deleted and renamed Markdown files,
//! draft toggles, new sections, translations added or removed.
//!
//! The model is rebuilt from the new list of sources (what a fresh build
//! would load), which renumbers nodes; every document the session kept is
//! carried over to the new numbers — its Markdown with it, unless its text
//! or the text it shows changed — and then, as for front matter edits, only
//! the documents whose shell hash changed are rendered again. Pages at URLs
//! that no longer exist are removed; print pages, 404 pages, sitemap and
//! feeds are written again. Node numbers show in the output (print pages
//! name each part `n12`), so carrying a document over also renumbers the
//! link placeholders in its kept HTML.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::timings::Phases;
use super::{Edit, Session};
use crate::check::anchors::check_anchors;
use crate::content::{self, SourceFile};
use crate::error::Result;
use crate::markdown::Rendered;
use crate::output::sitemap::write_crawler_files;
use crate::output::{InPlace, Sink};
use crate::render::document::contexts;
use crate::render::nav::{Navs, render_navs};
use crate::render::pages::{RenderState, RenderedDoc, render_not_found};
use crate::render::print::{self, check_print_urls, print_url, render_print_pages};
use crate::site::{DocRef, Entry, NodeId, Site};

/// Old node numbers → new ones (`None`: the node is gone).
struct Renumbering(Vec<Option<NodeId>>);

impl Renumbering {
    fn new(old: &Site, new: &Site) -> Renumbering {
        Renumbering(old.nodes.iter().map(|n| new.node_by_key(&n.key)).collect())
    }

    fn node(&self, old: NodeId) -> Option<NodeId> {
        self.0.get(old).copied().flatten()
    }

    fn doc(&self, old: DocRef) -> Option<DocRef> {
        self.node(old.node).map(|node| DocRef::new(node, old.lang))
    }
}

impl Session {
    /// Applies `changed` (Markdown files of the content, some new, removed
    /// or reshaped) by rebuilding the tree. On an error (a broken link to a
    /// deleted page, two pages at one URL) nothing is written and the
    /// session is unchanged.
    pub(super) fn apply_tree_change(&mut self, changed: &[PathBuf]) -> Result<Edit> {
        if !self.tree_change_in_place(changed)? {
            return Ok(Edit::NeedsFullBuild);
        }
        let mut phases = Phases::start();
        let (sources, edited) = self.sources_after(changed)?;
        phases.done("load");
        // Redirect and taxonomy pages are written by full builds only.
        if sources.iter().any(|s| {
            !s.front.aliases.is_empty()
                || s.front.redirect_to.is_some()
                || !s.front.taxonomies.is_empty()
        }) {
            return Ok(Edit::NeedsFullBuild);
        }
        let site = Site::from_shared(self.site.config.clone(), sources)?;
        phases.done("model");
        let renumbering = Renumbering::new(&self.site, &site);
        let old_site = std::mem::replace(&mut self.site, site);
        let old_state = std::mem::take(&mut self.state);
        let (state, fresh) = carry_over(&old_site, &self.site, &old_state, &renumbering, &edited);
        self.state = state;
        phases.done("carry");
        match self.render_tree_change(&old_site, &old_state, &renumbering, &fresh) {
            Ok(edit) => Ok(edit),
            Err(e) => {
                self.site = old_site;
                self.state = old_state;
                Err(e)
            }
        }
    }

    /// Whether `changed` can be applied by reloading just those files. Not
    /// when a section's draft flag toggled or a file sits in a draft section
    /// (a fresh load drops or adds the whole section), nor when a section
    /// or bundle page appears or goes in a folder with other files (where
    /// those files are published follows the sections and bundles).
    fn tree_change_in_place(&self, changed: &[PathBuf]) -> Result<bool> {
        let content_dir = self.opts.site_dir.join("content");
        let batch: HashSet<String> = changed
            .iter()
            .map(|p| content_rel_path(&content_dir, p))
            .collect();
        for path in changed {
            let rel = content_rel_path(&content_dir, path);
            let name = rel.rsplit('/').next().unwrap_or(&rel);
            let is_section_or_bundle = name.starts_with("_index.") || name.starts_with("index.");
            let was_loaded = self.site.sources.iter().any(|s| s.rel_path == rel);
            let file = content_dir.join(&rel);
            if is_section_or_bundle && (was_loaded == file.is_file()) {
                return Ok(false); // edited and now (or no longer) a draft
            }
            let folder = file.parent().unwrap_or(&content_dir);
            if is_section_or_bundle && has_other_files(folder) {
                return Ok(false);
            }
            // A section back from being a draft brings back pages that the
            // session never loaded.
            if is_section_or_bundle
                && !was_loaded
                && self.has_unloaded_pages(&content_dir, folder, &batch)
            {
                return Ok(false);
            }
            if self.in_unloaded_section(&content_dir, &rel, &batch) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Whether `folder` or a folder below it holds Markdown files that the
    /// site did not load, other than those in this `batch` of changes.
    fn has_unloaded_pages(
        &self,
        content_dir: &Path,
        folder: &Path,
        batch: &HashSet<String>,
    ) -> bool {
        let loaded: HashSet<&str> = self
            .site
            .sources
            .iter()
            .map(|s| s.rel_path.as_str())
            .collect();
        walkdir::WalkDir::new(folder)
            .into_iter()
            .flatten()
            .any(|e| {
                let rel = content_rel_path(content_dir, e.path());
                e.file_type().is_file()
                    && rel.ends_with(".md")
                    && !loaded.contains(rel.as_str())
                    && !batch.contains(&rel)
            })
    }

    /// Whether a folder above `rel` has an `_index*.md` that the site did
    /// not load (other than those in this `batch` of changes): a draft
    /// section, whose pages a fresh build leaves out.
    fn in_unloaded_section(&self, content_dir: &Path, rel: &str, batch: &HashSet<String>) -> bool {
        let mut dir = rel.rsplit_once('/').map(|(d, _)| d);
        while let Some(d) = dir {
            let on_disk = std::fs::read_dir(content_dir.join(d))
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("_index") && n.ends_with(".md"));
            for name in on_disk {
                let section = format!("{d}/{name}");
                if !batch.contains(&section)
                    && !self.site.sources.iter().any(|s| s.rel_path == section)
                {
                    return true;
                }
            }
            dir = d.rsplit_once('/').map(|(p, _)| p);
        }
        false
    }

    /// The sources a fresh build would load after `changed`, in its order,
    /// and the content paths whose text was (re)loaded.
    fn sources_after(
        &self,
        changed: &[PathBuf],
    ) -> Result<(Vec<Arc<SourceFile>>, HashSet<String>)> {
        let content_dir = self.opts.site_dir.join("content");
        let ignored = content::ignored_content(&self.site.config)?;
        let mut sources = self.site.sources.clone();
        let mut edited = HashSet::new();
        for path in changed {
            let rel = content_rel_path(&content_dir, path);
            sources.retain(|s| s.rel_path != rel);
            let file = content_dir.join(&rel);
            if !file.is_file() || ignored.is_match(Path::new(&rel)) {
                continue;
            }
            if let Some(source) =
                content::load_file(&content_dir, &file, &self.site.config, self.opts.drafts)?
            {
                let at = sources.partition_point(|s| walk_order(&s.rel_path) < walk_order(&rel));
                sources.insert(at, Arc::new(source));
                edited.insert(rel);
            }
        }
        Ok((sources, edited))
    }

    /// Renders what the tree change touched into the output, with the new
    /// site and carried state in place; `old_*` are what they replaced.
    fn render_tree_change(
        &mut self,
        old_site: &Site,
        old_state: &RenderState,
        renumbering: &Renumbering,
        fresh: &HashSet<DocRef>,
    ) -> Result<Edit> {
        let site = &self.site;
        let config = &site.config;
        let mut phases = Phases::start();
        let printable = print::printable_sets(site);
        check_print_urls(site, &printable)?;
        self.state.printable = printable;
        phases.done("printable");
        let (languages, site_ctxs) = contexts(site);
        let navs = render_navs(
            site,
            &self.renderer,
            &languages,
            &site_ctxs,
            Some(&self.state.navs),
        )?;
        phases.done("navs");
        let changed_navs = navs.changed_from(&self.state.navs);
        self.state.navs = navs;

        let changed = changed_nodes(old_site, site, renumbering);
        let candidates: Vec<&RenderedDoc> = self
            .state
            .docs
            .iter()
            .filter(|d| fresh.contains(&d.doc) || self.may_show(d, &changed, &changed_navs))
            .collect();
        phases.done("candidates");
        let shells = super::shell::shell_hashes(
            site,
            &self.i18n,
            &self.assets,
            &self.search_entries,
            &self.state,
            &candidates,
        );
        let jobs: Vec<DocRef> = candidates
            .iter()
            .map(|d| d.doc)
            .filter(|doc| fresh.contains(doc) || shells.get(doc) != self.state.shells.get(doc))
            .collect();
        phases.done("shells");

        let positions: HashMap<DocRef, usize> = self
            .state
            .docs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.doc, i))
            .collect();
        let rendered = self.render_docs(&jobs, |doc| {
            (!fresh.contains(&doc)).then(|| &self.state.docs[positions[&doc]].markdown)
        })?;
        for (_, doc) in &rendered {
            let i = positions[&doc.doc];
            self.state.docs[i].markdown = doc.markdown.clone();
        }
        phases.done("render");
        check_anchors(site, &self.state.docs)?;
        phases.done("anchors");

        // Everything checked: write.
        let out = InPlace {
            root: self.output.clone(),
        };
        self.remove_gone_pages(old_site, old_state)?;
        for (html, doc) in &rendered {
            out.put(
                &format!(
                    "{}index.html",
                    site.views[doc.doc.lang].entries[doc.doc.node].url
                ),
                html.as_bytes(),
            )?;
        }
        phases.done("write");
        let print_jobs = self.print_pages_to_write(old_site, old_state, renumbering, &jobs);
        render_print_pages(
            site,
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
        phases.done("print");
        for lang in 0..config.languages.len() {
            render_not_found(
                site,
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
        phases.done("404");
        write_crawler_files(site, &out, &mut Vec::new())?;
        phases.done("sitemap");

        let new_shells = super::shell::shell_hashes(
            site,
            &self.i18n,
            &self.assets,
            &self.search_entries,
            &self.state,
            &rendered.iter().map(|(_, d)| d).collect::<Vec<_>>(),
        );
        self.state.shells.extend(shells);
        self.state.shells.extend(new_shells);
        phases.done("shells after");
        let stale_search: Vec<usize> = (0..config.languages.len())
            .filter(|&l| self.search_entries[l].is_some())
            .collect();
        Ok(Edit::Applied {
            documents: rendered.len(),
            stale_search,
        })
    }

    /// The print pages whose content may differ from what the output has:
    /// new ones, those holding a re-rendered document, and those whose
    /// members changed (in number or in node numbers).
    fn print_pages_to_write(
        &self,
        old_site: &Site,
        old_state: &RenderState,
        renumbering: &Renumbering,
        rendered: &[DocRef],
    ) -> Vec<DocRef> {
        let site = &self.site;
        let rendered: HashSet<DocRef> = rendered.iter().copied().collect();
        let mut jobs = Vec::new();
        for (lang, sections) in self.state.printable.iter().enumerate() {
            for &section in sections {
                let inline_max = site.config.raw.print.inline_max_documents;
                let members = print::printed_members(
                    site,
                    lang,
                    section,
                    &self.state.printable[lang],
                    inline_max,
                );
                let old_section = renumbering
                    .0
                    .iter()
                    .position(|&n| n == Some(section))
                    .filter(|&old| old_state.printable[lang].contains(&old));
                // The same members (in the new numbers) print the same page:
                // parts are named by their place on it, not by node number.
                let unchanged_members = old_section.is_some_and(|old| {
                    let old_members = print::printed_members(
                        old_site,
                        lang,
                        old,
                        &old_state.printable[lang],
                        inline_max,
                    );
                    old_members
                        .iter()
                        .map(|&(m, inline)| (renumbering.node(m), inline))
                        .eq(members.iter().map(|&(m, inline)| (Some(m), inline)))
                });
                let holds_rendered = members
                    .iter()
                    .any(|&(m, _)| rendered.contains(&DocRef::new(m, lang)));
                if !unchanged_members || holds_rendered {
                    jobs.push(DocRef::new(section, lang));
                }
            }
        }
        jobs
    }

    /// Removes the pages and print pages at URLs the new site does not
    /// have, and the folders left empty.
    fn remove_gone_pages(&self, old_site: &Site, old_state: &RenderState) -> Result<()> {
        for (lang, old_view) in old_site.views.iter().enumerate() {
            let new_view = &self.site.views[lang];
            let mut kept: HashSet<String> =
                new_view.entries.iter().map(|e| e.url.clone()).collect();
            kept.extend(
                self.state.printable[lang]
                    .iter()
                    .map(|&s| print_url(&new_view.entries[s].url)),
            );
            let mut old_urls: Vec<String> =
                old_view.entries.iter().map(|e| e.url.clone()).collect();
            old_urls.extend(
                old_state.printable[lang]
                    .iter()
                    .map(|&s| print_url(&old_view.entries[s].url)),
            );
            for url in old_urls.into_iter().filter(|u| !kept.contains(u)) {
                self.remove_page(&url)?;
            }
        }
        Ok(())
    }
}

/// The new site's documents in reading order: each old document carried
/// over to the new node numbers with its Markdown, or (in the returned set)
/// to be rendered afresh — new documents, those showing a (re)loaded file
/// or another file than before, and those linking to a node that is gone.
fn carry_over(
    old_site: &Site,
    site: &Site,
    old: &RenderState,
    renumbering: &Renumbering,
    edited: &HashSet<String>,
) -> (RenderState, HashSet<DocRef>) {
    let source_path = |s: &Site, doc: DocRef| {
        s.views[doc.lang].entries[doc.node]
            .source
            .map(|i| s.sources[i].rel_path.clone())
    };
    // Rendered Markdown names its link targets by node key, so a kept
    // document is shared as it is; one whose text changed, or that links
    // to a page the site no longer has, is rendered again.
    let mut kept: HashMap<DocRef, Arc<Rendered>> = HashMap::new();
    for d in &old.docs {
        let Some(doc) = renumbering.doc(d.doc) else {
            continue; // its node is gone
        };
        let same_text = source_path(old_site, d.doc) == source_path(site, doc)
            && source_path(site, doc).is_none_or(|p| !edited.contains(&p));
        let targets_exist = d
            .markdown
            .link_targets
            .iter()
            .all(|t| site.doc_for(t).is_some());
        if same_text && targets_exist {
            kept.insert(doc, Arc::clone(&d.markdown));
        }
    }
    let mut fresh = HashSet::new();
    let mut docs = Vec::new();
    for (lang, view) in site.views.iter().enumerate() {
        for &node in &view.reading_order {
            let doc = DocRef::new(node, lang);
            let markdown = kept.remove(&doc).unwrap_or_else(|| {
                fresh.insert(doc);
                Arc::default()
            });
            docs.push(RenderedDoc { doc, markdown });
        }
    }
    let shells = renumber_keys(&old.shells, renumbering);
    let navs = Navs {
        html: renumber_keys(&old.navs.html, renumbering),
        trees: renumber_keys(&old.navs.trees, renumbering),
    };
    let state = RenderState {
        docs,
        shells,
        navs,
        printable: Vec::new(), // worked out for the new site by the caller
    };
    (state, fresh)
}

/// `map` with its keys in the new node numbers, without the documents gone.
fn renumber_keys<V: Clone>(
    map: &HashMap<DocRef, V>,
    renumbering: &Renumbering,
) -> HashMap<DocRef, V> {
    map.iter()
        .filter_map(|(&doc, v)| renumbering.doc(doc).map(|d| (d, v.clone())))
        .collect()
}

/// Nodes of the new site whose entry in some language differs from the
/// old one's (compared in the new numbers), and new nodes.
fn changed_nodes(old_site: &Site, site: &Site, renumbering: &Renumbering) -> HashSet<NodeId> {
    let mut old_of: Vec<Option<NodeId>> = vec![None; site.nodes.len()];
    for (old, new) in renumbering.0.iter().enumerate() {
        if let Some(new) = *new {
            old_of[new] = Some(old);
        }
    }
    let mut changed = HashSet::new();
    for (lang, view) in site.views.iter().enumerate() {
        for (node, entry) in view.entries.iter().enumerate() {
            let same = old_of[node].is_some_and(|old| {
                same_entry(
                    old_site,
                    &old_site.views[lang].entries[old],
                    site,
                    entry,
                    renumbering,
                )
            });
            if !same {
                changed.insert(node);
            }
        }
    }
    changed
}

/// Whether an old entry and a new one show the same thing: source files
/// compared by path, nodes by their new numbers.
fn same_entry(
    old_site: &Site,
    before: &Entry,
    site: &Site,
    after: &Entry,
    renumbering: &Renumbering,
) -> bool {
    fn path(s: &Site, i: Option<usize>) -> Option<&str> {
        i.map(|i| s.sources[i].rel_path.as_str())
    }
    let node = |old: Option<NodeId>| old.and_then(|o| renumbering.node(o));
    before.title == after.title
        && before.url == after.url
        && before.weight == after.weight
        && before.translated == after.translated
        && path(old_site, before.source) == path(site, after.source)
        && node(before.prev) == after.prev
        && node(before.next) == after.next
        && before.children.len() == after.children.len()
        && before
            .children
            .iter()
            .zip(&after.children)
            .all(|(&b, &a)| renumbering.node(b) == Some(a))
}

/// Whether `dir` or a folder below it holds a file that is not Markdown.
fn has_other_files(dir: &Path) -> bool {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .any(|e| e.file_type().is_file() && e.path().extension().is_none_or(|x| x != "md"))
}

/// "units/research.md" for a path below `content_dir` (absolute or not).
fn content_rel_path(content_dir: &Path, path: &Path) -> String {
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let dir = canonical(content_dir);
    let abs = match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => canonical(parent).join(name),
        _ => path.to_path_buf(),
    };
    abs.strip_prefix(&dir)
        .unwrap_or(&abs)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The order in which `content::load` finds files: a walk of the content
/// folder with each folder's entries sorted by name, which is the order of
/// the paths' components compared one by one.
fn walk_order(rel_path: &str) -> Vec<&[u8]> {
    rel_path.split('/').map(str::as_bytes).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_order_is_the_sorted_walk() {
        let mut paths = vec![
            "ab.md",
            "a.md",
            "a-b/c.md",
            "a/b.md",
            "a/_index.md",
            "_index.md",
        ];
        paths.sort_by(|x, y| walk_order(x).cmp(&walk_order(y)));
        // As WalkDir::sort_by_file_name visits them: the root's entries by
        // name ("_index.md", "a", "a-b", "a.md", "ab.md"), each folder's
        // files before the next entry of its parent.
        assert_eq!(
            paths,
            [
                "_index.md",
                "a/_index.md",
                "a/b.md",
                "a-b/c.md",
                "a.md",
                "ab.md"
            ]
        );
    }
}
