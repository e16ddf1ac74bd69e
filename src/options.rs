//! What the user asked for: the command line's options, and the site's
//! configuration with those options applied.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::error::Result;

/// What the user asked for on the command line.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site folder (holding config.toml and content/).
    pub site_dir: PathBuf,
    /// Defaults to SITE/public.
    pub output_dir: Option<PathBuf>,
    /// Overrides `base_url` in config.toml.
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Overrides `offline` in config.toml.
    pub offline: Option<bool>,
    /// Folder holding themes; defaults to SITE/themes, then ./themes, then
    /// the themes folder next to the program's sources.
    pub themes_dir: Option<PathBuf>,
    /// Show a progress bar (on a terminal, for long builds).
    pub progress: bool,
    /// Overrides `precompress` in config.toml.
    pub precompress: Option<bool>,
    /// Keep every document's rendered Markdown after the build. The dev
    /// server does, to re-render pages and print pages after an edit without
    /// rendering their neighbours' Markdown again; a plain build drops each
    /// document's HTML as soon as its print pages are written, which keeps
    /// a large site's memory near the size of one section.
    pub keep_html: bool,
    /// `Some(true)` gives a small site's search index the files a big
    /// site's gets (head shards, deep records, metadata and excerpt records
    /// read by range; docs/search-format.md), which it otherwise gets past
    /// ~6 MB of postings a language; `None` decides by size. The browser
    /// tests use it (the CLI reads `GRASSROOTS_SEARCH_TIERS=1`): it shows on
    /// a small site how a big one will search.
    pub search_tiers: Option<bool>,
}

/// Loads the configuration with the command line's overrides applied.
pub fn load_config(opts: &BuildOptions) -> Result<Config> {
    let mut config = Config::load(&opts.site_dir.join("config.toml"))?;
    if let Some(url) = &opts.base_url {
        let mut raw = config.raw.clone();
        raw.base_url = Some(url.clone());
        config = Config::from_raw(raw, Path::new("--base-url"))?;
    }
    if let Some(offline) = opts.offline {
        config.raw.offline = offline;
    }
    if let Some(p) = opts.precompress {
        config.raw.precompress = p;
    }
    Ok(config)
}
