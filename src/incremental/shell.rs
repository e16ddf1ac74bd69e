//! Shell hashes: what a page shows besides its own text, hashed, so that
//! after a front matter edit the dev server re-renders only the pages
//! whose hash changed.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use crate::markdown::Rendered;
use crate::render::context::DocumentCtx;
use crate::render::document::{DocInputs, contexts, document_ctx};
use crate::render::i18n::I18n;
use crate::render::nav::{HashWriter, nav_key};
use crate::render::pages::{RenderState, RenderedDoc};
use crate::site::{DocRef, LinkTarget, Site};

/// A hash of everything a document's page shows except what its own
/// Markdown decides (the content, its table of contents and reading time):
/// titles, URLs, neighbours, breadcrumbs, translations, front matter, the
/// sidebar, and the URLs its links point to. After an edit of titles,
/// weights or slugs, the dev server re-renders the pages whose hash
/// changed; the others would come out byte for byte the same.
pub(crate) fn shell_hash(
    site: &Site,
    i18n: &I18n,
    inputs: &DocInputs,
    link_targets: &[LinkTarget],
) -> u64 {
    use std::hash::Hasher;
    let DocRef { node: id, lang } = inputs.doc;
    let no_text = Rendered::default();
    let ctx = document_ctx(site, i18n, inputs, &no_text, "");
    // Every field, named so that a new one cannot be forgotten here. The
    // site, language, assets and search entry are the same for every page
    // of a session (a change to them is a full build, and a new search
    // index is pointed at in place), so they are left out.
    let DocumentCtx {
        site: _,
        lang: _,
        assets: _,
        search_entry: _,
        nav_html: _, // stood for by its section and tree, below
        root,
        home,
        page,
        section,
        breadcrumbs,
        prev,
        next,
        translations,
        alternates,
        canonical,
        print_href,
    } = &ctx;
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    // Serialising into the hasher cannot fail: every field is plain data.
    let _ = serde_json::to_writer(
        HashWriter(&mut hasher),
        &(
            root,
            home,
            page,
            section,
            breadcrumbs,
            (prev, next),
            (translations, alternates, canonical, print_href),
        ),
    );
    let file = site.views[lang].entries[id]
        .source
        .map(|s| &site.sources[s]);
    if let Some(t) = file.and_then(|f| f.front.template.as_deref()) {
        hasher.write(t.as_bytes());
    }
    let nav = nav_key(site, inputs.doc);
    hasher.write(site.nodes[nav.node].key.as_bytes());
    hasher.write_u64(inputs.navs.trees.get(&nav).copied().unwrap_or(0));
    for doc in link_targets.iter().map(|t| site.doc_for(t)) {
        let url = doc.map_or("", |d| site.views[d.lang].entries[d.node].url.as_str());
        hasher.write(url.as_bytes());
        hasher.write_u8(0);
    }
    hasher.finish()
}

/// [`shell_hash`] of each of `docs`, as `state` renders them.
pub(crate) fn shell_hashes(
    site: &Site,
    i18n: &I18n,
    assets: &BTreeMap<String, String>,
    search_entries: &[Option<String>],
    state: &RenderState,
    docs: &[&RenderedDoc],
) -> HashMap<DocRef, u64> {
    let (languages, site_ctxs) = contexts(site);
    docs.par_iter()
        .map(|d| {
            let lang = d.doc.lang;
            let inputs = DocInputs {
                doc: d.doc,
                site_ctx: &site_ctxs[lang],
                lang_ctx: &languages[lang],
                assets,
                navs: &state.navs,
                search_entry: search_entries[lang].as_deref(),
                printable: &state.printable,
            };
            (
                d.doc,
                shell_hash(site, i18n, &inputs, &d.markdown.link_targets),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::render::nav::Navs;
    use crate::site::testing;

    /// The shell hash of every document of `site`, with no sidebars.
    fn hashes(site: &Site) -> HashMap<DocRef, u64> {
        let (_, i18n) = testing::renderer(site);
        let state = RenderState {
            docs: Vec::new(),
            shells: HashMap::new(),
            navs: Navs::default(),
            printable: vec![HashSet::new(), HashSet::new()],
        };
        let docs: Vec<RenderedDoc> = (0..2)
            .flat_map(|l| {
                site.views[l]
                    .reading_order
                    .iter()
                    .map(move |&n| RenderedDoc {
                        doc: DocRef::new(n, l),
                        markdown: Default::default(),
                    })
            })
            .collect();
        shell_hashes(
            site,
            &i18n,
            &testing::assets(),
            &[None, None],
            &state,
            &docs.iter().collect::<Vec<_>>(),
        )
    }

    #[test]
    fn a_retitled_page_changes_the_shells_that_show_its_title() {
        let before = testing::units();
        let mut after = testing::units();
        let (petitions, _) = after.node_for_path("units/petitions.md").unwrap();
        after.views[0].entries[petitions].title = "来信来访".into();
        let (a, b) = (hashes(&before), hashes(&after));
        let changed: HashSet<DocRef> = a.keys().filter(|k| a[k] != b[k]).copied().collect();
        let (units, _) = after.node_for_path("units/_index.md").unwrap();
        let (research, _) = after.node_for_path("units/research.md").unwrap();
        let (about, _) = after.node_for_path("about.md").unwrap();
        // The page itself, its section's list and its neighbour's "next" link.
        for d in [petitions, units, research] {
            assert!(
                changed.contains(&DocRef::new(d, 0)),
                "{d} unchanged: {changed:?}"
            );
        }
        // Not a page that shows nothing of it, nor another language.
        assert!(!changed.contains(&DocRef::new(about, 0)));
        assert!(!changed.contains(&DocRef::new(research, 1)));
    }

    #[test]
    fn the_body_is_not_part_of_the_shell() {
        let before = testing::units();
        let mut after = testing::units();
        for s in &mut after.sources {
            std::sync::Arc::make_mut(s)
                .body
                .push_str("\n\n新增一段。\n");
        }
        assert_eq!(hashes(&before), hashes(&after));
    }

    #[test]
    fn a_moved_link_target_changes_the_linking_shell() {
        let site = testing::units();
        let (_, i18n) = testing::renderer(&site);
        let (research, _) = site.node_for_path("units/research.md").unwrap();
        let (petitions, _) = site.node_for_path("units/petitions.md").unwrap();
        let ctxs = contexts(&site);
        let assets = testing::assets();
        let navs = Navs::default();
        let printable = [HashSet::new(), HashSet::new()];
        let inputs = DocInputs {
            doc: DocRef::new(research, 0),
            site_ctx: &ctxs.1[0],
            lang_ctx: &ctxs.0[0],
            assets: &assets,
            navs: &navs,
            search_entry: None,
            printable: &printable,
        };
        let target = [site.link_target(DocRef::new(petitions, 0))];
        let before = shell_hash(&site, &i18n, &inputs, &target);
        let mut moved = testing::units();
        moved.views[0].entries[petitions].url = "units/xinfang/".into();
        let after = shell_hash(&moved, &i18n, &inputs, &target);
        assert_ne!(before, after);
        assert_eq!(before, shell_hash(&site, &i18n, &inputs, &target));
    }
}
