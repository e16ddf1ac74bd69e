//! Links to headings: every `@/page.md#anchor` must name an id that the
//! linked document has. One checker for `build`, `check` and the dev
//! server's edits, so all three say the same thing, with the ids that the
//! linked page does have.

use std::collections::HashMap;

use crate::error::{Error, ErrorKind, Result};
use crate::render::pages::RenderedDoc;
use crate::site::{DocRef, Site};

/// Every anchor of every document in `docs` names an id of its target in
/// `docs`.
pub(crate) fn check_anchors(site: &Site, docs: &[RenderedDoc]) -> Result<()> {
    let ids: HashMap<DocRef, &[String]> = docs
        .iter()
        .map(|d| (d.doc, d.markdown.ids.as_slice()))
        .collect();
    check_anchors_of(site, docs.iter(), |target| ids.get(&target).copied())
}

/// Every anchor of the documents `linking` names an id of its target, whose
/// ids `ids_of` gives (`None`: the target has none). The dev server passes
/// the re-rendered documents and those linking into them.
pub(crate) fn check_anchors_of<'a>(
    site: &Site,
    linking: impl Iterator<Item = &'a RenderedDoc>,
    ids_of: impl Fn(DocRef) -> Option<&'a [String]>,
) -> Result<()> {
    let mut errors = Vec::new();
    for d in linking {
        let entry = &site.views[d.doc.lang].entries[d.doc.node];
        // A fallback document repeats its source's links; report them once, from the source.
        if !entry.translated {
            continue;
        }
        let Some(file) = entry.source.map(|s| &site.sources[s]) else {
            continue;
        };
        for r in &d.markdown.anchor_refs {
            // A target the site no longer has is a broken link, reported
            // when the linking document renders again.
            let Some(target) = site.doc_for(&r.target) else {
                continue;
            };
            let known = ids_of(target).unwrap_or_default();
            if known.contains(&r.anchor) {
                continue;
            }
            let target_url = &site.views[target.lang].entries[target.node].url;
            let mut known: Vec<&str> = known.iter().map(String::as_str).collect();
            known.sort_unstable();
            known.dedup();
            errors.push(
                Error::new(
                    ErrorKind::BrokenAnchor,
                    format!(
                        "broken anchor: /{target_url} has no heading with id `{}`",
                        r.anchor
                    ),
                )
                .at(&file.display_path, Some(r.line), Some(r.column))
                .hint(if known.is_empty() {
                    "that page has no headings; link to the page without `#…`".to_string()
                } else {
                    format!("ids on that page: {}", known.join(", "))
                }),
            );
        }
    }
    match Error::combine(errors) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::{self, RenderContext};
    use crate::render::print::LinkPlaceholders;
    use crate::site::testing;

    /// Every document of `site` with its Markdown rendered.
    fn rendered(site: &Site) -> Vec<RenderedDoc> {
        let mut docs = Vec::new();
        for (lang, view) in site.views.iter().enumerate() {
            for &node in &view.reading_order {
                let Some(file) = view.entries[node].source.map(|s| &site.sources[s]) else {
                    continue;
                };
                let md = markdown::render(
                    &file.body,
                    &RenderContext {
                        file: &file.display_path,
                        body_line: file.body_line,
                        smart_punctuation: false,
                        links: &LinkPlaceholders { site, lang },
                        id_prefix: "",
                    },
                )
                .unwrap();
                docs.push(RenderedDoc {
                    doc: DocRef::new(node, lang),
                    markdown: md.into(),
                });
            }
        }
        docs
    }

    #[test]
    fn anchors_that_exist_pass() {
        let site = testing::units();
        check_anchors(&site, &rendered(&site)).unwrap();
    }

    #[test]
    fn a_missing_anchor_names_the_page_and_its_ids() {
        let mut site = testing::units();
        let research = site.node_for_path("units/research.md").unwrap().0;
        let src = site.views[0].entries[research].source.unwrap();
        std::sync::Arc::make_mut(&mut site.sources[src]).body =
            "## 要义\n\n见[信访](@/units/petitions.md#没有)。\n".into();
        let e = check_anchors(&site, &rendered(&site)).unwrap_err();
        assert_eq!(e.kinds(), [ErrorKind::BrokenAnchor]);
        let d = &e.diagnostics()[0];
        assert!(d.message.contains("/units/petitions/"), "{e}");
        assert!(d.message.contains("`没有`"), "{e}");
        assert_eq!(d.hint.as_deref(), Some("ids on that page: 做法"));
        // The English fallback of 信访 repeats the link: reported once.
        assert_eq!(e.diagnostics().len(), 1);
    }

    #[test]
    fn the_dev_server_checks_only_what_it_is_given() {
        let site = testing::units();
        let docs = rendered(&site);
        // No ids known for any target: every anchor of the linking docs fails.
        let e = check_anchors_of(&site, docs.iter(), |_| None).unwrap_err();
        assert_eq!(
            e.diagnostics()[0].hint.as_deref(),
            Some("that page has no headings; link to the page without `#…`")
        );
        check_anchors_of(&site, std::iter::empty(), |_| None).unwrap();
    }
}
