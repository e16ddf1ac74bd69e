//! The sidebars: one per (language, section), rendered once and
//! personalised per page, each with a hash of the tree it shows so that
//! the dev server re-renders only the sidebars an edit changed.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use crate::content::Kind;
use crate::error::Result;
use crate::render::Renderer;
use crate::render::context::{self, LanguageCtx, SiteCtx};
use crate::site::{DocRef, ROOT, Site};

/// The sidebars of a site: HTML per section document, with
/// [`context::ROOT_MARKER`] for the root prefix, and a hash of the tree each
/// was rendered from.
#[derive(Default)]
pub struct Navs {
    pub html: HashMap<DocRef, String>,
    pub(crate) trees: HashMap<DocRef, u64>,
}

impl Navs {
    /// The sidebars whose tree differs from `old`'s.
    pub fn changed_from(&self, old: &Navs) -> HashSet<DocRef> {
        self.trees
            .iter()
            .filter(|(key, hash)| old.trees.get(key) != Some(hash))
            .map(|(key, _)| *key)
            .collect()
    }
}

/// Renders the sidebar of every (language, section). It is rendered once
/// per section and only personalised per page: rendering it for every page
/// would cost as much as the pages themselves on large sites. A sidebar
/// whose tree is unchanged from `previous` is reused as it was.
pub(crate) fn render_navs(
    site: &Site,
    renderer: &Renderer,
    languages: &[LanguageCtx],
    site_ctxs: &[SiteCtx],
    previous: Option<&Navs>,
) -> Result<Navs> {
    let expand_all = site.nodes.len() <= site.config.raw.navigation.expand_all_below;
    let sections: Vec<DocRef> = (0..site.config.languages.len())
        .flat_map(|l| {
            site.nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| n.kind == Kind::Section)
                .map(move |(id, _)| DocRef::new(id, l))
        })
        .collect();
    let rendered: Vec<(DocRef, String, u64)> = sections
        .par_iter()
        .map(|&key| {
            let DocRef {
                node: section,
                lang,
            } = key;
            let tree = context::nav_tree(site, lang, section, expand_all);
            let mut hasher = xxhash_rust::xxh3::Xxh3::new();
            let _ = serde_json::to_writer(HashWriter(&mut hasher), &tree);
            let hash = hasher.digest();
            if let Some(prev) = previous
                && prev.trees.get(&key) == Some(&hash)
                && let Some(html) = prev.html.get(&key)
            {
                return Ok((key, html.clone(), hash));
            }
            let mut ctx = tera::Context::new();
            ctx.insert("nav", &tree);
            ctx.insert("lang", &languages[lang]);
            ctx.insert("site", &site_ctxs[lang]);
            renderer
                .render(lang, "partials/nav.html", &ctx)
                .map(|html| (key, html, hash))
        })
        .collect::<Result<_>>()?;
    let mut navs = Navs::default();
    for (key, html, hash) in rendered {
        navs.html.insert(key, html);
        navs.trees.insert(key, hash);
    }
    Ok(navs)
}

/// The section whose sidebar a document shows: its own, or its parent's.
pub(crate) fn nav_key(site: &Site, doc: DocRef) -> DocRef {
    let section = match site.nodes[doc.node].kind {
        Kind::Section => doc.node,
        Kind::Page => site.nodes[doc.node].parent.unwrap_or(ROOT),
    };
    DocRef::new(section, doc.lang)
}

/// Feeds `serde_json` output straight into a hasher.
pub(crate) struct HashWriter<'a>(pub &'a mut xxhash_rust::xxh3::Xxh3);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::document::contexts;
    use crate::site::testing;

    #[test]
    fn a_page_shows_its_sections_sidebar_and_a_section_its_own() {
        let site = testing::units();
        let (research, _) = site.node_for_path("units/research.md").unwrap();
        let (units, _) = site.node_for_path("units/_index.md").unwrap();
        let (about, _) = site.node_for_path("about.md").unwrap();
        assert_eq!(
            nav_key(&site, DocRef::new(research, 1)),
            DocRef::new(units, 1)
        );
        assert_eq!(nav_key(&site, DocRef::new(units, 0)), DocRef::new(units, 0));
        assert_eq!(nav_key(&site, DocRef::new(about, 0)), DocRef::new(ROOT, 0));
    }

    #[test]
    fn only_sidebars_whose_tree_changed_are_new() {
        let mut site = testing::units();
        let (renderer, _) = testing::renderer(&site);
        let navs = {
            let (languages, site_ctxs) = contexts(&site);
            render_navs(&site, &renderer, &languages, &site_ctxs, None).unwrap()
        };
        // A section per language, each with a sidebar.
        assert_eq!(navs.html.len(), 4);
        assert!(navs.html[&DocRef::new(ROOT, 0)].contains("调查研究"));
        let (research, _) = site.node_for_path("units/research.md").unwrap();
        site.views[1].entries[research].title = "Field research".into();
        let (languages, site_ctxs) = contexts(&site);
        let again = render_navs(&site, &renderer, &languages, &site_ctxs, Some(&navs)).unwrap();
        let changed = again.changed_from(&navs);
        let (units, _) = site.node_for_path("units/_index.md").unwrap();
        // English only: every English sidebar lists the page, no Chinese one changed.
        assert!(changed.iter().all(|d| d.lang == 1), "{changed:?}");
        assert!(changed.contains(&DocRef::new(units, 1)));
        assert!(again.html[&DocRef::new(units, 1)].contains("Field research"));
    }
}
