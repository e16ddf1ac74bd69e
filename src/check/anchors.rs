//! Links to headings: every `@/page.md#anchor` must name an id that the
//! linked document has. One checker for `build`, `serve` and `check`.

use std::collections::{HashMap, HashSet};

use crate::error::{Error, ErrorKind, Result};
use crate::render::pages::RenderedDoc;
use crate::site::Site;

/// Every `@/page.md#anchor` must name an id that exists on the target.
pub(crate) fn check_anchors(site: &Site, docs: &[RenderedDoc]) -> Result<()> {
    let n_langs = site.config.languages.len();
    let ids: HashMap<usize, HashSet<&str>> = docs
        .iter()
        .map(|d| {
            (
                d.node * n_langs + d.lang,
                d.markdown.ids.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    let mut errors = Vec::new();
    for d in docs {
        let entry = &site.views[d.lang].entries[d.node];
        // A fallback document repeats its source's links; report them once, from the source.
        if !entry.translated {
            continue;
        }
        let Some(file) = entry.source.map(|s| &site.sources[s]) else {
            continue;
        };
        for r in &d.markdown.anchor_refs {
            let found = ids
                .get(&r.target)
                .is_some_and(|set| set.contains(r.anchor.as_str()));
            if !found {
                let (target_node, target_lang) = (r.target / n_langs, r.target % n_langs);
                let target_url = &site.views[target_lang].entries[target_node].url;
                let mut known: Vec<&str> = ids
                    .get(&r.target)
                    .map(|s| s.iter().copied().collect())
                    .unwrap_or_default();
                known.sort();
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
    }
    match Error::combine(errors) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
