//! Incremental rebuilds for the dev server.
//!
//! Most saves change only a page's text. [`Session::apply_edit`] handles
//! exactly that case: it re-reads the changed files and, when their front
//! matter and titles are unchanged, re-renders only the documents showing
//! them (the page in its own language and any untranslated fallbacks) and
//! the print pages that contain them, in place. The search index follows in
//! a second step ([`Session::refresh_search`]) so the browser can reload
//! first. Anything else — a new, deleted or renamed file, a title, weight,
//! slug or draft change, a template, theme or config change — asks for a
//! full build, which is always correct.
//!
//! After either path the output is byte for byte what a fresh build of the
//! same files writes (tests/serve_incremental.rs checks this).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::build::{
    DocInputs, RenderedDoc, Session, build_search, contexts, print_section, render_document,
    render_print_pages, search_dir, search_entry_name,
};
use crate::content::{self, SourceFile};
use crate::error::{Error, Result};
use crate::output::{InPlace, Sink};
use crate::site::NodeId;

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

impl Session {
    pub fn output(&self) -> &Path {
        &self.output
    }

    /// Applies body-only edits of existing Markdown files in place. On an
    /// error (a broken link in the new text) nothing is written and the
    /// session is unchanged.
    pub fn apply_edit(&mut self, changed: &[PathBuf]) -> Result<Edit> {
        // Precompressed copies would go stale; such sites rebuild whole.
        if self.site.config.raw.precompress {
            return Ok(Edit::NeedsFullBuild);
        }
        let Some(updates) = self.body_only_updates(changed)? else {
            return Ok(Edit::NeedsFullBuild);
        };
        // Swap the new sources in; put the old ones back if rendering fails.
        let mut old = Vec::with_capacity(updates.len());
        for (index, file) in updates {
            old.push((
                index,
                std::mem::replace(&mut self.site.sources[index], file),
            ));
        }
        match self.rerender(&old.iter().map(|(i, _)| *i).collect::<Vec<_>>()) {
            Ok(edit) => Ok(edit),
            Err(e) => {
                for (index, file) in old {
                    self.site.sources[index] = file;
                }
                Err(e)
            }
        }
    }

    /// The new versions of the changed files, when every change is a body
    /// edit of a file the site already has; `None` otherwise.
    fn body_only_updates(&self, changed: &[PathBuf]) -> Result<Option<Vec<(usize, SourceFile)>>> {
        if changed.is_empty() {
            return Ok(None);
        }
        let content_dir = self.opts.site_dir.join("content");
        let content_abs = content_dir.canonicalize().unwrap_or(content_dir.clone());
        let mut updates = Vec::new();
        for path in changed {
            if path.extension().is_none_or(|e| e != "md") || !path.is_file() {
                return Ok(None);
            }
            let abs = path.canonicalize().unwrap_or(path.clone());
            let Ok(rel) = abs.strip_prefix(&content_abs) else {
                return Ok(None);
            };
            let rel_path = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let Some(index) = self
                .site
                .sources
                .iter()
                .position(|s| s.rel_path == rel_path)
            else {
                return Ok(None); // a new file
            };
            let Some(file) = content::load_file(
                &content_dir,
                &content_dir.join(rel),
                &self.site.config,
                self.opts.drafts,
            )?
            else {
                return Ok(None); // became a draft
            };
            let old = &self.site.sources[index];
            if file.front != old.front
                || file.title != old.title
                || file.lang != old.lang
                || file.kind != old.kind
            {
                return Ok(None);
            }
            updates.push((index, file));
        }
        Ok(Some(updates))
    }

    /// Re-renders every document showing one of `sources`, checks anchors
    /// into and out of them, then writes the pages and affected print pages.
    fn rerender(&mut self, sources: &[usize]) -> Result<Edit> {
        let site = &self.site;
        let n_langs = site.config.languages.len();
        let jobs: Vec<(usize, NodeId)> = (0..n_langs)
            .flat_map(|l| {
                site.views[l]
                    .entries
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| e.source.is_some_and(|s| sources.contains(&s)))
                    .map(move |(id, _)| (l, id))
            })
            .collect();
        let (languages, site_ctxs) = contexts(site);
        let rendered: Vec<(usize, NodeId, String, RenderedDoc)> = jobs
            .par_iter()
            .map(|&(lang, id)| {
                render_document(
                    site,
                    &self.renderer,
                    &self.i18n,
                    &DocInputs {
                        lang,
                        id,
                        site_ctx: &site_ctxs[lang],
                        lang_ctx: &languages[lang],
                        assets: &self.assets,
                        navs: &self.state.navs,
                        search_entry: self.search_entries[lang].as_deref(),
                        printable: &self.state.printable,
                    },
                )
                .map(|(html, doc)| (lang, id, html, doc))
            })
            .collect::<Result<_>>()?;
        self.check_anchors_around(&rendered)?;

        let out = InPlace {
            root: self.output.clone(),
        };
        for (lang, id, html, _) in &rendered {
            out.put(
                &format!("{}index.html", site.views[*lang].entries[*id].url),
                html.as_bytes(),
            )?;
        }
        // Print pages of every printable section above an edited document.
        let mut print_jobs: HashSet<(usize, NodeId)> = HashSet::new();
        for &(lang, id) in &jobs {
            let mut cur = Some(id);
            while let Some(s) =
                cur.and_then(|n| print_section(site, &self.state.printable, lang, n))
            {
                print_jobs.insert((lang, s));
                cur = site.nodes[s].parent;
            }
        }
        let documents = rendered.len();
        let stale_search: Vec<usize> = {
            let mut langs: Vec<usize> = rendered
                .iter()
                .map(|(l, ..)| *l)
                .filter(|&l| self.search_entries[l].is_some())
                .collect();
            langs.sort();
            langs.dedup();
            langs
        };
        let positions: HashMap<(usize, NodeId), usize> = self
            .state
            .docs
            .iter()
            .enumerate()
            .map(|(i, d)| ((d.lang, d.node), i))
            .collect();
        for (lang, id, _, doc) in rendered {
            if let Some(&i) = positions.get(&(lang, id)) {
                self.state.docs[i] = doc;
            }
        }
        let print_jobs: Vec<(usize, NodeId)> = print_jobs.into_iter().collect();
        render_print_pages(
            &self.site,
            &self.renderer,
            &self.i18n,
            &site_ctxs,
            &languages,
            &self.assets,
            &print_jobs,
            &self.state.docs,
            &out,
        )?;
        Ok(Edit::Applied {
            documents,
            stale_search,
        })
    }

    /// Anchors in the edited documents must exist on their targets, and
    /// anchors elsewhere that point into the edited documents must still exist.
    fn check_anchors_around(
        &self,
        rendered: &[(usize, NodeId, String, RenderedDoc)],
    ) -> Result<()> {
        let n = self.site.config.languages.len();
        let key = |lang: usize, node: NodeId| node * n + lang;
        let mut ids: HashMap<usize, HashSet<&str>> = HashMap::new();
        for d in &self.state.docs {
            ids.insert(
                key(d.lang, d.node),
                d.markdown.ids.iter().map(String::as_str).collect(),
            );
        }
        for (lang, id, _, d) in rendered {
            ids.insert(
                key(*lang, *id),
                d.markdown.ids.iter().map(String::as_str).collect(),
            );
        }
        let edited: HashSet<usize> = rendered.iter().map(|(l, id, ..)| key(*l, *id)).collect();
        let mut docs: Vec<&RenderedDoc> = rendered.iter().map(|(.., d)| d).collect();
        docs.extend(self.state.docs.iter().filter(|d| {
            !edited.contains(&key(d.lang, d.node))
                && d.markdown
                    .anchor_refs
                    .iter()
                    .any(|r| edited.contains(&r.target))
        }));
        let mut errors = Vec::new();
        for d in docs {
            let entry = &self.site.views[d.lang].entries[d.node];
            let Some(file) = entry
                .source
                .filter(|_| entry.translated)
                .map(|s| &self.site.sources[s])
            else {
                continue;
            };
            for r in &d.markdown.anchor_refs {
                if !ids
                    .get(&r.target)
                    .is_some_and(|set| set.contains(r.anchor.as_str()))
                {
                    errors.push(
                        Error::new(format!(
                            "broken anchor: no heading with id `{}` on the linked page",
                            r.anchor
                        ))
                        .at(
                            &file.display_path,
                            Some(r.line),
                            Some(r.column),
                        ),
                    );
                }
            }
        }
        match Error::combine(errors) {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Rebuilds the search index of `langs` after an edit: new files under
    /// their content-hashed names, pages pointed at the new entry file, and
    /// the old index files removed.
    pub fn refresh_search(&mut self, langs: &[usize]) -> Result<()> {
        for &lang in langs {
            let Some(old_entry) = self.search_entries[lang].clone() else {
                continue;
            };
            let new_entry = search_entry_name(&self.site, lang);
            if new_entry.as_deref() == Some(old_entry.as_str()) {
                continue;
            }
            let mut entries = self.search_entries.clone();
            entries[lang] = new_entry.clone();
            let files = build_search(&self.site, &mut self.state.docs, &entries, Some(lang), true)?;
            let out = InPlace {
                root: self.output.clone(),
            };
            for (path, bytes) in &files {
                out.put(path, bytes)?;
            }
            if let Some(new_entry) = &new_entry {
                self.repoint_pages(&old_entry, new_entry)?;
            }
            // Remove the old index's files: everything in the folder the new one did not write.
            let keep: HashSet<PathBuf> = files.iter().map(|(p, _)| self.output.join(p)).collect();
            let dir = self.output.join(search_dir(&self.site, lang));
            for entry in std::fs::read_dir(&dir)
                .map_err(|e| Error::io(&dir, "read the search folder", e))?
                .flatten()
            {
                if !keep.contains(&entry.path()) {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
            self.search_entries = entries;
        }
        Ok(())
    }

    /// Points every page that names the old entry file at the new one.
    fn repoint_pages(&self, old: &str, new: &str) -> Result<()> {
        let out = InPlace {
            root: self.output.clone(),
        };
        let pages: Vec<PathBuf> = walkdir::WalkDir::new(&self.output)
            .into_iter()
            .flatten()
            .filter(|e| {
                e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "html")
            })
            .map(|e| e.into_path())
            .collect();
        pages.par_iter().try_for_each(|path| {
            let text =
                std::fs::read_to_string(path).map_err(|e| Error::io(path, "read the page", e))?;
            if !text.contains(old) {
                return Ok(());
            }
            let rel = path
                .strip_prefix(&self.output)
                .unwrap_or(path)
                .to_string_lossy()
                .replace('\\', "/");
            out.put(&rel, text.replace(old, new).as_bytes())
        })
    }
}
