//! Files in content/ that are not Markdown (images, recordings, downloads)
//! are published beside the page or section they belong to, as Zola does:
//!
//! - in a page bundle (`post/index.md`, `post/index.en.md`, `post/photo.jpg`)
//!   a file is published beside the page in every language
//!   (`post/photo.jpg` and `en/post/photo.jpg`), so `![](photo.jpg)`
//!   works from both;
//! - anywhere else, beside the nearest section (`units/map.png` at
//!   `units/map.png` and `en/units/map.png`).
//!
//! config.toml's `ignored_content` globs were applied when content/ was read.

use std::path::Path;

use crate::error::{Error, Result};
use crate::output::Staging;
use crate::site::{NodeId, ROOT, Site};

/// Whether a folder is a page bundle: it has `index.md` (or `index.LANG.md`)
/// and no `_index.md` (which would make it a section).
pub fn is_bundle_dir(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    let names: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .collect();
    let is = |prefix: &str| {
        names.iter().any(|n| {
            n == &format!("{prefix}.md")
                || (n.starts_with(&format!("{prefix}.")) && n.matches('.').count() == 2)
        })
    };
    is("index") && !is("_index")
}

/// Where an asset goes: the node it belongs to and its path below that
/// node's URL ("photo.jpg", "img/photo.jpg").
fn owner(site: &Site, content_dir: &Path, rel: &str) -> Option<(NodeId, String)> {
    let mut folder = rel;
    while let Some((parent, _)) = folder.rsplit_once('/') {
        folder = parent;
        let below = &rel[folder.len() + 1..];
        if is_bundle_dir(&content_dir.join(folder)) {
            // A draft bundle has no node: its files stay unpublished with it.
            return site
                .node_for_path(&format!("{folder}/index.md"))
                .map(|(id, _)| (id, below.to_string()));
        }
        if let Some((id, _)) = site.node_for_path(&format!("{folder}/_index.md")) {
            return Some((id, below.to_string()));
        }
    }
    Some((ROOT, rel.to_string()))
}

/// Copies every asset (paths below `content_dir`) beside its page or
/// section, in every language.
pub fn publish(
    site: &Site,
    content_dir: &Path,
    assets: &[String],
    staging: &Staging,
) -> Result<()> {
    for rel in assets {
        let Some((id, below)) = owner(site, content_dir, rel) else {
            continue;
        };
        let source = content_dir.join(rel);
        let bytes = std::fs::read(&source).map_err(|e| Error::io(&source, "read the file", e))?;
        for view in &site.views {
            let url = &view.entries[id].url;
            staging.write(&format!("{url}{below}"), &bytes)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundle_folders() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("index.en.md"), "").unwrap();
        std::fs::write(d.join("photo.jpg"), "").unwrap();
        assert!(is_bundle_dir(d));
        std::fs::write(d.join("_index.md"), "").unwrap();
        assert!(!is_bundle_dir(d));
    }
}
