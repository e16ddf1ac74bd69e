//! `grassroots check`: the site's links and translations, without writing
//! anything. Fast enough for every commit: no templates, no index, no files.

use std::fmt::Write as _;

use rayon::prelude::*;

pub mod anchors;

use crate::content::{self, Kind};
use crate::error::{Error, Result};
use crate::markdown;
use crate::markdown::{LinkResolver, ResolvedLink};
use crate::options::{BuildOptions, load_config};
use crate::render::pages::RenderedDoc;
use crate::site::{DocRef, NodeId, ROOT, Site};
use anchors::check_anchors;

/// Resolves `@/` links for one document of one language.
pub(crate) struct Resolver<'a> {
    pub site: &'a Site,
    pub lang: usize,
    /// URL of the document being rendered.
    pub from: &'a str,
}

impl LinkResolver for Resolver<'_> {
    fn resolve(&self, path: &str, anchor: Option<&str>) -> Option<ResolvedLink> {
        let (node, lang) = self.site.node_for_path(path)?;
        let lang = lang.unwrap_or(self.lang);
        let url = &self.site.views[lang].entries[node].url;
        let mut href = self.site.href(self.from, url);
        if let Some(a) = anchor {
            href.push('#');
            href.push_str(a);
        }
        Some(ResolvedLink {
            href,
            target: self.site.link_target(DocRef::new(node, lang)),
        })
    }
}

/// What a check found besides errors.
#[derive(Debug)]
pub struct CheckReport {
    pub documents: usize,
    /// One row per section: (section path, per language (translated pages, pages)).
    pub coverage: Vec<(String, Vec<(usize, usize)>)>,
    pub languages: Vec<String>,
    /// Pages only reachable through a folder without `_index.md`.
    pub orphans: Vec<String>,
}

impl CheckReport {
    /// The translation coverage as a plain-text table.
    pub fn table(&self) -> String {
        let width = self
            .coverage
            .iter()
            .map(|(s, _)| s.chars().count())
            .max()
            .unwrap_or(7)
            .max(7);
        let mut out = format!("{:<width$}", "section");
        for l in &self.languages {
            let _ = write!(out, "  {l:>9}");
        }
        out.push('\n');
        for (section, counts) in &self.coverage {
            let _ = write!(out, "{section:<width$}");
            for (done, total) in counts {
                let cell = format!("{done}/{total}");
                let _ = write!(out, "  {cell:>9}");
            }
            out.push('\n');
        }
        out
    }
}

/// Loads the site and renders its Markdown in memory; broken links and
/// anchors are errors, missing translations are reported.
pub fn check(opts: &BuildOptions) -> Result<CheckReport> {
    let config = load_config(opts)?;
    let (sources, _) = content::load(&opts.site_dir.join("content"), &config, opts.drafts)?;
    let site = Site::new(config, sources)?;
    let jobs: Vec<DocRef> = (0..site.config.languages.len())
        .flat_map(|l| {
            site.views[l]
                .reading_order
                .iter()
                .map(move |&n| DocRef::new(n, l))
        })
        .filter(|d| site.is_translated(d.node, d.lang))
        .collect();
    let results: Vec<Result<RenderedDoc>> = jobs
        .par_iter()
        .map(|&doc| {
            let DocRef { node, lang } = doc;
            let entry = &site.views[lang].entries[node];
            let file = &site.sources[entry.source.expect("translated entries have a source")];
            let rendered = markdown::render(
                &file.body,
                &markdown::RenderContext {
                    file: &file.display_path,
                    body_line: file.body_line,
                    smart_punctuation: false,
                    links: &Resolver {
                        site: &site,
                        lang,
                        from: &entry.url,
                    },
                    id_prefix: "",
                },
            )?;
            Ok(RenderedDoc {
                doc,
                markdown: rendered.into(),
            })
        })
        .collect();
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(d) => docs.push(d),
            Err(e) => errors.push(e),
        }
    }
    if let Err(e) = check_anchors(&site, &docs) {
        errors.push(e);
    }
    if let Some(e) = Error::combine(errors) {
        return Err(e);
    }
    Ok(CheckReport {
        documents: docs.len(),
        coverage: coverage(&site),
        languages: site
            .config
            .languages
            .iter()
            .map(|l| l.code.clone())
            .collect(),
        orphans: orphans(&site),
    })
}

fn coverage(site: &Site) -> Vec<(String, Vec<(usize, usize)>)> {
    site.views[0]
        .reading_order
        .iter()
        .filter(|&&id| site.nodes[id].kind == Kind::Section)
        .map(|&section| {
            let docs: Vec<NodeId> = std::iter::once(section)
                .chain(
                    site.nodes[section]
                        .children
                        .iter()
                        .copied()
                        .filter(|&c| site.nodes[c].kind == Kind::Page),
                )
                .collect();
            let counts = (0..site.config.languages.len())
                .map(|l| {
                    (
                        docs.iter().filter(|&&d| site.is_translated(d, l)).count(),
                        docs.len(),
                    )
                })
                .collect();
            let name = if section == ROOT {
                "/".to_string()
            } else {
                format!("{}/", site.nodes[section].dir)
            };
            (name, counts)
        })
        .collect()
}

fn orphans(site: &Site) -> Vec<String> {
    let mut out: Vec<String> = site
        .nodes
        .iter()
        .filter(|n| n.kind == Kind::Page)
        .filter(|n| {
            n.parent
                .is_some_and(|p| site.nodes[p].sources.iter().all(Option::is_none) && p != ROOT)
        })
        .map(|n| {
            format!(
                "content/{}.md (folder content/{}/ has no _index.md)",
                n.key, n.dir
            )
        })
        .collect();
    out.sort();
    out
}
