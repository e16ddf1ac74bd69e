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
            let known = ids_of(r.target).unwrap_or_default();
            if known.contains(&r.anchor) {
                continue;
            }
            let target_url = &site.views[r.target.lang].entries[r.target.node].url;
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
