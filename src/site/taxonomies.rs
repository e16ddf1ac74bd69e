//! Zola's taxonomies: `taxonomies = [{ name = "tags", feed = true }]` in
//! config.toml (for the default language at the top, for another language
//! under `[languages.CODE]`) and `[taxonomies] tags = ["rust", "学习"]` in a
//! page's front matter.
//!
//! Each language has its own taxonomies: a page is listed under the terms
//! its own file names, in its own language only (an untranslated fallback
//! page is not, as in Zola). URLs are `{lang prefix}{taxonomy}/` and
//! `{lang prefix}{taxonomy}/{term}/`, made by the same slug rule as pages'
//! (`[slugify] paths`), so Chinese terms stay readable: `tags/学习/`.

use std::collections::BTreeMap;

use crate::config::{Config, TaxonomyConfig};
use crate::content::Kind;
use crate::error::{Error, ErrorKind, Result};
use crate::site::{NodeId, Site, url_segment_as};

/// One taxonomy of one language, with its terms.
#[derive(Debug, Clone, PartialEq)]
pub struct Taxonomy {
    pub lang: usize,
    /// As configured ("tags").
    pub name: String,
    /// Path from the site root ("tags/", "en/tags/").
    pub url: String,
    /// `feed = true` (or Zola's old `rss = true`): an Atom feed per term.
    pub feed: bool,
    /// Zola's `render = false`: no pages are written for it.
    pub render: bool,
    /// Terms sorted by name.
    pub terms: Vec<Term>,
}

/// One term of a taxonomy and the pages that name it.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// As the first page wrote it ("学习", "Rust").
    pub name: String,
    /// Path from the site root ("tags/学习/").
    pub url: String,
    /// Newest first, then by title.
    pub pages: Vec<NodeId>,
}

/// The taxonomies configured for language `lang`.
pub fn configured(config: &Config, lang: usize) -> &[TaxonomyConfig] {
    let l = &config.languages[lang];
    if l.is_default {
        &config.raw.taxonomies
    } else {
        config
            .raw
            .languages
            .get(&l.code)
            .map_or(&[][..], |c| c.taxonomies.as_slice())
    }
}

/// "tags/" below language `lang`'s root.
pub fn taxonomy_url(site: &Site, lang: usize, name: &str) -> String {
    let strategy = site.config.raw.slugify.paths;
    format!(
        "{}{}/",
        site.config.languages[lang].prefix,
        url_segment_as(name, strategy)
    )
}

/// "tags/学习/" below language `lang`'s root.
pub fn term_url(site: &Site, lang: usize, taxonomy: &str, term: &str) -> String {
    let strategy = site.config.raw.slugify.paths;
    format!(
        "{}{}/",
        taxonomy_url(site, lang, taxonomy),
        url_segment_as(term.trim(), strategy)
    )
}

/// Every language's taxonomies and their terms; every problem at once: a
/// taxonomy front matter names that its language does not configure, a term
/// with no character a URL can hold, a taxonomy URL a page already has.
pub fn collect(site: &Site) -> Result<Vec<Taxonomy>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let strategy = site.config.raw.slugify.paths;
    for (lang, language) in site.config.languages.iter().enumerate() {
        let defs = configured(&site.config, lang);
        let view = &site.views[lang];
        // Taxonomy name → term URL → (term name, pages).
        let mut terms: Vec<BTreeMap<String, (String, Vec<NodeId>)>> =
            vec![BTreeMap::new(); defs.len()];
        for (id, node) in site.nodes.iter().enumerate() {
            let Some(s) = node.sources[lang] else {
                continue;
            };
            let file = &site.sources[s];
            for (name, values) in &file.front.taxonomies {
                let Some(t) = defs.iter().position(|d| &d.name == name) else {
                    let known = defs
                        .iter()
                        .map(|d| format!("`{}`", d.name))
                        .collect::<Vec<_>>();
                    errors.push(
                        Error::new(
                            ErrorKind::FrontMatter,
                            format!(
                                "taxonomy `{name}` is not configured for {} ({})",
                                language.code,
                                if known.is_empty() { "it has none".to_string() } else { format!("it has {}", known.join(", ")) }
                            ),
                        )
                        .at(&file.display_path, file.front.line_of("taxonomies"), Some(1))
                        .hint(if language.is_default {
                            format!("add `taxonomies = [{{ name = \"{name}\" }}]` at the top of config.toml, as in Zola")
                        } else {
                            format!("add `taxonomies = [{{ name = \"{name}\" }}]` under [languages.{}] in config.toml, as in Zola", language.code)
                        }),
                    );
                    continue;
                };
                if node.kind != Kind::Page {
                    continue; // sections cannot set [taxonomies] (front matter says so)
                }
                for value in values {
                    let value = value.trim();
                    if url_segment_as(value, strategy).is_empty() {
                        errors.push(
                            Error::new(ErrorKind::FrontMatter, format!("the {name} term \"{value}\" has no character that can stand in a URL"))
                                .at(&file.display_path, file.front.line_of("taxonomies"), Some(1))
                                .hint("write the term with letters or digits"),
                        );
                        continue;
                    }
                    let url = term_url(site, lang, name, value);
                    let entry = terms[t]
                        .entry(url)
                        .or_insert_with(|| (value.to_string(), Vec::new()));
                    if !entry.1.contains(&id) {
                        entry.1.push(id);
                    }
                }
            }
        }
        for (def, terms) in defs.iter().zip(terms) {
            let url = taxonomy_url(site, lang, &def.name);
            if let Some((id, e)) = view
                .entries
                .iter()
                .enumerate()
                .find(|(_, e)| e.url == url || terms.keys().any(|t| *t == e.url))
            {
                let e = Error::new(
                    ErrorKind::Url,
                    format!(
                        "this document's URL /{} is where the taxonomy `{}` writes its pages",
                        e.url, def.name
                    ),
                )
                .hint("give the document another `slug` or `path`, or rename the taxonomy");
                errors.push(match view.entries[id].source {
                    Some(s) => e.at(&site.sources[s].display_path, None, None),
                    None => e,
                });
                continue;
            }
            let mut terms: Vec<Term> = terms
                .into_iter()
                .map(|(url, (name, mut pages))| {
                    pages.sort_by(|&a, &b| {
                        let date = |n: NodeId| {
                            view.entries[n]
                                .source
                                .and_then(|s| site.sources[s].front.date)
                        };
                        date(b)
                            .cmp(&date(a))
                            .then_with(|| view.entries[a].title.cmp(&view.entries[b].title))
                    });
                    Term { name, url, pages }
                })
                .collect();
            terms.sort_by_key(|t| t.name.to_lowercase());
            out.push(Taxonomy {
                lang,
                name: def.name.clone(),
                url,
                feed: def.feed.or(def.rss).unwrap_or(false),
                render: def.render.unwrap_or(true),
                terms,
            });
        }
    }
    match Error::combine(errors) {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// Every taxonomy and term page's URL from the site root, for the sitemap.
pub fn page_urls(taxonomies: &[Taxonomy]) -> Vec<String> {
    taxonomies
        .iter()
        .filter(|t| t.render)
        .flat_map(|t| {
            std::iter::once(t.url.clone()).chain(t.terms.iter().map(|term| term.url.clone()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::testing;

    const CONFIG: &str = "title = \"学习\"\ntaxonomies = [{ name = \"tags\", feed = true }]\n[languages.en]\ntitle = \"Study\"\ntaxonomies = [{ name = \"tags\" }]\n";

    #[test]
    fn terms_per_language_with_readable_chinese_urls() {
        let site = testing::site_with(
            CONFIG,
            &[
                (
                    "a.md",
                    "+++\ntitle = \"甲\"\ndate = 2024-01-01\n[taxonomies]\ntags = [\"学习\", \"Rust\"]\n+++\n",
                ),
                (
                    "b.md",
                    "+++\ntitle = \"乙\"\ndate = 2024-02-01\n[taxonomies]\ntags = [\"学习\"]\n+++\n",
                ),
                (
                    "a.en.md",
                    "+++\ntitle = \"A\"\n[taxonomies]\ntags = [\"study\"]\n+++\n",
                ),
            ],
        );
        let t = collect(&site).unwrap();
        assert_eq!(t.len(), 2);
        let zh = &t[0];
        assert_eq!(zh.url, "tags/");
        assert!(zh.feed);
        let names: Vec<&str> = zh.terms.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["Rust", "学习"]);
        assert_eq!(zh.terms[1].url, "tags/学习/");
        // Newest first.
        let (b, _) = site.node_for_path("b.md").unwrap();
        assert_eq!(zh.terms[1].pages[0], b);
        let en = &t[1];
        assert_eq!(en.url, "en/tags/");
        assert_eq!(en.terms.len(), 1, "only pages written in English");
        assert_eq!(en.terms[0].url, "en/tags/study/");
    }

    #[test]
    fn an_unconfigured_taxonomy_is_an_error_at_its_line() {
        let site = testing::site_with(
            CONFIG,
            &[(
                "a.md",
                "+++\ntitle = \"甲\"\n[taxonomies]\ncategories = [\"x\"]\n+++\n",
            )],
        );
        let e = collect(&site).unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains(
                "a.md:3:1: taxonomy `categories` is not configured for zh (it has `tags`)"
            ),
            "{msg}"
        );
    }
}
