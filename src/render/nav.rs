//! The sidebars: one per (language, section), rendered once and
//! personalised per page, each with a hash of the tree it shows so that
//! the dev server re-renders only the sidebars an edit changed.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use crate::content::Kind;
use crate::error::Result;
use crate::render::Renderer;
use crate::render::context::{self, LanguageCtx, ROOT_MARKER, SiteCtx};
use crate::site::{DocRef, NodeId, ROOT, Site};

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

/// On a big site (one whose sidebar is not the whole tree), at most this
/// many pages of the current section either side of the current page show
/// in its sidebar; the rest are behind a link to the section's page, which
/// lists them all.
pub const SIBLINGS_SHOWN: usize = 3;

/// The section sidebar `nav_html` cut for one document on a big site: of
/// the pages of its sidebar's section, only those within
/// [`SIBLINGS_SHOWN`] of it (of the first ones, for the section's own
/// page), and likewise of the top-level sections only those near the one
/// it is in, with a "…" link in place of each run left out (to the section,
/// or to the home page, which list them all). A section of 50 pages would
/// otherwise put 50 links on each of its pages, and a site of 200 sections
/// 40 top-level links: the largest part of a big site's bytes. Small sites
/// (`expand_all`) keep every link.
pub(crate) fn window_siblings<'a>(site: &Site, doc: DocRef, nav_html: &'a str) -> Cow<'a, str> {
    if site.nodes.len() <= site.config.raw.navigation.expand_all_below {
        return Cow::Borrowed(nav_html);
    }
    let view = &site.views[doc.lang];
    let section = nav_key(site, doc).node;
    let of_kind = |parent: NodeId, kind: Kind| -> Vec<NodeId> {
        view.entries[parent]
            .children
            .iter()
            .copied()
            .filter(|&c| site.nodes[c].kind == kind)
            .collect()
    };
    // The top-level section the document is in, if any.
    let mut path = site.ancestors(doc.node);
    path.push(doc.node);
    let top = path.get(1).copied();
    let lists = [
        (of_kind(section, Kind::Page), Some(doc.node), section),
        (of_kind(ROOT, Kind::Section), top, ROOT),
    ];
    let mut html = Cow::Borrowed(nav_html);
    for (items, current, parent) in lists {
        if let Some(cut) = window_list(site, doc.lang, &html, &items, current, parent) {
            html = Cow::Owned(cut);
        }
    }
    html
}

/// `nav_html` with the `items` (children of `parent`, in order) that lie
/// more than [`SIBLINGS_SHOWN`] from `current` replaced by "…" links to
/// `parent`; `None` when nothing is cut (or the theme writes its items in a
/// way this does not find).
fn window_list(
    site: &Site,
    lang: usize,
    nav_html: &str,
    items: &[NodeId],
    current: Option<NodeId>,
    parent: NodeId,
) -> Option<String> {
    let view = &site.views[lang];
    let keep = 2 * SIBLINGS_SHOWN + 1;
    if items.len() <= keep {
        return None;
    }
    let at = current
        .and_then(|c| items.iter().position(|&p| p == c))
        .unwrap_or(0);
    let first = at.saturating_sub(SIBLINGS_SHOWN).min(items.len() - keep);
    let shown = first..first + keep;
    let more = format!(
        "\n<li class=\"nav-more\"><a href=\"{ROOT_MARKER}{}\">… {}</a></li>",
        site.link_path(&view.entries[parent].url),
        crate::html::escape(&view.entries[parent].title)
    );
    // An item without children: from its `<li` to the first `</li>`.
    let item_of = |i: usize| {
        let href = site.link_path(&view.entries[items[i]].url);
        let needle = format!("href=\"{ROOT_MARKER}{href}\"");
        let at = nav_html.find(&needle)?;
        let start = nav_html[..at].rfind("\n<li")?;
        let end = at + nav_html[at..].find("</li>")? + "</li>".len();
        Some(start..end)
    };
    let mut cuts = Vec::new();
    for run in [0..shown.start, shown.end..items.len()] {
        if !run.is_empty() {
            cuts.push(item_of(run.start)?.start..item_of(run.end - 1)?.end);
        }
    }
    let mut out = String::with_capacity(nav_html.len());
    let mut from = 0;
    for cut in cuts {
        out.push_str(&nav_html[from..cut.start]);
        out.push_str(&more);
        from = cut.end;
    }
    out.push_str(&nav_html[from..]);
    Some(out)
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

    /// A site past `expand_all_below` with one section of `n` pages.
    fn big_site(n: usize) -> Site {
        let mut files = vec![
            (
                "_index.md".to_string(),
                "+++\ntitle = \"首页\"\n+++\n".to_string(),
            ),
            (
                "s/_index.md".to_string(),
                "+++\ntitle = \"专题\"\n+++\n".to_string(),
            ),
        ];
        for i in 0..n {
            files.push((
                format!("s/p{i:02}.md"),
                format!("+++\ntitle = \"第{i}课\"\nweight = {i}\n+++\n"),
            ));
        }
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let config = format!("{}[navigation]\nexpand_all_below = 5\n", testing::CONFIG);
        testing::site_with(&config, &refs)
    }

    #[test]
    fn a_big_sites_sidebar_shows_the_pages_near_the_current_one() {
        let site = big_site(30);
        let (renderer, _) = testing::renderer(&site);
        let (languages, site_ctxs) = contexts(&site);
        let navs = render_navs(&site, &renderer, &languages, &site_ctxs, None).unwrap();
        let (s, _) = site.node_for_path("s/_index.md").unwrap();
        let nav = &navs.html[&DocRef::new(s, 0)];
        let links = |html: &str| html.matches("class=\"nav-page\"").count();
        assert_eq!(links(nav), 30, "the section's sidebar has every page");
        let (p15, _) = site.node_for_path("s/p15.md").unwrap();
        let cut = window_siblings(&site, DocRef::new(p15, 0), nav);
        assert_eq!(links(&cut), 2 * SIBLINGS_SHOWN + 1);
        assert!(cut.contains("第12课") && cut.contains("第18课") && !cut.contains("第11课<"));
        assert_eq!(
            cut.matches("nav-more").count(),
            2,
            "a link to the section each side"
        );
        // Near the start, the window is the first pages, with one "…".
        let (p0, _) = site.node_for_path("s/p00.md").unwrap();
        let start = window_siblings(&site, DocRef::new(p0, 0), nav);
        assert!(start.contains("第0课") && start.contains("第6课") && !start.contains("第7课"));
        assert_eq!(start.matches("nav-more").count(), 1);
        // A small site keeps every link.
        let small = testing::units();
        let (research, _) = small.node_for_path("units/research.md").unwrap();
        assert!(matches!(
            window_siblings(&small, DocRef::new(research, 0), nav),
            Cow::Borrowed(_)
        ));
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
