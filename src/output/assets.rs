//! The theme's assets, the highlighting CSS and the search scripts, written
//! under `assets/` with a content hash in each name.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Error, Result};
use crate::markdown;
use crate::output::Staging;
use crate::site::Site;

/// Fingerprints the theme's `assets/`, the code highlighting CSS and the
/// search scripts into `assets/`.
pub(crate) fn write_assets(
    site: &Site,
    theme: &Path,
    staging: &Staging,
) -> Result<BTreeMap<String, String>> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let assets_dir = theme.join("assets");
    if assets_dir.is_dir() {
        for entry in walkdir::WalkDir::new(&assets_dir)
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            if entry.file_type().is_file() {
                let name = entry
                    .path()
                    .strip_prefix(&assets_dir)
                    .unwrap_or(entry.path())
                    .to_string_lossy()
                    .replace('\\', "/");
                let bytes = std::fs::read(entry.path())
                    .map_err(|e| Error::io(entry.path(), "read the asset", e))?;
                files.push((name, bytes));
            }
        }
    }
    let md = &site.config.raw.markdown;
    let highlight_css =
        markdown::highlight::stylesheet(&md.highlight_theme, &md.highlight_theme_dark)
            .map_err(|e| e.clone().at(Path::new("config.toml"), None, None))?;
    // A file of its own, linked only from pages with code: most study pages
    // have none, and the two themes' rules weigh more than the theme's CSS.
    files.push(("highlight.css".into(), highlight_css.into_bytes()));
    if site.config.raw.search.enabled {
        files.push((
            "search.js".into(),
            grassroots_search::CLIENT_JS.as_bytes().to_vec(),
        ));
        files.push((
            "search-ui.js".into(),
            grassroots_search::UI_JS.as_bytes().to_vec(),
        ));
    }
    let mut map = BTreeMap::new();
    for (name, bytes) in files {
        let hashed = fingerprint(&name, &bytes);
        staging.write(&format!("assets/{hashed}"), &bytes)?;
        map.insert(name, format!("assets/{hashed}"));
    }
    Ok(map)
}

/// "style.css" → "style.1a2b3c4d.css": the name changes when the content
/// does, so hosts may cache assets forever.
pub fn fingerprint(name: &str, bytes: &[u8]) -> String {
    let hash = xxhash_rust::xxh3::xxh3_64(bytes);
    let short = format!("{:08x}", hash as u32);
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{short}.{ext}"),
        None => format!("{name}.{short}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_follow_the_content() {
        let a = fingerprint("style.css", b"body{}");
        assert!(
            a.starts_with("style.") && a.ends_with(".css") && a.len() == "style.12345678.css".len()
        );
        assert_eq!(a, fingerprint("style.css", b"body{}"));
        assert_ne!(a, fingerprint("style.css", b"body{color:red}"));
        assert!(fingerprint("LICENSE", b"x").starts_with("LICENSE."));
    }
}
