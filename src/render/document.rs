//! One document's page: its template context (title, neighbours,
//! breadcrumbs, translations, sidebar, print link) and its rendering.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use crate::content::{Kind, SourceFile};
use crate::error::{Error, ErrorKind, Result};
use crate::markdown::{self, Rendered};
use crate::render::context::{self, DocumentCtx, LanguageCtx, PageCtx, SiteCtx, Translation};
use crate::render::nav::{Navs, nav_key};
use crate::render::pages::RenderedDoc;
use crate::render::print::{self, print_section, print_url};
use crate::render::{Renderer, i18n::I18n};
use crate::site::{DocRef, NodeId, ROOT, Site};

/// The per-language `lang` and `site` template contexts.
pub(crate) fn contexts(site: &Site) -> (Vec<LanguageCtx<'_>>, Vec<SiteCtx<'_>>) {
    let config = &site.config;
    let languages: Vec<LanguageCtx> = config
        .languages
        .iter()
        .map(|l| LanguageCtx {
            code: &l.code,
            html_lang: &l.html_lang,
            name: &l.name,
            is_default: l.is_default,
        })
        .collect();
    let build_date = time::OffsetDateTime::now_utc().date().to_string();
    let site_ctxs = config
        .languages
        .iter()
        .map(|l| SiteCtx {
            title: &l.title,
            description: &l.description,
            base_url: config.base_url.as_deref(),
            languages: languages.clone(),
            generator: concat!("grassroots ", env!("CARGO_PKG_VERSION")),
            build_date: build_date.clone(),
            offline: config.raw.offline,
            extra: &config.raw.extra,
        })
        .collect();
    (languages, site_ctxs)
}

/// What rendering one document needs besides the site.
pub(crate) struct DocInputs<'a> {
    pub doc: DocRef,
    pub site_ctx: &'a SiteCtx<'a>,
    pub lang_ctx: &'a LanguageCtx<'a>,
    pub assets: &'a BTreeMap<String, String>,
    pub navs: &'a Navs,
    pub search_entry: Option<&'a str>,
    /// Sections with a print page, per language.
    pub printable: &'a [HashSet<NodeId>],
}

/// Renders one document's page. `markdown` is its Markdown rendered before,
/// when the text is unchanged (with the HTML kept); it is rendered afresh
/// otherwise. Unless `keep_html`, the Markdown's HTML is dropped from the
/// result when no print page needs it.
pub(crate) fn render_document(
    site: &Site,
    renderer: &Renderer,
    i18n: &I18n,
    inputs: &DocInputs,
    markdown: Option<&Arc<Rendered>>,
    keep_html: bool,
) -> Result<(String, RenderedDoc)> {
    let DocRef { node: id, lang } = inputs.doc;
    let entry = &site.views[lang].entries[id];
    let file = entry.source.map(|s| &*site.sources[s]);
    let rendered = match (markdown, file) {
        (Some(previous), _) => Arc::clone(previous),
        (None, Some(f)) => {
            // Shortcodes first: their HTML is held in placeholders while the
            // Markdown renders, then filled in.
            let expanded = crate::render::shortcodes::expand(site, lang, f)?;
            let mut r = markdown::render(
                &expanded.markdown,
                &markdown::RenderContext {
                    file: &f.display_path,
                    body_line: f.body_line,
                    smart_punctuation: site.config.raw.markdown.smart_punctuation,
                    links: &print::LinkPlaceholders { site, lang },
                    id_prefix: "",
                },
            )?;
            expanded.fill(&mut r);
            Arc::new(r)
        }
        (None, None) => Arc::default(),
    };
    let template = template_for(site, renderer, id, file)?;
    let page_html = print::resolve_for_page(&rendered.html, site, &entry.url);
    let mut ctx = document_ctx(site, i18n, inputs, &rendered, &page_html);
    let section_nav = inputs
        .navs
        .html
        .get(&nav_key(site, inputs.doc))
        .map_or("", String::as_str);
    let section_nav = crate::render::nav::window_siblings(site, inputs.doc, section_nav);
    ctx.nav_html = context::personalise_nav(&section_nav, &ctx.root, &site.link_path(&entry.url));
    let tera_ctx = tera::Context::from_serialize(&ctx).map_err(|e| {
        Error::new(
            ErrorKind::Template,
            format!("could not prepare the template context: {e}"),
        )
    })?;
    let html = renderer
        .render(lang, template, &tera_ctx)
        .map_err(|e| match file {
            Some(f) => e.while_rendering(&f.display_path),
            None => e,
        })?;
    // Keep the Markdown's HTML only for the print pages: held for every
    // document it would be most of a large build's memory.
    let has_print_page = ctx.print_href.is_some();
    drop(ctx);
    let mut rendered = rendered;
    if !has_print_page && !keep_html {
        Arc::make_mut(&mut rendered).html = String::new();
    }
    Ok((
        html,
        RenderedDoc {
            doc: inputs.doc,
            markdown: rendered,
        },
    ))
}

/// The template a document is rendered with: its front matter's
/// `template`, else the one for its kind.
fn template_for<'a>(
    site: &Site,
    renderer: &Renderer,
    id: NodeId,
    file: Option<&'a SourceFile>,
) -> Result<&'a str> {
    match file.and_then(|f| f.front.template.as_deref()) {
        Some(t) => {
            if !renderer.has_template(t) {
                let f = file.expect("template comes from a file");
                return Err(Error::new(ErrorKind::Template, format!("template `{t}` not found"))
                    .at(&f.display_path, f.front.line_of("template"), Some(1))
                    .hint("put it in the site's templates/ folder, or remove the `template` key to use the default"));
            }
            Ok(t)
        }
        None if id == ROOT => Ok("index.html"),
        None if site.nodes[id].kind == Kind::Section => Ok("section.html"),
        None => Ok("page.html"),
    }
}

/// The template context of one document, from its rendered Markdown and
/// the page's HTML of it. `nav_html` is left empty: [`render_document`]
/// personalises the shared sidebar, and
/// [`crate::incremental::shell::shell_hash`] stands for it by the
/// sidebar's section instead.
pub(crate) fn document_ctx<'a>(
    site: &'a Site,
    i18n: &'a I18n,
    inputs: &DocInputs<'a>,
    rendered: &'a Rendered,
    page_html: &'a str,
) -> DocumentCtx<'a> {
    let DocRef { node: id, lang } = inputs.doc;
    let config = &site.config;
    let view = &site.views[lang];
    let entry = &view.entries[id];
    let node = &site.nodes[id];
    let url = entry.url.as_str();
    let file = entry.source.map(|s| &site.sources[s]);
    // The print page that holds this document, if any.
    let print_home = print_section(site, inputs.printable, lang, id);
    let date_format = i18n.get(lang, "date_format");
    let hood = context::neighbourhood(site, lang, id, date_format);
    let text_lang_idx = file.map_or(lang, |f| f.lang);
    let (reading_minutes, cjk_chars, words) = context::reading(rendered);
    let translations: Vec<Translation> = config
        .languages
        .iter()
        .enumerate()
        .map(|(other, l)| {
            let target = site.switch_target(id, other);
            Translation {
                code: &l.code,
                html_lang: &l.html_lang,
                name: &l.name,
                href: site.href(url, &site.views[other].entries[target].url),
                is_current: other == lang,
                exact: target == id,
            }
        })
        .collect();
    // `translations` is in config order: its index is the language's.
    let alternates = translations
        .iter()
        .enumerate()
        .filter(|&(other, t)| t.exact && site.is_translated(id, other))
        .map(|(other, t)| {
            let mut t = t.clone();
            if let Some(p) = site.permalink(&site.views[other].entries[id].url) {
                t.href = p;
            }
            t
        })
        .collect();
    DocumentCtx {
        site: inputs.site_ctx,
        lang: inputs.lang_ctx,
        root: crate::site::root_prefix(url),
        home: site.href(url, &config.languages[lang].prefix),
        page: PageCtx {
            kind: if node.kind == Kind::Section {
                "section"
            } else {
                "page"
            },
            is_home: id == ROOT,
            title: &entry.title,
            description: file.and_then(|f| f.front.description.as_deref()),
            content: page_html,
            summary: (rendered.summary.as_deref()).map(|s| print::resolve_for_page(s, site, url)),
            has_code: rendered.html.contains("<pre class=\"code\""),
            date: file
                .and_then(|f| f.front.date)
                .map(|d| context::format_date(d, date_format)),
            date_iso: file.and_then(|f| f.front.date).map(|d| d.to_string()),
            updated: file
                .and_then(|f| f.front.updated)
                .map(|d| context::format_date(d, date_format)),
            updated_iso: file.and_then(|f| f.front.updated).map(|d| d.to_string()),
            authors: file.map(|f| f.authors(config)).unwrap_or_default(),
            weight: entry.weight,
            reading_minutes,
            cjk_chars,
            words,
            url,
            permalink: site.permalink(url),
            extra: file.map_or(&serde_json::Value::Null, |f| &f.front.extra),
            translated: entry.translated,
            text_lang: &config.languages[text_lang_idx].html_lang,
            text_lang_name: &config.languages[text_lang_idx].name,
            toc: &rendered.toc,
            taxonomies: crate::render::taxonomies::page_terms(site, i18n, id, lang, url),
        },
        section: hood.section,
        breadcrumbs: hood.breadcrumbs,
        prev: hood.prev,
        next: hood.next,
        translations,
        alternates,
        canonical: if entry.translated {
            site.permalink(url)
        } else {
            site.permalink(&site.views[text_lang_idx].entries[id].url)
        },
        nav_html: String::new(),
        assets: inputs.assets,
        search_entry: inputs.search_entry,
        print_href: print_home.map(|s| site.href(url, &print_url(&view.entries[s].url))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::testing;

    fn inputs<'a>(
        doc: DocRef,
        ctxs: &'a (Vec<LanguageCtx<'a>>, Vec<SiteCtx<'a>>),
        assets: &'a BTreeMap<String, String>,
        navs: &'a Navs,
        printable: &'a [HashSet<NodeId>],
    ) -> DocInputs<'a> {
        DocInputs {
            doc,
            site_ctx: &ctxs.1[doc.lang],
            lang_ctx: &ctxs.0[doc.lang],
            assets,
            navs,
            search_entry: None,
            printable,
        }
    }

    #[test]
    fn templates_follow_the_kind_unless_front_matter_names_one() {
        let site = testing::units();
        let (renderer, _) = testing::renderer(&site);
        let (units, _) = site.node_for_path("units/_index.md").unwrap();
        let (research, _) = site.node_for_path("units/research.md").unwrap();
        let file = |id: NodeId| site.views[0].entries[id].source.map(|s| &*site.sources[s]);
        assert_eq!(
            template_for(&site, &renderer, ROOT, file(ROOT)).unwrap(),
            "index.html"
        );
        assert_eq!(
            template_for(&site, &renderer, units, file(units)).unwrap(),
            "section.html"
        );
        assert_eq!(
            template_for(&site, &renderer, research, file(research)).unwrap(),
            "page.html"
        );

        let custom = testing::site(&[(
            "a.md",
            "+++\ntitle = \"甲\"\ntemplate = \"special.html\"\n+++\n",
        )]);
        let (a, _) = custom.node_for_path("a.md").unwrap();
        let f = custom.views[0].entries[a]
            .source
            .map(|s| &*custom.sources[s]);
        let e = template_for(&custom, &renderer, a, f).unwrap_err();
        assert_eq!(e.kinds(), [ErrorKind::Template]);
        assert_eq!(e.diagnostics()[0].location.as_ref().unwrap().line, Some(3));
    }

    #[test]
    fn an_untranslated_page_says_so_and_points_canonical_at_its_original() {
        let site = testing::units();
        let (petitions, _) = site.node_for_path("units/petitions.md").unwrap();
        let (_, i18n) = testing::renderer(&site);
        let ctxs = contexts(&site);
        let assets = testing::assets();
        let navs = Navs::default();
        let printable = [HashSet::new(), HashSet::new()];
        let en = inputs(DocRef::new(petitions, 1), &ctxs, &assets, &navs, &printable);
        let rendered = Rendered::default();
        let ctx = document_ctx(&site, &i18n, &en, &rendered, "");
        assert!(!ctx.page.translated);
        assert_eq!(ctx.page.text_lang, "zh-CN");
        assert_eq!(
            ctx.canonical.as_deref(),
            Some("https://example.org/units/petitions/")
        );
        // Only the language that has the text is an alternate.
        assert_eq!(ctx.alternates.len(), 1);
        assert_eq!(ctx.alternates[0].code, "zh");
        assert_eq!(ctx.translations[0].href, "../../../units/petitions/");
        assert!(ctx.print_href.is_none());

        let (research, _) = site.node_for_path("units/research.md").unwrap();
        let zh = inputs(DocRef::new(research, 0), &ctxs, &assets, &navs, &printable);
        let ctx = document_ctx(&site, &i18n, &zh, &rendered, "");
        assert_eq!(ctx.alternates.len(), 2);
        assert_eq!(ctx.next.as_ref().map(|l| l.title.as_str()), Some("信访"));
    }
}
