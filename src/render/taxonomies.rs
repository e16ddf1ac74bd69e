//! Zola's taxonomy pages: `/{taxonomy}/` lists its terms
//! (`taxonomy_list.html`), `/{taxonomy}/{term}/` the pages of one term
//! (`taxonomy_single.html`), in every language that configures the
//! taxonomy; an Atom feed per term (`{term}/atom.xml`) where the taxonomy
//! says `feed = true` and `base_url` is set. The model is
//! [`crate::site::taxonomies`]; the terms shown on each page come from
//! [`page_terms`].

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::error::Result;
use crate::html::escape;
use crate::output::Sink;
use crate::output::sitemap::uri;
use crate::render::context::{self, Translation};
use crate::render::document::contexts;
use crate::render::nav::Navs;
use crate::render::{Renderer, i18n::I18n};
use crate::site::taxonomies::{Taxonomy, configured, term_url};
use crate::site::{DocRef, NodeId, ROOT, Site, root_prefix};

/// A taxonomy's name as readers see it: the UI string `taxonomy_NAME`
/// ("标签" for tags) when the theme or site has one, else the name.
pub fn taxonomy_title(i18n: &I18n, lang: usize, name: &str) -> String {
    i18n.get(lang, &format!("taxonomy_{name}"))
        .unwrap_or(name)
        .to_string()
}

/// One taxonomy's terms on a page, for `page.taxonomies` in the template.
#[derive(Debug, Serialize, Clone, PartialEq)]
pub struct PageTerms {
    pub name: String,
    pub title: String,
    pub terms: Vec<TermLink>,
}

#[derive(Debug, Serialize, Clone, PartialEq)]
pub struct TermLink {
    pub name: String,
    pub href: String,
}

/// The terms the file shown at `url` names, in the taxonomies language
/// `lang` configures, linked relatively from `url`. An untranslated
/// fallback page shows none (its terms belong to another language).
pub fn page_terms(
    site: &Site,
    i18n: &I18n,
    node: NodeId,
    lang: usize,
    url: &str,
) -> Vec<PageTerms> {
    let Some(s) = site.nodes[node].sources[lang] else {
        return Vec::new();
    };
    let defs = configured(&site.config, lang);
    site.sources[s]
        .front
        .taxonomies
        .iter()
        .filter(|(name, values)| {
            !values.is_empty()
                && defs
                    .iter()
                    .any(|d| &d.name == name && d.render != Some(false))
        })
        .map(|(name, values)| PageTerms {
            name: name.clone(),
            title: taxonomy_title(i18n, lang, name),
            terms: values
                .iter()
                .map(|v| TermLink {
                    name: v.trim().to_string(),
                    href: site.href(url, &term_url(site, lang, name, v)),
                })
                .collect(),
        })
        .collect()
}

#[derive(Serialize)]
struct TermCtx {
    name: String,
    href: String,
    count: usize,
}

#[derive(Serialize)]
struct PageItem {
    title: String,
    href: String,
    date: Option<String>,
    date_iso: Option<String>,
    description: Option<String>,
}

/// Writes every taxonomy's list page, term pages and term feeds.
#[allow(clippy::too_many_arguments)]
pub(crate) fn render_taxonomies(
    site: &Site,
    renderer: &Renderer,
    i18n: &I18n,
    assets: &BTreeMap<String, String>,
    search_entries: &[Option<String>],
    navs: &Navs,
    taxonomies: &[Taxonomy],
    out: &dyn Sink,
) -> Result<()> {
    if taxonomies.is_empty() {
        return Ok(());
    }
    let (languages, site_ctxs) = contexts(site);
    for tax in taxonomies.iter().filter(|t| t.render) {
        let lang = tax.lang;
        let title = taxonomy_title(i18n, lang, &tax.name);
        let date_format = i18n.get(lang, "date_format");
        // What base.html needs on every page, for a page at `url`.
        let base = |url: &str, page_title: &str, term: Option<&str>| {
            let root = root_prefix(url);
            let mut ctx = tera::Context::new();
            ctx.insert("site", &site_ctxs[lang]);
            ctx.insert("lang", &languages[lang]);
            ctx.insert("root", &root);
            ctx.insert("assets", assets);
            ctx.insert("search_entry", &search_entries[lang]);
            ctx.insert("home", &site.href(url, &site.config.languages[lang].prefix));
            ctx.insert(
                "translations",
                &translations(site, taxonomies, tax, term, url),
            );
            ctx.insert("alternates", &Vec::<Translation>::new());
            ctx.insert("canonical", &site.permalink(url));
            ctx.insert(
                "page",
                &serde_json::json!({ "translated": true, "is_home": false, "title": page_title, "url": url }),
            );
            ctx.insert(
                "nav_html",
                &context::personalise_nav(
                    navs.html
                        .get(&DocRef::new(ROOT, lang))
                        .map_or("", String::as_str),
                    &root,
                    "",
                ),
            );
            ctx.insert(
                "taxonomy",
                &serde_json::json!({ "name": tax.name, "title": title, "href": site.href(url, &tax.url) }),
            );
            ctx
        };

        let mut ctx = base(&tax.url, &title, None);
        let terms: Vec<TermCtx> = tax
            .terms
            .iter()
            .map(|t| TermCtx {
                name: t.name.clone(),
                href: site.href(&tax.url, &t.url),
                count: t.pages.len(),
            })
            .collect();
        ctx.insert("terms", &terms);
        let html = renderer.render(lang, "taxonomy_list.html", &ctx)?;
        out.put(&format!("{}index.html", tax.url), html.as_bytes())?;

        for term in &tax.terms {
            let view = &site.views[lang];
            let pages: Vec<PageItem> = term
                .pages
                .iter()
                .map(|&id| {
                    let e = &view.entries[id];
                    let front = e.source.map(|s| &site.sources[s].front);
                    let date = front.and_then(|f| f.date);
                    PageItem {
                        title: e.title.clone(),
                        href: site.href(&term.url, &e.url),
                        date: date.map(|d| context::format_date(d, date_format)),
                        date_iso: date.map(|d| d.to_string()),
                        description: front.and_then(|f| f.description.clone()),
                    }
                })
                .collect();
            let mut ctx = base(
                &term.url,
                &format!("{} · {title}", term.name),
                Some(&term.name),
            );
            let feed = (tax.feed && site.config.base_url.is_some()).then_some("atom.xml"); // beside the term's page
            ctx.insert(
                "term",
                &serde_json::json!({ "name": term.name, "pages": pages, "feed_href": feed }),
            );
            let html = renderer.render(lang, "taxonomy_single.html", &ctx)?;
            out.put(&format!("{}index.html", term.url), html.as_bytes())?;
            if let (true, Some(base_url)) = (tax.feed, site.config.base_url.as_deref()) {
                let xml = term_feed(site, tax, term, &title, base_url);
                out.put(&format!("{}atom.xml", term.url), xml.as_bytes())?;
            }
        }
    }
    Ok(())
}

/// The language switcher of a taxonomy page: the same taxonomy (and term)
/// in each other language that has it, else that language's home.
fn translations<'a>(
    site: &'a Site,
    taxonomies: &[Taxonomy],
    tax: &Taxonomy,
    term: Option<&str>,
    url: &str,
) -> Vec<Translation<'a>> {
    site.config
        .languages
        .iter()
        .enumerate()
        .map(|(other, l)| {
            let same = taxonomies
                .iter()
                .find(|t| t.lang == other && t.name == tax.name)
                .and_then(|t| match term {
                    None => Some(t.url.clone()),
                    Some(name) => t
                        .terms
                        .iter()
                        .find(|x| x.name == name)
                        .map(|x| x.url.clone()),
                });
            Translation {
                code: &l.code,
                html_lang: &l.html_lang,
                name: &l.name,
                exact: same.is_some(),
                href: site.href(url, &same.unwrap_or_else(|| l.prefix.clone())),
                is_current: other == tax.lang,
            }
        })
        .collect()
}

/// The Atom feed of one term: its pages, newest first.
fn term_feed(
    site: &Site,
    tax: &Taxonomy,
    term: &crate::site::taxonomies::Term,
    tax_title: &str,
    base_url: &str,
) -> String {
    let language = &site.config.languages[tax.lang];
    let view = &site.views[tax.lang];
    let home = format!("{base_url}/{}", term.url);
    let updated = term
        .pages
        .iter()
        .filter_map(|&id| {
            view.entries[id]
                .source
                .and_then(|s| site.sources[s].front.date)
        })
        .max()
        .map(|d| format!("{d}T00:00:00Z"))
        .unwrap_or_else(|| format!("{}T00:00:00Z", time::OffsetDateTime::now_utc().date()));
    let mut xml = String::new();
    let _ = write!(
        xml,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{lang}\">\n  <title>{title}</title>\n  <link href=\"{home}\"/>\n  <link rel=\"self\" href=\"{home}atom.xml\"/>\n  <id>{home}</id>\n  <updated>{updated}</updated>\n  <generator>grassroots</generator>\n",
        lang = escape(&language.html_lang),
        title = escape(&format!("{} · {tax_title} · {}", term.name, language.title)),
        home = uri(&home),
    );
    for &id in &term.pages {
        let e = &view.entries[id];
        let url = uri(&format!("{base_url}/{}", e.url));
        let front = e.source.map(|s| &site.sources[s].front);
        let date = front
            .and_then(|f| f.date)
            .map(|d| format!("{d}T00:00:00Z"))
            .unwrap_or_else(|| updated.clone());
        let _ = write!(
            xml,
            "  <entry>\n    <title>{}</title>\n    <link href=\"{url}\"/>\n    <id>{url}</id>\n    <updated>{date}</updated>\n",
            escape(&e.title),
        );
        if let Some(d) = front.and_then(|f| f.description.as_deref()) {
            let _ = writeln!(xml, "    <summary>{}</summary>", escape(d));
        }
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}
