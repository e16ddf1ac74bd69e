//! What templates see. README.md ("Template context") documents every field
//! here; keep the two in step.
//!
//! Every link a template writes comes ready to use as `href` (relative to
//! the page, or absolute where that is required), so templates never compute
//! URLs themselves.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::content::Kind;
use crate::markdown::{Rendered, TocEntry};
use crate::site::{NodeId, ROOT, Site};

/// Replaced by each page's root prefix in the shared navigation HTML.
pub const ROOT_MARKER: &str = "\u{E000}ROOT\u{E000}";

#[derive(Serialize)]
pub struct SiteCtx<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub base_url: Option<&'a str>,
    pub languages: Vec<LanguageCtx<'a>>,
    pub generator: &'static str,
    /// ISO date of this build.
    pub build_date: String,
    pub offline: bool,
    pub extra: &'a toml::Table,
}

#[derive(Serialize, Clone)]
pub struct LanguageCtx<'a> {
    pub code: &'a str,
    pub html_lang: &'a str,
    pub name: &'a str,
    pub is_default: bool,
}

/// A link to another document.
#[derive(Serialize, Clone, Debug)]
pub struct Link {
    pub title: String,
    pub href: String,
    /// False when the target shows text in another language.
    pub translated: bool,
}

/// A language switcher entry.
#[derive(Serialize, Clone, Debug)]
pub struct Translation<'a> {
    pub code: &'a str,
    pub html_lang: &'a str,
    pub name: &'a str,
    pub href: String,
    pub is_current: bool,
    /// The same document in that language (false: the nearest translated section).
    pub exact: bool,
}

/// The document being rendered (a page or a section).
#[derive(Serialize)]
pub struct PageCtx<'a> {
    /// "page" or "section".
    pub kind: &'static str,
    pub is_home: bool,
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub content: &'a str,
    /// Zola's summary: the content before `<!-- more -->`, if marked.
    pub summary: Option<String>,
    /// The content has highlighted code (link `assets["highlight.css"]`).
    pub has_code: bool,
    /// Formatted for the language ("2023年9月1日", "September 1, 2023").
    pub date: Option<String>,
    pub date_iso: Option<String>,
    /// Zola's `updated`, formatted as `date` is.
    pub updated: Option<String>,
    pub updated_iso: Option<String>,
    /// Zola's `authors`, else config.toml's `author`.
    pub authors: Vec<String>,
    pub weight: Option<i64>,
    pub reading_minutes: usize,
    pub cjk_chars: usize,
    pub words: usize,
    /// Path from the site root ("en/units/research/").
    pub url: &'a str,
    pub permalink: Option<String>,
    pub extra: &'a serde_json::Value,
    /// False when the text is the fallback from another language.
    pub translated: bool,
    /// `lang` attribute of the text itself (differs from the page's when untranslated).
    pub text_lang: &'a str,
    /// Name of the language the text is written in.
    pub text_lang_name: &'a str,
    pub toc: &'a [TocEntry],
    /// Zola's `[taxonomies]` of the page, each term linked to its page.
    pub taxonomies: Vec<crate::render::taxonomies::PageTerms>,
}

/// Extra data of a section.
#[derive(Serialize)]
pub struct SectionCtx {
    /// Pages and subsections in reading order.
    pub children: Vec<ChildCtx>,
}

#[derive(Serialize)]
pub struct ChildCtx {
    pub kind: &'static str,
    pub title: String,
    pub href: String,
    pub description: Option<String>,
    pub date: Option<String>,
    pub translated: bool,
}

/// Shared navigation tree item, rendered once per section and language.
#[derive(Serialize)]
pub struct NavItem {
    pub kind: &'static str,
    pub title: String,
    pub href: String,
    pub translated: bool,
    /// On the path from the top to the current document: shown open.
    pub open: bool,
    pub children: Vec<NavItem>,
}

/// Formats a date with the language's `date_format` UI string (a `time`
/// format description, e.g. "[year]年[month padding:none]月[day padding:none]日").
pub fn format_date(date: time::Date, format: Option<&str>) -> String {
    let fallback = || date.to_string();
    let Some(format) = format else {
        return fallback();
    };
    match time::format_description::parse_borrowed::<2>(format) {
        Ok(items) => date.format(&items).unwrap_or_else(|_| fallback()),
        Err(_) => fallback(),
    }
}

/// The sidebar of the documents whose sidebar section is `section`. A site
/// of at most `[navigation] expand_all_below` nodes shows its whole tree
/// (`expand_all`). A bigger one shows the path to the section and the
/// siblings along it, as VitePress and Docusaurus do for big sidebars: the
/// top level, then each section on the path open with its subsections, and
/// the pages of `section` itself. The pages of the sections above it and
/// the contents of other sections are one click away, on their section
/// pages, so every page stays reachable without JavaScript; and a page of
/// a 10,000-page site does not carry a tree of hundreds of links.
pub fn nav_tree(site: &Site, lang: usize, section: NodeId, expand_all: bool) -> Vec<NavItem> {
    let mut path = site.ancestors(section);
    path.push(section);
    let shape = NavShape {
        site,
        lang,
        path: &path,
        current: section,
        expand_all,
    };
    shape.children_of(ROOT)
}

/// What [`nav_tree`] walks: the path to the current section, and how much
/// of the tree to show.
struct NavShape<'a> {
    site: &'a Site,
    lang: usize,
    path: &'a [NodeId],
    current: NodeId,
    expand_all: bool,
}

impl NavShape<'_> {
    fn children_of(&self, id: NodeId) -> Vec<NavItem> {
        let site = self.site;
        let view = &site.views[self.lang];
        let shows_pages = self.expand_all || id == self.current || id == ROOT;
        view.entries[id]
            .children
            .iter()
            .filter(|&&c| shows_pages || site.nodes[c].kind == Kind::Section)
            .map(|&c| {
                let e = &view.entries[c];
                let is_section = site.nodes[c].kind == Kind::Section;
                let open = self.path.contains(&c);
                let children = if is_section && (open || self.expand_all) {
                    self.children_of(c)
                } else {
                    Vec::new()
                };
                NavItem {
                    kind: if is_section { "section" } else { "page" },
                    title: e.title.clone(),
                    href: format!("{ROOT_MARKER}{}", site.link_path(&e.url)),
                    translated: e.translated,
                    open,
                    children,
                }
            })
            .collect()
    }
}

/// Puts a page's root prefix into shared navigation HTML and marks the
/// current document with `aria-current="page"`.
pub fn personalise_nav(nav_html: &str, root: &str, current_link_path: &str) -> String {
    let needle = format!("href=\"{ROOT_MARKER}{current_link_path}\"");
    let marked = nav_html.replacen(&needle, &format!("aria-current=\"page\" {needle}"), 1);
    // The root is a relative prefix ("../../") on pages, but base_url on
    // 404 pages, which comes from config: escaped like any other value.
    marked.replace(ROOT_MARKER, &crate::html::escape(root))
}

/// Everything in the context of one rendered document.
#[derive(Serialize)]
pub struct DocumentCtx<'a> {
    pub site: &'a SiteCtx<'a>,
    pub lang: &'a LanguageCtx<'a>,
    /// Relative prefix from this page to the site root ("../../").
    pub root: String,
    /// Href of this language's home page.
    pub home: String,
    pub page: PageCtx<'a>,
    pub section: Option<SectionCtx>,
    pub breadcrumbs: Vec<Link>,
    pub prev: Option<Link>,
    pub next: Option<Link>,
    pub translations: Vec<Translation<'a>>,
    /// `<link rel="alternate" hreflang>` targets: only real translations.
    pub alternates: Vec<Translation<'a>>,
    pub canonical: Option<String>,
    /// The sidebar, already rendered by `partials/nav.html`.
    pub nav_html: String,
    /// Fingerprinted assets: `assets["style.css"]` → "assets/style.1a2b3c4d.css" (from the root).
    pub assets: &'a BTreeMap<String, String>,
    /// Entry file of this language's search index, from the root, when search is on.
    pub search_entry: Option<&'a str>,
    /// The print page of this section, or of the nearest section above a
    /// page that has one.
    pub print_href: Option<String>,
}

/// Links and lists derived from the model for one document.
pub struct Neighbourhood {
    pub breadcrumbs: Vec<Link>,
    pub prev: Option<Link>,
    pub next: Option<Link>,
    pub section: Option<SectionCtx>,
}

pub fn neighbourhood(
    site: &Site,
    lang: usize,
    id: NodeId,
    date_format: Option<&str>,
) -> Neighbourhood {
    let view = &site.views[lang];
    let from = &view.entries[id].url;
    let link = |n: NodeId| Link {
        title: view.entries[n].title.clone(),
        href: site.href(from, &view.entries[n].url),
        translated: view.entries[n].translated,
    };
    let breadcrumbs = site.ancestors(id).into_iter().map(link).collect();
    let section = (site.nodes[id].kind == Kind::Section).then(|| SectionCtx {
        children: view.entries[id]
            .children
            .iter()
            .map(|&c| {
                let e = &view.entries[c];
                let file = e.source.map(|s| &site.sources[s]);
                ChildCtx {
                    kind: if site.nodes[c].kind == Kind::Section {
                        "section"
                    } else {
                        "page"
                    },
                    title: e.title.clone(),
                    href: site.href(from, &e.url),
                    description: file.and_then(|f| f.front.description.clone()),
                    date: file
                        .and_then(|f| f.front.date)
                        .map(|d| format_date(d, date_format)),
                    translated: e.translated,
                }
            })
            .collect(),
    });
    Neighbourhood {
        breadcrumbs,
        prev: view.entries[id].prev.map(link),
        next: view.entries[id].next.map(link),
        section,
    }
}

/// The page's own stats for `PageCtx`, from its rendered Markdown.
pub fn reading(rendered: &Rendered) -> (usize, usize, usize) {
    (
        rendered.stats.reading_minutes(),
        rendered.stats.cjk_chars,
        rendered.stats.words,
    )
}
