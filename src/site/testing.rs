//! Small sites made in memory for the unit tests of the stages after the
//! model (render, check, index, incremental): a config and a few Markdown
//! files, loaded and modelled the way a build does.

use std::path::Path;

use crate::config::Config;
use crate::content;
use crate::render::{Renderer, i18n::I18n};
use crate::site::Site;

/// A bilingual (zh + en) config with print pages and search on.
pub const CONFIG: &str =
    "title = \"学习\"\nbase_url = \"https://example.org\"\n[languages.en]\ntitle = \"Study\"\n";

/// The site of `files` (path below content/, text) with [`CONFIG`].
pub fn site(files: &[(&str, &str)]) -> Site {
    site_with(CONFIG, files)
}

/// The site of `files` with `config` as its config.toml.
pub fn site_with(config: &str, files: &[(&str, &str)]) -> Site {
    let dir = tempfile::tempdir().unwrap();
    for (rel, text) in files {
        let path = dir.path().join("content").join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let config = Config::parse(config, Path::new("config.toml")).unwrap();
    let (sources, _) = content::load(&dir.path().join("content"), &config, false).unwrap();
    Site::new(config, sources).unwrap()
}

/// The default theme's renderer and UI strings for `site`.
pub fn renderer(site: &Site) -> (Renderer, I18n) {
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    let i18n = I18n::load(&site.config, &[&theme.join("i18n")]).unwrap();
    let renderer =
        Renderer::load(&theme.join("templates"), Path::new("/nonexistent"), &i18n).unwrap();
    (renderer, i18n)
}

/// Fingerprinted asset names as `output::assets` makes them, for the
/// templates (the files themselves are not written).
pub fn assets() -> std::collections::BTreeMap<String, String> {
    [
        "style.css",
        "theme.js",
        "highlight.css",
        "search.js",
        "search-ui.js",
    ]
    .into_iter()
    .map(|name| (name.to_string(), format!("assets/{name}")))
    .collect()
}

/// A small tree: home, a section "units" with two pages (one translated),
/// and a page at the top.
pub fn units() -> Site {
    site(&[
        ("_index.md", "+++\ntitle = \"首页\"\n+++\n正文\n"),
        ("_index.en.md", "+++\ntitle = \"Home\"\n+++\nText\n"),
        (
            "units/_index.md",
            "+++\ntitle = \"四下基层\"\n+++\n## 导语\n\n导语正文\n",
        ),
        (
            "units/research.md",
            "+++\ntitle = \"调查研究\"\nweight = 1\n+++\n## 要义\n\n见[信访](@/units/petitions.md#做法)。\n",
        ),
        (
            "units/research.en.md",
            "+++\ntitle = \"Research\"\nweight = 1\n+++\n## Key points\n\nText.\n",
        ),
        (
            "units/petitions.md",
            "+++\ntitle = \"信访\"\nweight = 2\n+++\n## 做法\n\n正文\n",
        ),
        (
            "about.md",
            "+++\ntitle = \"关于\"\nweight = 9\n+++\n关于本站\n",
        ),
    ])
}
