//! Finding the theme: a folder of templates, assets, static files and UI
//! strings, in the site, beside it, or built into the program.
//!
//! The built-in theme is unpacked once per program version into the user's
//! cache folder (`$XDG_CACHE_HOME/grassroots` or `~/.cache/grassroots`) and
//! reused: a build used to copy it into a new temporary folder, which a
//! killed build never removed. Each use checks the copy against the program's
//! bytes and unpacks again where they differ; copies of other versions unused
//! for a week, and unpacking folders a killed build left, are removed.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::config::Config;
use crate::error::{Error, ErrorKind, Result};
use crate::options::BuildOptions;

/// The default theme, built into the program so an installed `grassroots`
/// works without its source tree.
static EMBEDDED_THEME: include_dir::Dir =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// A theme folder; without a cache folder, the embedded theme is unpacked
/// into a temporary folder that lives as long as this value.
pub struct ThemeDir {
    pub path: PathBuf,
    /// The program's own theme (cached or unpacked), not a folder to watch.
    pub built_in: bool,
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
            built_in: false,
            _unpacked: None,
        });
    }
    if name == "default" {
        if let Some(path) = cache_folder().and_then(|c| cached_theme(&c)) {
            return Ok(ThemeDir {
                path,
                built_in: true,
                _unpacked: None,
            });
        }
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
            built_in: true,
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

/// The user's cache folder for grassroots, when the environment names one.
fn cache_folder() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            let home = std::env::var_os("HOME").filter(|v| !v.is_empty())?;
            Some(PathBuf::from(home).join(".cache"))
        })?;
    Some(base.join("grassroots"))
}

/// Prefix of the cached copies' folder names.
const CACHED_PREFIX: &str = "theme-default-";
/// Prefix of folders being unpacked.
const UNPACKING_PREFIX: &str = ".theme-unpacking-";

/// Every embedded file: its path below the theme and its bytes.
fn embedded_files() -> Vec<(&'static Path, &'static [u8])> {
    let mut files = Vec::new();
    let mut dirs = vec![&EMBEDDED_THEME];
    while let Some(dir) = dirs.pop() {
        for entry in dir.entries() {
            match entry {
                include_dir::DirEntry::Dir(d) => dirs.push(d),
                include_dir::DirEntry::File(f) => files.push((f.path(), f.contents())),
            }
        }
    }
    files.sort();
    files
}

/// The cache folder's name for this program's theme: version and a hash
/// of the files, so two builds of one version with different themes differ.
fn cached_name(files: &[(&Path, &[u8])]) -> String {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for (path, bytes) in files {
        h.update(path.to_string_lossy().as_bytes());
        h.update(&[0]);
        h.update(&(bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    }
    format!(
        "{CACHED_PREFIX}{}-{:016x}",
        env!("CARGO_PKG_VERSION"),
        h.digest()
    )
}

/// The cached copy of the built-in theme, unpacked first where it is
/// missing or differs. `None` when the cache folder cannot be used: the
/// caller unpacks into a temporary folder instead.
fn cached_theme(cache: &Path) -> Option<PathBuf> {
    let files = embedded_files();
    let name = cached_name(&files);
    let target = cache.join(&name);
    if matches_embedded(&target, &files) {
        touch(&target);
        return Some(target);
    }
    fs::create_dir_all(cache).ok()?;
    clean_cache(cache, &name);
    let tmp = tempfile::Builder::new()
        .prefix(UNPACKING_PREFIX)
        .tempdir_in(cache)
        .ok()?;
    EMBEDDED_THEME.extract(tmp.path()).ok()?;
    if target.exists() {
        // A copy that differs from the program's bytes: replace it.
        let _ = fs::remove_dir_all(&target);
    }
    // Another build may have put the same copy in place meanwhile: fine.
    if fs::rename(tmp.path(), &target).is_err() && !matches_embedded(&target, &files) {
        return None;
    }
    matches_embedded(&target, &files).then_some(target)
}

/// True when `dir` holds exactly the embedded files' bytes (more files are
/// ignored: the templates are found by name).
fn matches_embedded(dir: &Path, files: &[(&Path, &[u8])]) -> bool {
    dir.is_dir()
        && files
            .iter()
            .all(|(rel, bytes)| fs::read(dir.join(rel)).is_ok_and(|b| b == *bytes))
}

/// Marks a cached copy as used now, so [`clean_cache`] keeps it.
fn touch(dir: &Path) {
    let _ = fs::File::open(dir).and_then(|f| f.set_modified(SystemTime::now()));
}

/// Removes copies of other versions unused for a week and unpacking
/// folders older than an hour (a build that was killed while unpacking).
fn clean_cache(cache: &Path, keep: &str) {
    let Ok(entries) = fs::read_dir(cache) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let max_age = if name.starts_with(UNPACKING_PREFIX) {
            Duration::from_secs(3600)
        } else if name.starts_with(CACHED_PREFIX) && name != keep {
            Duration::from_secs(7 * 24 * 3600)
        } else {
            continue;
        };
        let age = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok());
        if age.is_some_and(|a| a > max_age) {
            let _ = fs::remove_dir_all(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_theme_is_unpacked_once_and_repaired() {
        let cache = tempfile::tempdir().unwrap();
        let first = cached_theme(cache.path()).unwrap();
        assert!(first.join("templates/base.html").is_file());
        let again = cached_theme(cache.path()).unwrap();
        assert_eq!(first, again);
        let names: Vec<_> = fs::read_dir(cache.path()).unwrap().flatten().collect();
        assert_eq!(names.len(), 1, "one copy, nothing else");

        // A changed copy is unpacked again.
        fs::write(first.join("templates/base.html"), "tampered").unwrap();
        let repaired = cached_theme(cache.path()).unwrap();
        assert_ne!(
            fs::read(repaired.join("templates/base.html")).unwrap(),
            b"tampered"
        );
    }
}
