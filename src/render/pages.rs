//! Rendering every document of the site into its page, in groups that let
//! a large site's memory go section by section; then the 404 pages and the
//! language picker.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use crate::check::anchors::check_anchors;
use crate::error::{Error, Result};
use crate::markdown::Rendered;
use crate::output::Sink;
use crate::render::context::{self, LanguageCtx, SiteCtx, Translation};
use crate::render::document::{DocInputs, contexts, render_document};
use crate::render::nav::{Navs, render_navs};
use crate::render::print::{self, check_print_urls, render_print_pages};
use crate::render::{Renderer, i18n::I18n};
use crate::site::{DocRef, NodeId, ROOT, Site};

/// One rendered document, kept for the checks and the search index.
pub struct RenderedDoc {
    pub doc: DocRef,
    /// Its Markdown, shared: the dev server keeps it across edits that
    /// leave the text alone, and a tree change carries it to new node numbers.
    pub markdown: Arc<Rendered>,
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn render_site(
    site: &Site,
    renderer: &Renderer,
    i18n: &I18n,
    assets: &BTreeMap<String, String>,
    search_entries: &[Option<String>],
    out: &dyn Sink,
    progress: bool,
    keep_html: bool,
) -> Result<RenderState> {
    let config = &site.config;
    let n_langs = config.languages.len();
    let (languages, site_ctxs) = contexts(site);

    let navs = render_navs(site, renderer, &languages, &site_ctxs, None)?;

    let printable = print::printable_sets(site);
    check_print_urls(site, &printable)?;

    // Documents are rendered in groups, one per top printable section: when
    // a group is done its print pages are written and its Markdown HTML can
    // go, so a large build holds a few sections' HTML, not the whole site's.
    let groups = render_groups(site, &printable);
    let bar = progress_bar(
        progress,
        site.views.iter().map(|v| v.reading_order.len()).sum(),
    );
    let results: Vec<Result<Vec<RenderedDoc>>> = groups
        .par_iter()
        .map(|group| {
            let rendered: Vec<Result<RenderedDoc>> = group
                .docs
                .par_iter()
                .map(|&doc| {
                    let DocRef { node: id, lang } = doc;
                    let doc = render_document(
                        site,
                        renderer,
                        i18n,
                        &DocInputs {
                            doc,
                            site_ctx: &site_ctxs[lang],
                            lang_ctx: &languages[lang],
                            assets,
                            navs: &navs,
                            search_entry: search_entries[lang].as_deref(),
                            printable: &printable,
                        },
                        None,
                        keep_html,
                    )
                    .and_then(|(html, doc)| {
                        // Zola's `redirect_to`: the section's page is a redirect.
                        let html = super::aliases::section_redirect(site, id, lang).unwrap_or(html);
                        out.put(
                            &format!("{}index.html", site.views[lang].entries[id].url),
                            html.as_bytes(),
                        )?;
                        Ok(doc)
                    });
                    if let Some(b) = &bar {
                        b.inc(1);
                    }
                    doc
                })
                .collect();
            let mut docs = collect_all(rendered)?;
            render_print_pages(
                site,
                renderer,
                i18n,
                &site_ctxs,
                &languages,
                assets,
                &group.print_sections,
                &printable,
                &docs,
                out,
            )?;
            if !keep_html {
                for d in &mut docs {
                    Arc::make_mut(&mut d.markdown).html = String::new();
                }
            }
            Ok(docs)
        })
        .collect();
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    // One broken template fails every page that uses it: say so once.
    let mut docs: Vec<RenderedDoc> = collect_all(results)
        .map_err(Error::dedup)?
        .into_iter()
        .flatten()
        .collect();
    // Back into reading order: the search index numbers documents in it.
    let position: HashMap<DocRef, usize> = site
        .views
        .iter()
        .enumerate()
        .flat_map(|(l, v)| {
            v.reading_order
                .iter()
                .enumerate()
                .map(move |(i, &n)| (DocRef::new(n, l), i))
        })
        .collect();
    docs.sort_by_key(|d| (d.doc.lang, position[&d.doc]));
    check_anchors(site, &docs)?;
    for lang in 0..n_langs {
        render_not_found(
            site,
            renderer,
            &site_ctxs[lang],
            &languages[lang],
            assets,
            search_entries[lang].as_deref(),
            &navs.html,
            out,
            lang,
        )?;
    }
    if config.raw.default_language_in_subdir {
        out.put("index.html", language_picker(site).as_bytes())?;
    }
    Ok(RenderState {
        docs,
        shells: HashMap::new(),
        navs,
        printable,
    })
}

/// Documents rendered together, and the print pages written once they are.
#[derive(Default)]
struct RenderGroup {
    docs: Vec<DocRef>,
    /// The sections whose print pages hold only these documents.
    print_sections: Vec<DocRef>,
}

/// One group per language and top printable section (its whole subtree,
/// with every print page inside it), and one for the documents that no
/// print page holds.
fn render_groups(site: &Site, printable: &[HashSet<NodeId>]) -> Vec<RenderGroup> {
    let mut groups: Vec<RenderGroup> = Vec::new();
    let mut index: HashMap<DocRef, usize> = HashMap::new();
    let mut group_for = |key: DocRef, groups: &mut Vec<RenderGroup>| {
        *index.entry(key).or_insert_with(|| {
            groups.push(RenderGroup::default());
            groups.len() - 1
        })
    };
    let mut loose = RenderGroup::default();
    for (lang, view) in site.views.iter().enumerate() {
        for &id in &view.reading_order {
            match top_printable(site, printable, lang, id) {
                Some(top) => {
                    let g = group_for(DocRef::new(top, lang), &mut groups);
                    groups[g].docs.push(DocRef::new(id, lang));
                }
                None => loose.docs.push(DocRef::new(id, lang)),
            }
        }
        let mut sections: Vec<NodeId> = printable[lang].iter().copied().collect();
        sections.sort_unstable();
        for s in sections {
            if let Some(top) = top_printable(site, printable, lang, s) {
                let g = group_for(DocRef::new(top, lang), &mut groups);
                groups[g].print_sections.push(DocRef::new(s, lang));
            }
        }
    }
    groups.push(loose);
    groups
}

/// The highest printable section at or above `id`.
fn top_printable(
    site: &Site,
    printable: &[HashSet<NodeId>],
    lang: usize,
    id: NodeId,
) -> Option<NodeId> {
    let mut top = None;
    let mut cur = Some(id);
    while let Some(n) = cur {
        if printable[lang].contains(&n) {
            top = Some(n);
        }
        cur = site.nodes[n].parent;
    }
    top
}

/// Every value, or every error combined into one.
fn collect_all<T>(results: Vec<Result<T>>) -> Result<Vec<T>> {
    let mut values = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(v) => values.push(v),
            Err(e) => errors.push(e),
        }
    }
    match Error::combine(errors) {
        Some(e) => Err(e),
        None => Ok(values),
    }
}

/// What rendering leaves for the index, the checks and later rebuilds.
#[derive(Default)]
pub struct RenderState {
    pub docs: Vec<RenderedDoc>,
    /// [`crate::incremental::shell::shell_hash`] per document; only kept
    /// for the dev server (`BuildOptions::keep_html`), empty otherwise.
    pub shells: HashMap<DocRef, u64>,
    pub navs: Navs,
    /// Sections with a print page, per language.
    pub printable: Vec<HashSet<NodeId>>,
}

fn progress_bar(enabled: bool, len: usize) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    (enabled && len >= 500 && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(len as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} rendering {pos}/{len} pages [{bar:30}] {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar
    })
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn render_not_found(
    site: &Site,
    renderer: &Renderer,
    site_ctx: &SiteCtx,
    lang_ctx: &LanguageCtx,
    assets: &BTreeMap<String, String>,
    search_entry: Option<&str>,
    navs: &HashMap<DocRef, String>,
    out: &dyn Sink,
    lang: usize,
) -> Result<()> {
    // A host serves 404.html at whatever URL was missed, so relative links
    // cannot work there: they are absolute (base_url) or root-absolute ("/").
    let root = match &site.config.base_url {
        Some(b) => format!("{b}/"),
        None => "/".to_string(),
    };
    let prefix = &site.config.languages[lang].prefix;
    let mut ctx = tera::Context::new();
    ctx.insert("site", site_ctx);
    ctx.insert("lang", lang_ctx);
    ctx.insert("root", &root);
    ctx.insert("assets", assets);
    ctx.insert("search_entry", &search_entry);
    ctx.insert("home", &format!("{root}{}", site.link_path(prefix)));
    // The 404 page is not a document: no translations or alternates of its own.
    let translations: Vec<Translation> = site
        .config
        .languages
        .iter()
        .enumerate()
        .map(|(i, l)| Translation {
            code: &l.code,
            html_lang: &l.html_lang,
            name: &l.name,
            href: format!("{root}{}", site.link_path(&l.prefix)),
            is_current: i == lang,
            exact: false,
        })
        .collect();
    ctx.insert("translations", &translations);
    ctx.insert("alternates", &Vec::<Translation>::new());
    ctx.insert("canonical", &None::<String>);
    ctx.insert(
        "page",
        &serde_json::json!({ "translated": true, "is_home": false }),
    );
    ctx.insert(
        "nav_html",
        &context::personalise_nav(
            navs.get(&DocRef::new(ROOT, lang))
                .map_or("", String::as_str),
            &root,
            "",
        ),
    );
    let html = renderer.render(lang, "404.html", &ctx)?;
    out.put(&format!("{prefix}404.html"), html.as_bytes())
}

/// The tiny page at `/` when every language has its own prefix: links to
/// each language, and a script that follows the browser's preference.
fn language_picker(site: &Site) -> String {
    let langs = &site.config.languages;
    let links: String = langs
        .iter()
        .map(|l| {
            format!(
                "<li><a hreflang=\"{h}\" lang=\"{h}\" href=\"{href}\">{name}: {title}</a></li>",
                h = l.html_lang,
                href = site.link_path(&l.prefix),
                name = crate::html::escape(&l.name),
                title = crate::html::escape(&l.title)
            )
        })
        .collect();
    let table: String = langs
        .iter()
        .map(|l| format!("[\"{}\",\"{}\"]", l.primary(), site.link_path(&l.prefix)))
        .collect::<Vec<_>>()
        .join(",");
    format!(
        "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{title}</title>\n<script>(function(){{var t=[{table}];var w=(navigator.languages||[navigator.language||\"\"]);for(var i=0;i<w.length;i++){{var p=String(w[i]).toLowerCase().split(\"-\")[0];for(var j=0;j<t.length;j++){{if(t[j][0]===p){{location.replace(t[j][1]);return;}}}}}}location.replace(t[0][1]);}})();</script>\n</head><body><ul>{links}</ul></body></html>\n",
        lang = langs[0].html_lang,
        title = crate::html::escape(&langs[0].title),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::InPlace;
    use crate::site::testing;

    #[test]
    fn every_document_is_in_one_group_with_its_top_print_page() {
        let site = testing::units();
        let (units, _) = site.node_for_path("units/_index.md").unwrap();
        let (about, _) = site.node_for_path("about.md").unwrap();
        // zh prints the units section only; en prints the whole site.
        let printable = vec![HashSet::from([units]), HashSet::from([ROOT, units])];
        let groups = render_groups(&site, &printable);
        let mut all: Vec<DocRef> = groups.iter().flat_map(|g| g.docs.clone()).collect();
        all.sort();
        let mut expected: Vec<DocRef> = (0..2)
            .flat_map(|l| {
                site.views[l]
                    .reading_order
                    .iter()
                    .map(move |&n| DocRef::new(n, l))
            })
            .collect();
        expected.sort();
        assert_eq!(all, expected, "each document exactly once");
        let group_of = |d: DocRef| groups.iter().position(|g| g.docs.contains(&d)).unwrap();
        // zh: the units section's group holds its print page; the top page is loose.
        let zh_units = &groups[group_of(DocRef::new(units, 0))];
        assert_eq!(zh_units.print_sections, [DocRef::new(units, 0)]);
        assert!(groups.last().unwrap().docs.contains(&DocRef::new(about, 0)));
        // en: one group for the whole site, holding both print pages.
        let en = &groups[group_of(DocRef::new(about, 1))];
        assert!(en.docs.contains(&DocRef::new(units, 1)));
        assert_eq!(en.print_sections.len(), 2);
    }

    #[test]
    fn a_site_renders_into_pages_print_pages_and_404s() {
        let site = testing::units();
        let (renderer, i18n) = testing::renderer(&site);
        let out = tempfile::tempdir().unwrap();
        let sink = InPlace {
            root: out.path().to_path_buf(),
        };
        let state = render_site(
            &site,
            &renderer,
            &i18n,
            &testing::assets(),
            &[None, None],
            &sink,
            false,
            false,
        )
        .unwrap();
        // Reading order per language: the search index numbers documents so.
        let order: Vec<DocRef> = state.docs.iter().map(|d| d.doc).collect();
        let expected: Vec<DocRef> = (0..2)
            .flat_map(|l| {
                site.views[l]
                    .reading_order
                    .iter()
                    .map(move |&n| DocRef::new(n, l))
            })
            .collect();
        assert_eq!(order, expected);
        for page in [
            "index.html",
            "units/research/index.html",
            "en/units/research/index.html",
            "print/index.html",
            "units/print/index.html",
            "404.html",
            "en/404.html",
        ] {
            assert!(out.path().join(page).is_file(), "{page} missing");
        }
        let research =
            std::fs::read_to_string(out.path().join("units/research/index.html")).unwrap();
        assert!(research.contains("<h2 id=\"要义\">"), "{research}");
        assert!(
            research.contains("href=\"../../units/petitions/#%E5%81%9A%E6%B3%95\""),
            "{research}"
        );
        // Without keep_html the Markdown's HTML is gone after the print pages.
        assert!(state.docs.iter().all(|d| d.markdown.html.is_empty()));
    }
}
