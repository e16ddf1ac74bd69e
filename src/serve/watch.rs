//! Watching the site's sources: `config.toml`, `content/`, `static/`,
//! `templates/`, `i18n/` and the theme folder, with events debounced so an
//! editor's burst of writes makes one rebuild.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::error::{Error, ErrorKind, Result};
use crate::options::{BuildOptions, load_config};
use crate::theme::theme_dir;

/// The folders below the site folder that a build reads.
pub const SITE_FOLDERS: [&str; 4] = ["content", "static", "templates", "i18n"];

/// What the watcher sends to the rebuild loop.
pub enum Message {
    /// Paths that were created, changed or removed.
    Changed(Vec<PathBuf>),
    /// The watcher itself failed (the rebuild loop prints these).
    Failed(Vec<String>),
    /// Stop the rebuild loop.
    Stop,
}

pub struct Watcher {
    debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
    /// The site folder, canonical.
    site: PathBuf,
    /// The theme folder, canonical, when it is a folder on disk (not the
    /// built-in copy unpacked into a temporary folder).
    theme: Option<PathBuf>,
    watching: BTreeSet<PathBuf>,
}

impl Watcher {
    /// Starts watching; changes are sent to `tx` after `debounce` of quiet.
    pub fn new(site: &Path, debounce: Duration, tx: Sender<Message>) -> Result<Watcher> {
        let site = site
            .canonicalize()
            .map_err(|e| Error::io(site, "find the site folder", e))?;
        let debouncer = new_debouncer(debounce, None, move |result: DebounceEventResult| {
            let message = match result {
                Ok(events) => {
                    let paths: Vec<PathBuf> = events
                        .into_iter()
                        .filter(|e| !matches!(e.event.kind, EventKind::Access(_)))
                        .flat_map(|e| e.event.paths)
                        .collect();
                    if paths.is_empty() {
                        return;
                    }
                    Message::Changed(paths)
                }
                Err(errors) => Message::Failed(errors.iter().map(|e| e.to_string()).collect()),
            };
            let _ = tx.send(message);
        })
        .map_err(|e| {
            Error::new(
                ErrorKind::Server,
                format!("could not watch the site for changes: {e}"),
            )
        })?;
        Ok(Watcher {
            debouncer,
            site,
            theme: None,
            watching: BTreeSet::new(),
        })
    }

    /// Watches whatever the build reads now: called after every build, as
    /// folders may have appeared and config.toml may name another theme.
    pub fn update(&mut self, opts: &BuildOptions) -> Vec<String> {
        let mut problems = Vec::new();
        self.theme = find_theme(opts);
        // The site folder itself, not recursively: config.toml (editors often
        // replace a file rather than write it, which a watch on the file
        // would lose) and the appearance of content/, static/, ...
        let mut wanted = vec![(self.site.clone(), RecursiveMode::NonRecursive)];
        for name in SITE_FOLDERS {
            let dir = self.site.join(name);
            if dir.is_dir() {
                wanted.push((dir, RecursiveMode::Recursive));
            }
        }
        if let Some(theme) = &self.theme {
            wanted.push((theme.clone(), RecursiveMode::Recursive));
        }
        let wanted_paths: BTreeSet<PathBuf> = wanted.iter().map(|(p, _)| p.clone()).collect();
        for gone in self
            .watching
            .difference(&wanted_paths)
            .cloned()
            .collect::<Vec<_>>()
        {
            let _ = self.debouncer.unwatch(&gone);
            self.watching.remove(&gone);
        }
        for (path, mode) in wanted {
            if self.watching.contains(&path) {
                continue;
            }
            match self.debouncer.watch(&path, mode) {
                Ok(()) => {
                    self.watching.insert(path);
                }
                Err(e) => problems.push(format!("could not watch {}: {e}", path.display())),
            }
        }
        problems
    }

    /// Whether a change to `path` can change the built site.
    pub fn is_relevant(&self, path: &Path) -> bool {
        if is_editor_scratch(path) {
            return false;
        }
        if let Ok(rel) = path.strip_prefix(&self.site) {
            let mut parts = rel.components();
            let first = parts.next().map(|c| c.as_os_str().to_string_lossy());
            match first.as_deref() {
                Some("config.toml") if parts.next().is_none() => return true,
                Some(name) if SITE_FOLDERS.contains(&name) => return true,
                _ => {}
            }
        }
        self.theme.as_ref().is_some_and(|t| path.starts_with(t))
    }

    /// `path` as a person would name it: relative to the site folder, or to
    /// the theme folder's parent.
    pub fn display(&self, path: &Path) -> String {
        let rel = path
            .strip_prefix(&self.site)
            .ok()
            .or_else(|| {
                let parent = self.theme.as_ref()?.parent()?;
                path.strip_prefix(parent).ok()
            })
            .unwrap_or(path);
        rel.to_string_lossy().replace('\\', "/")
    }
}

/// The theme folder on disk, canonical; `None` when config.toml does not
/// load or the theme is the built-in copy (a temporary folder).
fn find_theme(opts: &BuildOptions) -> Option<PathBuf> {
    let config = load_config(opts).ok()?;
    let theme = theme_dir(opts, &config).ok()?;
    // The built-in theme is the program's own: nothing to watch.
    if theme.built_in {
        return None;
    }
    theme.path.canonicalize().ok()
}

/// Swap, backup and lock files that editors write beside the real one.
fn is_editor_scratch(path: &Path) -> bool {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy()) else {
        return false;
    };
    name.starts_with(".#")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name == "4913"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_scratch_files_are_ignored() {
        assert!(is_editor_scratch(Path::new("content/.a.md.swp")));
        assert!(is_editor_scratch(Path::new("content/a.md~")));
        assert!(is_editor_scratch(Path::new("content/.#a.md")));
        assert!(!is_editor_scratch(Path::new("content/a.md")));
    }
}
