//! Print pages: one HTML document per section (and for the whole site) per
//! language, with every page of the section in reading order, a cover and a
//! table of contents — the way study groups print their materials.
//!
//! Each document's Markdown is rendered once, with `@/` links written as
//! placeholders. On a print page its ids are prefixed by its node (`n12-要义`)
//! so they stay unique in the combined document, and the placeholders become
//! in-document anchors when the target is part of the same print page, or
//! links to the page otherwise.

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;
use serde::Serialize;

use crate::content::Kind;
use crate::error::{Error, ErrorKind, Result};
use crate::markdown::{LinkResolver, ResolvedLink};
use crate::output::Sink;
use crate::render::context::{self, LanguageCtx, SiteCtx};
use crate::render::pages::RenderedDoc;
use crate::render::{Renderer, i18n::I18n};
use crate::site::{DocRef, NodeId, ROOT, Site};

const TOKEN: &str = "grassroots-print:";

/// What a node key may hold as it is in a placeholder; the rest is
/// percent-encoded (keys come from file names: spaces, quotes, Chinese).
const KEY_CHARS: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.');

/// Writes `@/` links as `grassroots-print:LANG:KEY#anchor` placeholders. The
/// Markdown is rendered once; the placeholders become relative hrefs on the
/// document's own page and in-document anchors on the print pages. They
/// name the target by its node key, not its number, so rendered Markdown
/// stays valid when the dev server's tree changes renumber the nodes.
pub struct LinkPlaceholders<'a> {
    pub site: &'a Site,
    pub lang: usize,
}

impl LinkResolver for LinkPlaceholders<'_> {
    fn resolve(&self, path: &str, anchor: Option<&str>) -> Option<ResolvedLink> {
        let (node, lang) = self.site.node_for_path(path)?;
        // Links into another language stay links to that language's page.
        let target = self
            .site
            .link_target(DocRef::new(node, lang.unwrap_or(self.lang)));
        let key = percent_encoding::utf8_percent_encode(&target.key, KEY_CHARS);
        let mut href = format!("{TOKEN}{}:{key}", target.lang);
        if let Some(a) = anchor {
            href.push('#');
            href.push_str(a);
        }
        Some(ResolvedLink { href, target })
    }
}

/// The id of the `n`th part of a print page ("n3"). Parts are named by
/// their place on the page, not by node number: a page added elsewhere in
/// the site leaves this print page as it was.
pub fn doc_anchor(n: usize) -> String {
    format!("n{n}")
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

/// [`printable_sections`] of every language, as `[print]` configures them
/// (none when print pages are off).
pub fn printable_sets(site: &Site) -> Vec<HashSet<NodeId>> {
    let print = &site.config.raw.print;
    (0..site.config.languages.len())
        .map(|l| match print.enabled {
            true => printable_sections(site, l, print.max_documents)
                .into_iter()
                .collect(),
            false => HashSet::new(),
        })
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

/// What one print page shows of its section's subtree, in reading order:
/// each document, and whether its text is printed here (`true`) or the
/// document is a printable subsection shown as a link to its own print
/// page (`false`; its documents are left out). A section of at most
/// `inline_max` documents prints everything; a bigger one prints its own
/// pages and links its subsections, so that no text is in two print pages.
pub fn printed_members(
    site: &Site,
    lang: usize,
    section: NodeId,
    printable: &HashSet<NodeId>,
    inline_max: usize,
) -> Vec<(NodeId, bool)> {
    let all = members(site, lang, section);
    if all.len() <= inline_max {
        return all.into_iter().map(|id| (id, true)).collect();
    }
    let view = &site.views[lang];
    let mut out = Vec::new();
    let mut stack = vec![section];
    while let Some(id) = stack.pop() {
        if id != section && printable.contains(&id) {
            out.push((id, false));
            continue;
        }
        out.push((id, true));
        stack.extend(view.entries[id].children.iter().rev());
    }
    out
}

/// How a print page links a subsection it does not print (see
/// [`printed_members`]): the label of the link to its print page.
pub struct PartLinks<'a> {
    pub label: &'a str,
}

/// Builds the documents of one print page from each member's rendered
/// Markdown (with link placeholders, see [`LinkPlaceholders`]).
/// `list` is what [`printed_members`] chose.
pub fn documents(
    site: &Site,
    lang: usize,
    section: NodeId,
    list: &[(NodeId, bool)],
    root: &str,
    parts: &PartLinks,
    html_of: impl Fn(NodeId) -> Option<String>,
) -> Vec<PrintDoc> {
    let view = &site.views[lang];
    let part_of: HashMap<DocRef, usize> = list
        .iter()
        .enumerate()
        .filter(|(_, (_, inline))| *inline)
        .map(|(n, &(id, _))| (DocRef::new(id, lang), n))
        .collect();
    let base_depth = site.ancestors(section).len();
    list.iter()
        .enumerate()
        .map(|(n, &(id, inline))| {
            let entry = &view.entries[id];
            let content = if !inline {
                format!(
                    "<p class=\"print-part\"><a href=\"{root}{}\">{}</a></p>",
                    site.link_path(&print_url(&entry.url)),
                    crate::html::escape(parts.label)
                )
            } else {
                html_of(id)
                    .map(|html| {
                        let prefixed = prefix_ids(&html, &format!("{}-", doc_anchor(n)));
                        resolve_placeholders(&prefixed, site, |node, target_lang, anchor, out| {
                            if let Some(&part) = part_of.get(&DocRef::new(node, target_lang)) {
                                out.push('#');
                                out.push_str(&doc_anchor(part));
                                if let Some(a) = anchor {
                                    out.push('-');
                                    out.push_str(a);
                                }
                            } else {
                                out.push_str(root);
                                out.push_str(
                                    &site.link_path(&site.views[target_lang].entries[node].url),
                                );
                                if let Some(a) = anchor {
                                    out.push('#');
                                    out.push_str(a);
                                }
                            }
                        })
                    })
                    .unwrap_or_default()
            };
            let text_lang = entry.source.map_or(lang, |s| site.sources[s].lang);
            PrintDoc {
                id: doc_anchor(n),
                title: entry.title.clone(),
                depth: site.ancestors(id).len() - base_depth,
                content,
                text_lang: site.config.languages[text_lang].html_lang.clone(),
                translated: entry.translated,
            }
        })
        .collect()
}

/// Prefixes every id of a rendered document and every same-document link
/// to one, so several documents can share one HTML page.
pub fn prefix_ids(html: &str, prefix: &str) -> String {
    html.replace(" id=\"", &format!(" id=\"{prefix}"))
        .replace("href=\"#", &format!("href=\"#{prefix}"))
}

/// Turns the link placeholders of rendered Markdown into hrefs: `write`
/// gets the target (node, language, anchor as written) and appends the href.
/// A placeholder whose node the site no longer has (never, as the dev
/// server renders documents linking to a removed page again) is dropped.
pub fn resolve_placeholders(
    html: &str,
    site: &Site,
    mut write: impl FnMut(NodeId, usize, Option<&str>, &mut String),
) -> String {
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    while let Some(pos) = rest.find(TOKEN) {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + TOKEN.len()..];
        let (lang, after) = leading_number(after);
        let after = after.strip_prefix(':').unwrap_or(after);
        let end = after.find('"').unwrap_or(after.len());
        let (key, anchor) = match after[..end].split_once('#') {
            Some((k, a)) => (k, Some(a)),
            None => (&after[..end], None),
        };
        let key = percent_encoding::percent_decode_str(key).decode_utf8_lossy();
        if let Some(node) = site.node_by_key(&key) {
            write(node, lang, anchor, &mut out);
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// The decimal number at the start of `s`, and what follows it.
fn leading_number(s: &str) -> (usize, &str) {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    (s[..digits].parse().unwrap_or(0), &s[digits..])
}

/// The hrefs of a document at `from` (its own page).
pub fn resolve_for_page(html: &str, site: &Site, from: &str) -> String {
    if !html.contains(TOKEN) {
        return html.to_string();
    }
    resolve_placeholders(html, site, |node, lang, anchor, out| {
        out.push_str(&site.href(from, &site.views[lang].entries[node].url));
        if let Some(a) = anchor {
            out.push('#');
            out.push_str(a);
        }
    })
}

/// "units/print/": where a section's print page lives.
pub(crate) fn print_url(section_url: &str) -> String {
    format!("{section_url}print/")
}

/// The section whose print page a document's print link opens: the
/// document itself if it is a printable section, else the nearest printable
/// section above it.
pub(crate) fn print_section(
    site: &Site,
    printable: &[HashSet<NodeId>],
    lang: usize,
    id: NodeId,
) -> Option<NodeId> {
    let mut cur = Some(id);
    while let Some(n) = cur {
        if site.nodes[n].kind == Kind::Section && printable[lang].contains(&n) {
            return Some(n);
        }
        cur = site.nodes[n].parent;
    }
    None
}

/// A page whose URL is a section's print URL would be overwritten.
pub(crate) fn check_print_urls(site: &Site, printable: &[HashSet<NodeId>]) -> Result<()> {
    let mut errors = Vec::new();
    for (lang, sections) in printable.iter().enumerate() {
        let view = &site.views[lang];
        let urls: HashMap<&str, NodeId> = view
            .entries
            .iter()
            .enumerate()
            .map(|(id, e)| (e.url.as_str(), id))
            .collect();
        for &s in sections {
            if let Some(&clash) = urls.get(print_url(&view.entries[s].url).as_str())
                && let Some(src) = view.entries[clash].source
            {
                errors.push(
                    Error::in_file(ErrorKind::Url, &site.sources[src].display_path, format!("this page's URL /{} is where the section's print page goes", view.entries[clash].url))
                        .hint("give the page another `slug`, or set [print] enabled = false in config.toml"),
                );
            }
        }
    }
    match Error::combine(errors) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Writes the print pages of the section documents `jobs` from the
/// rendered Markdown of their members (those of `rendered` that kept it).
#[allow(clippy::too_many_arguments)]
pub(crate) fn render_print_pages(
    site: &Site,
    renderer: &Renderer,
    i18n: &I18n,
    site_ctxs: &[SiteCtx],
    languages: &[LanguageCtx],
    assets: &BTreeMap<String, String>,
    jobs: &[DocRef],
    printable: &[HashSet<NodeId>],
    rendered: &[RenderedDoc],
    out: &dyn Sink,
) -> Result<()> {
    let html_of: HashMap<DocRef, &str> = rendered
        .iter()
        .filter(|d| !d.markdown.html.is_empty())
        .map(|d| (d.doc, d.markdown.html.as_str()))
        .collect();
    let build_date = time::OffsetDateTime::now_utc().date();
    jobs.par_iter()
        .map(
            |&DocRef {
                 node: section,
                 lang,
             }| {
                let view = &site.views[lang];
                let url = print_url(&view.entries[section].url);
                let root = crate::site::root_prefix(&url);
                let list = printed_members(
                    site,
                    lang,
                    section,
                    &printable[lang],
                    site.config.raw.print.inline_max_documents,
                );
                let parts = PartLinks {
                    label: i18n
                        .get(lang, "print_section")
                        .unwrap_or("Print this section"),
                };
                let docs = documents(site, lang, section, &list, &root, &parts, |id| {
                    html_of.get(&DocRef::new(id, lang)).map(|h| h.to_string())
                });
                let mut ctx = tera::Context::new();
                ctx.insert("site", &site_ctxs[lang]);
                ctx.insert("lang", &languages[lang]);
                ctx.insert("root", &root);
                ctx.insert(
                    "home",
                    &site.href(&url, &site.config.languages[lang].prefix),
                );
                ctx.insert("assets", assets);
                ctx.insert("section_title", &view.entries[section].title);
                ctx.insert("section_href", &site.href(&url, &view.entries[section].url));
                ctx.insert("is_whole_site", &(section == ROOT));
                ctx.insert(
                    "date",
                    &context::format_date(build_date, i18n.get(lang, "date_format")),
                );
                ctx.insert("date_iso", &build_date.to_string());
                ctx.insert("docs", &docs);
                let html = renderer.render(lang, "print.html", &ctx)?;
                out.put(&format!("{url}index.html"), html.as_bytes())
            },
        )
        .collect::<Vec<Result<()>>>()
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::testing;

    #[test]
    fn placeholders_name_key_language_and_anchor() {
        let site = testing::units();
        let (research, _) = site.node_for_path("units/research.md").unwrap();
        let html = "<a href=\"grassroots-print:1:units/research#要义\">x</a> \
                    <a href=\"grassroots-print:0:units/\">y</a>\
                    <a href=\"grassroots-print:0:gone\">z</a>";
        let mut seen = Vec::new();
        let out = resolve_placeholders(html, &site, |node, lang, anchor, out| {
            seen.push((node, lang, anchor.map(str::to_string)));
            out.push_str(&format!("/{node}/{lang}"));
        });
        let units = site.node_by_key("units/").unwrap();
        assert_eq!(
            seen,
            [(research, 1, Some("要义".to_string())), (units, 0, None)]
        );
        // The writer decides what to do with the anchor (here: drop it); a
        // key the site does not have leaves no href.
        assert_eq!(
            out,
            format!(
                "<a href=\"/{research}/1\">x</a> <a href=\"/{units}/0\">y</a><a href=\"\">z</a>"
            )
        );
    }

    #[test]
    fn placeholders_round_trip_keys_with_any_characters() {
        let site = testing::units();
        let links = LinkPlaceholders {
            site: &site,
            lang: 0,
        };
        let link = links.resolve("units/research.md", Some("要义")).unwrap();
        assert_eq!(link.href, "grassroots-print:0:units/research#要义");
        assert_eq!(
            link.target,
            site.link_target(site.doc_for(&link.target).unwrap())
        );
        let html = format!(
            "<a href=\"{TOKEN}0:{}\">",
            percent_encoding::utf8_percent_encode("单位/\"调研\" &a", KEY_CHARS)
        );
        assert!(!html[9..html.len() - 2].contains(['"', '&', ' ']), "{html}");
        assert!(html.contains("%E5%8D%95%E4%BD%8D/%22"), "{html}");
    }

    #[test]
    fn a_document_prints_in_the_nearest_printable_section() {
        let site = testing::units();
        let (units, _) = site.node_for_path("units/_index.md").unwrap();
        let (research, _) = site.node_for_path("units/research.md").unwrap();
        let (about, _) = site.node_for_path("about.md").unwrap();
        let printable = vec![HashSet::from([units]), HashSet::from([ROOT, units])];
        assert_eq!(print_section(&site, &printable, 0, research), Some(units));
        assert_eq!(print_section(&site, &printable, 0, about), None);
        assert_eq!(print_section(&site, &printable, 1, about), Some(ROOT));
        assert_eq!(print_url("units/"), "units/print/");
    }

    #[test]
    fn a_big_print_page_links_its_subsections_instead_of_printing_them_again() {
        let site = testing::units();
        let (units, _) = site.node_for_path("units/_index.md").unwrap();
        let printable = HashSet::from([ROOT, units]);
        let whole = printed_members(&site, 0, ROOT, &printable, 60);
        assert!(whole.iter().all(|&(_, inline)| inline), "small: everything");
        let linked = printed_members(&site, 0, ROOT, &printable, 2);
        assert!(linked.contains(&(units, false)), "{linked:?}");
        let (research, _) = site.node_for_path("units/research.md").unwrap();
        assert!(
            !linked.iter().any(|&(id, _)| id == research),
            "its pages are not repeated"
        );
        let parts = PartLinks {
            label: "打印本栏目",
        };
        let docs = documents(&site, 0, ROOT, &linked, "../", &parts, |_| {
            Some(String::new())
        });
        let stub = docs.iter().find(|d| d.title == "四下基层").unwrap();
        assert_eq!(
            stub.content,
            "<p class=\"print-part\"><a href=\"../units/print/\">打印本栏目</a></p>"
        );
    }

    #[test]
    fn a_page_where_a_print_page_goes_is_an_error() {
        let site = testing::site(&[
            ("_index.md", "+++\ntitle = \"首页\"\n+++\n"),
            ("units/_index.md", "+++\ntitle = \"单元\"\n+++\n"),
            ("units/print.md", "+++\ntitle = \"打印\"\n+++\n"),
        ]);
        let (units, _) = site.node_for_path("units/_index.md").unwrap();
        let printable = vec![HashSet::from([units]), HashSet::new()];
        let e = check_print_urls(&site, &printable).unwrap_err();
        assert_eq!(e.kinds(), [ErrorKind::Url]);
        assert!(e.to_string().contains("units/print.md"), "{e}");
        check_print_urls(&site, &[HashSet::new(), HashSet::new()]).unwrap();
    }

    #[test]
    fn print_documents_link_inside_the_page_when_the_target_is_on_it() {
        let site = testing::units();
        let (units, _) = site.node_for_path("units/_index.md").unwrap();
        let (research, _) = site.node_for_path("units/research.md").unwrap();
        let (petitions, _) = site.node_for_path("units/petitions.md").unwrap();
        let html_of = |id: NodeId| {
            (id == research).then(|| {
                format!(
                    "<h2 id=\"要义\">要义</h2><a href=\"{TOKEN}0:units/petitions#做法\">信访</a>"
                )
            })
        };
        let parts = PartLinks {
            label: "打印本栏目",
        };
        let all = |s: NodeId| printed_members(&site, 0, s, &HashSet::new(), 60);
        let docs = documents(&site, 0, units, &all(units), "../../", &parts, html_of);
        assert_eq!(docs.len(), 3, "the section and its two pages");
        let r = docs.iter().find(|d| d.title == "调查研究").unwrap();
        assert_eq!(r.depth, 1);
        // Parts are named by their place on the print page: the section n0,
        // then its pages in reading order.
        let part = |node: NodeId| all(units).iter().position(|&(m, _)| m == node).unwrap();
        assert!(
            r.content
                .contains(&format!("id=\"n{}-要义\"", part(research))),
            "{}",
            r.content
        );
        assert!(
            r.content
                .contains(&format!("href=\"#n{}-做法\"", part(petitions))),
            "{}",
            r.content
        );
        // Printed alone, the page links out to its target's page.
        let alone = documents(
            &site,
            0,
            research,
            &all(research),
            "../../",
            &parts,
            html_of,
        );
        assert!(
            alone[0]
                .content
                .contains("href=\"../../units/petitions/#做法\""),
            "{}",
            alone[0].content
        );
    }
}
