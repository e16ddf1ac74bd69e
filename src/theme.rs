//! Finding the theme: a folder of templates, assets, static files and UI
//! strings, in the site, beside it, or built into the program.

use std::path::PathBuf;

use crate::config::Config;
use crate::error::{Error, ErrorKind, Result};
use crate::options::BuildOptions;

/// The default theme, built into the program so an installed `grassroots`
/// works without its source tree.
static EMBEDDED_THEME: include_dir::Dir =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// A theme folder; the embedded theme is unpacked into a temporary folder
/// that lives as long as this value.
pub struct ThemeDir {
    pub path: PathBuf,
    _unpacked: Option<tempfile::TempDir>,
}

/// Finds the theme: SITE/themes/NAME, then themes/NAME beside the site
/// folder or in the working folder, then (for "default") the built-in copy.
pub fn theme_dir(opts: &BuildOptions, config: &Config) -> Result<ThemeDir> {
    let name = &config.raw.theme;
    let mut candidates = Vec::new();
    if let Some(d) = &opts.themes_dir {
        candidates.push(d.join(name));
    }
    candidates.push(opts.site_dir.join("themes").join(name));
    if let Some(parent) = opts.site_dir.parent() {
        candidates.push(parent.join("themes").join(name));
    }
    candidates.push(PathBuf::from("themes").join(name));
    if let Some(p) = candidates.iter().find(|p| p.join("templates").is_dir()) {
        return Ok(ThemeDir {
            path: p.clone(),
            _unpacked: None,
        });
    }
    if name == "default" {
        let tmp = tempfile::tempdir().map_err(|e| {
            Error::new(
                ErrorKind::Theme,
                format!("could not unpack the built-in theme: {e}"),
            )
        })?;
        EMBEDDED_THEME.extract(tmp.path()).map_err(|e| {
            Error::new(
                ErrorKind::Theme,
                format!("could not unpack the built-in theme: {e}"),
            )
        })?;
        return Ok(ThemeDir {
            path: tmp.path().to_path_buf(),
            _unpacked: Some(tmp),
        });
    }
    Err(Error::in_file(
        ErrorKind::Theme,
        opts.site_dir.join("config.toml"),
        format!("theme \"{name}\" not found"),
    )
    .hint(format!(
        "looked in: {}",
        candidates
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    )))
}
