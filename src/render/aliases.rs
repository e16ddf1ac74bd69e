//! Zola's `aliases` and `redirect_to`: small redirect pages.
//!
//! A page's `aliases = ["/old/url/", "older.html"]` are URLs it used to
//! have; each gets a page that sends the reader on (meta refresh, a
//! canonical link to the new URL, `noindex` so search engines keep only the
//! new one, and a plain link for readers without refresh). A section's
//! `redirect_to` turns the section's own page into such a page.
//!
//! Every link here is relative to the redirect page itself, so a site
//! published under a sub-path or opened from disk still reaches its target.
//! An alias is a path from the site root, as in Zola (no language prefix is
//! added: `a.en.md`'s aliases are written as they are).
//!
//! An alias must not take a URL something else is written at: another page
//! or alias, a language's home, a print page, a taxonomy page, or the `assets/` and `search/`
//! folders. Each such alias is an error naming both files.

use std::collections::{HashMap, HashSet};

use crate::content::Kind;
use crate::error::{Error, ErrorKind, Result};
use crate::html::escape;
use crate::render::print::{print_url, printable_sections};
use crate::site::{NodeId, Site, root_prefix};

/// One redirect page to write.
#[derive(Debug, Clone, PartialEq)]
pub struct AliasPage {
    /// The file written, from the site root ("old/url/index.html", "older.html").
    pub file: String,
    /// The HTML of the redirect page.
    pub html: String,
}

/// Output folders grassroots writes itself; an alias inside one would
/// overwrite or shadow its files.
const RESERVED_FOLDERS: &[&str] = &["assets/", "search/"];

/// Files at a language's root that the build writes.
const RESERVED_FILES: &[&str] = &["404.html", "sitemap.xml", "robots.txt", "atom.xml"];

/// What an alias as written in front matter names: the folder URL
/// ("old/url/") or the file ("older.html") it is written at.
#[derive(Debug, Clone, PartialEq)]
struct AliasPath {
    /// The URL a reader typed, from the site root ("old/url/", "older.html").
    url: String,
    /// The file written ("old/url/index.html", "older.html").
    file: String,
}

/// Reads one alias: a path from the site root, without `..`, a scheme, a
/// query or a fragment. A name ending in `.html`/`.htm` is a file; anything
/// else a folder (as Zola writes them).
fn parse_alias(alias: &str) -> std::result::Result<AliasPath, &'static str> {
    let a = alias.trim();
    if a.contains("://") || a.starts_with("//") {
        return Err("is a full URL; an alias is a path on this site such as \"/old/url/\"");
    }
    if a.contains(['?', '#', '\\', '"', '<', '>']) {
        return Err("holds a character that cannot stand in a file name (? # \\ \" < >)");
    }
    let path = a.trim_start_matches('/');
    if path.is_empty() {
        return Err("is the site's home page");
    }
    if path
        .trim_end_matches('/')
        .split('/')
        .any(|s| s.is_empty() || s == "." || s == "..")
    {
        return Err("has an empty, `.` or `..` segment");
    }
    let lower = path.to_lowercase();
    if !path.ends_with('/') && (lower.ends_with(".html") || lower.ends_with(".htm")) {
        return Ok(AliasPath {
            url: path.to_string(),
            file: path.to_string(),
        });
    }
    let url = format!("{}/", path.trim_end_matches('/'));
    Ok(AliasPath {
        file: format!("{url}index.html"),
        url,
    })
}

/// The folder a file's relative links start from: "old/" for "old/a.html".
fn folder_of(file: &str) -> &str {
    file.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// The redirect page from `from_file` (a path from the site root) to
/// `target`: a URL from the site root ("en/units/"), or a full URL.
fn redirect_html(site: &Site, from_file: &str, target: &str, html_lang: &str) -> String {
    let href = if is_full_url(target) {
        target.to_string()
    } else {
        let dir = folder_of(from_file);
        let from = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let mut h = root_prefix(&from);
        h.push_str(&site.link_path(target));
        h
    };
    let canonical = match (is_full_url(target), site.permalink(target)) {
        (false, Some(p)) => p,
        _ => href.clone(),
    };
    let href = escape(&href);
    let canonical = escape(&canonical);
    format!(
        "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{href}</title>\n<link rel=\"canonical\" href=\"{canonical}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={href}\">\n</head><body><p><a href=\"{href}\">{href}</a></p></body></html>\n",
        lang = escape(html_lang),
    )
}

fn is_full_url(s: &str) -> bool {
    s.contains("://") || s.starts_with("//") || s.starts_with("mailto:")
}

/// Where a section's `redirect_to` leads, as a URL from the site root or a
/// full URL: `@/units/_index.md` (a content file, in the section's own
/// language), "https://…", or a path on this site ("/units/", as in Zola:
/// relative to base_url).
fn resolve_redirect(site: &Site, lang: usize, to: &str) -> std::result::Result<String, String> {
    let to = to.trim();
    if to.is_empty() {
        return Err("is empty".into());
    }
    if is_full_url(to) {
        return Ok(to.to_string());
    }
    if let Some(content) = to.strip_prefix("@/") {
        let (path, fragment) = match content.split_once('#') {
            Some((p, f)) => (p, format!("#{f}")),
            None => (content, String::new()),
        };
        return match site.node_for_path(path) {
            Some((node, named)) => {
                let l = named.unwrap_or(lang);
                Ok(format!("{}{fragment}", site.views[l].entries[node].url))
            }
            None => Err(format!(
                "names content/{path}, which the site does not have"
            )),
        };
    }
    if to.contains("..") {
        return Err("has a `..` segment".into());
    }
    Ok(to.trim_start_matches('/').to_string())
}

/// The redirect page a section with `redirect_to` is written as, instead of
/// its own page; `None` for every other document (and for a target
/// [`alias_pages`] already reported).
pub(crate) fn section_redirect(site: &Site, node: NodeId, lang: usize) -> Option<String> {
    if site.nodes[node].kind != Kind::Section {
        return None;
    }
    let source = site.views[lang].entries[node].source?;
    let to = site.sources[source].front.redirect_to.as_deref()?;
    let target = resolve_redirect(site, lang, to).ok()?;
    let url = &site.views[lang].entries[node].url;
    Some(redirect_html(
        site,
        &format!("{url}index.html"),
        &target,
        &site.config.languages[lang].html_lang,
    ))
}

/// Every alias of every document, as redirect pages; the errors of all
/// aliases and `redirect_to` targets at once.
pub(crate) fn alias_pages(
    site: &Site,
    taxonomies: &[crate::site::taxonomies::Taxonomy],
) -> Result<Vec<AliasPage>> {
    let config = &site.config;
    // Every file the build writes pages at, and whose it is.
    let mut taken: HashMap<String, String> = HashMap::new();
    let name = |source: Option<usize>| match source {
        Some(s) => site.sources[s].display_path.display().to_string(),
        None => "a folder of content/".to_string(),
    };
    for view in &site.views {
        for e in &view.entries {
            taken.insert(format!("{}index.html", e.url), name(e.source));
        }
        if config.raw.print.enabled {
            for s in printable_sections(site, view.lang, config.raw.print.max_documents) {
                let e = &view.entries[s];
                taken.insert(
                    format!("{}index.html", print_url(&e.url)),
                    format!("the print page of {}", name(e.source)),
                );
            }
        }
    }
    for t in taxonomies.iter().filter(|t| t.render) {
        taken.insert(
            format!("{}index.html", t.url),
            format!("the taxonomy page of `{}`", t.name),
        );
        for term in &t.terms {
            taken.insert(
                format!("{}index.html", term.url),
                format!("the page of the `{}` term \"{}\"", t.name, term.name),
            );
        }
    }
    let prefixes: HashSet<&str> = config.languages.iter().map(|l| l.prefix.as_str()).collect();

    let mut pages = Vec::new();
    let mut errors = Vec::new();
    for (id, node) in site.nodes.iter().enumerate() {
        for (lang, source) in node.sources.iter().enumerate() {
            let Some(s) = *source else { continue };
            let file = &site.sources[s];
            let front = &file.front;
            let at = |key: &str| front.line_of(key);
            if let Some(to) = &front.redirect_to
                && let Err(msg) = resolve_redirect(site, lang, to)
            {
                errors.push(
                    Error::new(ErrorKind::Url, format!("`redirect_to = \"{to}\"` {msg}"))
                        .at(&file.display_path, at("redirect_to"), Some(1))
                        .hint("Zola's `redirect_to` is a full URL, a path on this site such as \"/units/\", or a content file such as \"@/units/_index.md\""),
                );
            }
            if front.aliases.is_empty() {
                continue;
            }
            if node.kind == Kind::Page && !front.render {
                errors.push(
                    Error::new(ErrorKind::Url, "this page has `aliases` but `render = false`: the aliases would lead nowhere")
                        .at(&file.display_path, at("aliases"), Some(1))
                        .hint("remove `aliases`, or `render = false`"),
                );
                continue;
            }
            let target = site.views[lang].entries[id].url.clone();
            for alias in &front.aliases {
                let bad = |msg: String| {
                    Error::new(ErrorKind::Url, format!("alias \"{alias}\" {msg}")).at(
                        &file.display_path,
                        at("aliases"),
                        Some(1),
                    )
                };
                let path = match parse_alias(alias) {
                    Ok(p) => p,
                    Err(msg) => {
                        errors.push(bad(msg.to_string()).hint(
                            "an alias is an old URL of this page, from the site root: \"/old/url/\" or \"/old/page.html\"",
                        ));
                        continue;
                    }
                };
                let reserved = RESERVED_FOLDERS
                    .iter()
                    .find(|f| path.url.starts_with(*f))
                    .map(|f| format!("is inside {f}, where grassroots writes its own files"))
                    .or_else(|| {
                        prefixes
                            .contains(path.url.as_str())
                            .then(|| "is a language's home page".to_string())
                    })
                    .or_else(|| {
                        prefixes.iter().find_map(|p| {
                            RESERVED_FILES
                                .iter()
                                .any(|f| path.file == format!("{p}{f}"))
                                .then(|| {
                                    format!("is {}, which grassroots writes itself", path.file)
                                })
                        })
                    });
                if let Some(msg) = reserved {
                    errors.push(bad(msg).hint("choose another alias, or remove it"));
                    continue;
                }
                if let Some(owner) = taken.get(&path.file) {
                    errors.push(
                        bad(format!("is the URL of {owner}")).hint(
                            "remove the alias, or move the other page (its `slug` or `path`)",
                        ),
                    );
                    continue;
                }
                taken.insert(
                    path.file.clone(),
                    format!("an alias of {}", file.display_path.display()),
                );
                pages.push(AliasPage {
                    html: redirect_html(
                        site,
                        &path.file,
                        &target,
                        &config.languages[lang].html_lang,
                    ),
                    file: path.file,
                });
            }
        }
    }
    match Error::combine(errors) {
        Some(e) => Err(e),
        None => Ok(pages),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_folders_or_html_files() {
        assert_eq!(
            parse_alias("/old/url").unwrap(),
            AliasPath {
                url: "old/url/".into(),
                file: "old/url/index.html".into()
            }
        );
        assert_eq!(parse_alias("a/b.html").unwrap().file, "a/b.html");
        assert_eq!(parse_alias("旧/地址/").unwrap().file, "旧/地址/index.html");
        assert!(parse_alias("/").is_err());
        assert!(parse_alias("../x").is_err());
        assert!(parse_alias("https://example.org/x").is_err());
        assert!(parse_alias("a?b").is_err());
    }

    #[test]
    fn redirect_pages_link_relatively() {
        let site = crate::site::testing::units();
        let html = redirect_html(&site, "old/url/index.html", "en/units/", "en");
        assert!(
            html.contains("content=\"0; url=../../en/units/\""),
            "{html}"
        );
        assert!(html.contains("<link rel=\"canonical\" href=\"https://example.org/en/units/\">"));
        assert!(html.contains("noindex"));
        let top = redirect_html(&site, "older.html", "units/", "zh");
        assert!(top.contains("url=./units/"), "{top}");
        let away = redirect_html(&site, "a/index.html", "https://example.org/?a=1&b=2", "zh");
        assert!(away.contains("https://example.org/?a=1&amp;b=2"), "{away}");
    }
}
