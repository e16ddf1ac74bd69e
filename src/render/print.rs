//! Print pages: one HTML document per section (and for the whole site) per
//! language, with every page of the section in reading order, a cover and a
//! table of contents — the way study groups print their materials.
//!
//! Pages are rendered again with heading ids prefixed by their node
//! (`n12-要义`), so ids stay unique in the combined document, and with `@/`
//! links written as placeholders that become in-document anchors when the
//! target is part of the same print page, or links to the page otherwise.

use std::collections::HashSet;

use serde::Serialize;

use crate::content::Kind;
use crate::error::Result;
use crate::markdown::{self, LinkResolver, ResolvedLink};
use crate::site::{NodeId, Site};

const TOKEN: &str = "grassroots-print:";

/// Writes `@/` links as `grassroots-print:NODE#anchor` placeholders.
struct PrintLinks<'a> {
    site: &'a Site,
    lang: usize,
}

impl LinkResolver for PrintLinks<'_> {
    fn resolve(&self, path: &str, anchor: Option<&str>) -> Option<ResolvedLink> {
        let (node, lang) = self.site.node_for_path(path)?;
        // Links into another language stay links to that language's page.
        let lang = lang.unwrap_or(self.lang);
        let n = self.site.config.languages.len();
        let mut href = format!("{TOKEN}{}", node * n + lang);
        if let Some(a) = anchor {
            href.push('#');
            href.push_str(a);
        }
        Some(ResolvedLink {
            href,
            target: node * n + lang,
        })
    }
}

/// The id of a document's part of a print page.
pub fn doc_anchor(id: NodeId) -> String {
    format!("n{id}")
}

/// The sections of `lang` that get a print page: those with at most
/// `max_docs` documents in their subtree (a 10,000-page site gets print
/// pages for its sections, not one unprintable whole).
pub fn printable_sections(site: &Site, lang: usize, max_docs: usize) -> Vec<NodeId> {
    site.nodes
        .iter()
        .enumerate()
        .filter(|(id, n)| n.kind == Kind::Section && members(site, lang, *id).len() <= max_docs)
        .map(|(id, _)| id)
        .collect()
}

/// The section and everything below it, in reading order.
pub fn members(site: &Site, lang: usize, section: NodeId) -> Vec<NodeId> {
    let view = &site.views[lang];
    let mut out = Vec::new();
    let mut stack = vec![section];
    while let Some(id) = stack.pop() {
        out.push(id);
        stack.extend(view.entries[id].children.iter().rev());
    }
    out
}

#[derive(Serialize)]
pub struct PrintDoc {
    /// Anchor of this document's part ("n12").
    pub id: String,
    pub title: String,
    /// 0 for the section itself, 1 for its children …
    pub depth: usize,
    pub content: String,
    pub text_lang: String,
    pub translated: bool,
}

/// Renders the documents of one print page.
pub fn documents(site: &Site, lang: usize, section: NodeId, root: &str) -> Result<Vec<PrintDoc>> {
    let view = &site.views[lang];
    let list = members(site, lang, section);
    let n = site.config.languages.len();
    let included: HashSet<usize> = list.iter().map(|&id| id * n + lang).collect();
    let base_depth = site.ancestors(section).len();
    let mut docs = Vec::with_capacity(list.len());
    for id in list {
        let entry = &view.entries[id];
        let content = match entry.source.map(|s| &site.sources[s]) {
            Some(f) => {
                let prefix = format!("{}-", doc_anchor(id));
                let rendered = markdown::render(
                    &f.body,
                    &markdown::RenderContext {
                        file: &f.display_path,
                        body_line: f.body_line,
                        smart_punctuation: site.config.raw.markdown.smart_punctuation,
                        links: &PrintLinks { site, lang },
                        id_prefix: &prefix,
                    },
                )?;
                resolve_placeholders(&rendered.html, site, &included, root)
            }
            None => String::new(),
        };
        let text_lang = entry.source.map_or(lang, |s| site.sources[s].lang);
        docs.push(PrintDoc {
            id: doc_anchor(id),
            title: entry.title.clone(),
            depth: site.ancestors(id).len() - base_depth,
            content,
            text_lang: site.config.languages[text_lang].html_lang.clone(),
            translated: entry.translated,
        });
    }
    Ok(docs)
}

/// Turns placeholders into `#n12-anchor` (target on this print page) or a
/// relative link to the target page.
fn resolve_placeholders(html: &str, site: &Site, included: &HashSet<usize>, root: &str) -> String {
    let n = site.config.languages.len();
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(pos) = rest.find(TOKEN) {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + TOKEN.len()..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        let key: usize = after[..digits].parse().unwrap_or(0);
        let tail = &after[digits..];
        let end = tail.find('"').unwrap_or(tail.len());
        let anchor = tail[..end].strip_prefix('#');
        let (node, lang) = (key / n, key % n);
        if included.contains(&key) {
            out.push('#');
            out.push_str(&doc_anchor(node));
            if let Some(a) = anchor {
                out.push('-');
                out.push_str(a);
            }
        } else {
            out.push_str(root);
            out.push_str(&site.link_path(&site.views[lang].entries[node].url));
            if let Some(a) = anchor {
                out.push('#');
                out.push_str(a);
            }
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}
