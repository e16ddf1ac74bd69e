//! What a changed file is to the build, decided before the dev server
//! picks a rebuild path (as Zola's `detect_change_kind` does).
//!
//! [`classify_path`] looks at the path alone: which folder of the site (or
//! the theme) it is in, and whether it is Markdown. [`ChangeKind`] then
//! says, for a Markdown file of the content, what changed in it — which the
//! session finds by loading the file and comparing it with what it has
//! (see `Session::classify`). Only [`ChangeKind::Body`] and
//! [`ChangeKind::FrontMatter`] are applied in place; everything else is a
//! full build, which is always correct.

use std::path::{Component, Path};

/// Where a changed path is, by its place in the site alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathKind {
    /// A Markdown file below `content/`.
    Markdown,
    /// Any other file below `content/` (an image beside its page).
    ContentAsset,
    /// `templates/`, the site's template overrides.
    Template,
    /// `static/`, copied as it is.
    Static,
    /// `i18n/`, the site's UI strings.
    UiStrings,
    /// `config.toml`.
    Config,
    /// Anything in the theme folder.
    Theme,
    /// Nothing the build reads (an editor's file beside config.toml, say).
    Unrelated,
}

/// What changed, once the file itself has been looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// Only the text of a page or section the site has: re-render the
    /// documents that show it.
    Body,
    /// The front matter (or the title) of a page or section the site has:
    /// re-render what shows what moved or was renamed.
    FrontMatter,
    /// A Markdown file the site does not have yet (new, or renamed to here).
    NewContent,
    /// A Markdown file the site has that is gone (deleted, or renamed away).
    RemovedContent,
    /// A file the site has became a draft, or changed language or kind
    /// (`a.md` → `a.en.md` in place is a rename, seen as such).
    Reshaped,
    /// Not Markdown, or not content: what [`PathKind`] says.
    Other(PathKind),
}

impl ChangeKind {
    /// Whether the session can apply this change in place.
    pub fn in_place(self) -> bool {
        matches!(self, ChangeKind::Body | ChangeKind::FrontMatter)
    }
}

/// Classifies `path` (absolute, as the watcher reports it) against the
/// site folder and the theme folder (both canonical).
pub fn classify_path(site: &Path, theme: Option<&Path>, path: &Path) -> PathKind {
    if let Ok(rel) = path.strip_prefix(site) {
        let mut parts = rel.components().filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy()),
            _ => None,
        });
        let first = parts.next();
        let rest_is_empty = parts.next().is_none();
        match first.as_deref() {
            Some("content") if is_markdown(path) => return PathKind::Markdown,
            Some("content") if !rest_is_empty => return PathKind::ContentAsset,
            Some("templates") => return PathKind::Template,
            Some("static") => return PathKind::Static,
            Some("i18n") => return PathKind::UiStrings,
            Some("config.toml") if rest_is_empty => return PathKind::Config,
            // A theme inside the site folder (SITE/themes/NAME) is the theme.
            Some("themes") if theme.is_none_or(|t| !path.starts_with(t)) => {
                return PathKind::Unrelated;
            }
            _ => {}
        }
    }
    match theme {
        Some(t) if path.starts_with(t) => PathKind::Theme,
        _ => PathKind::Unrelated,
    }
}

fn is_markdown(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "md")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(path: &str) -> PathKind {
        classify_path(
            Path::new("/s"),
            Some(Path::new("/themes/default")),
            Path::new(path),
        )
    }

    #[test]
    fn paths_are_classified_by_their_folder() {
        assert_eq!(kind("/s/content/units/调查研究.md"), PathKind::Markdown);
        assert_eq!(kind("/s/content/_index.en.md"), PathKind::Markdown);
        assert_eq!(kind("/s/content/units/photo.jpg"), PathKind::ContentAsset);
        assert_eq!(kind("/s/templates/page.html"), PathKind::Template);
        assert_eq!(kind("/s/static/logo.svg"), PathKind::Static);
        assert_eq!(kind("/s/i18n/zh.toml"), PathKind::UiStrings);
        assert_eq!(kind("/s/config.toml"), PathKind::Config);
        assert_eq!(kind("/themes/default/assets/style.css"), PathKind::Theme);
        assert_eq!(kind("/s/notes.txt"), PathKind::Unrelated);
        assert_eq!(kind("/s/public/index.html"), PathKind::Unrelated);
        assert_eq!(kind("/elsewhere/config.toml"), PathKind::Unrelated);
    }

    #[test]
    fn a_config_toml_below_content_is_content() {
        assert_eq!(kind("/s/content/config.toml"), PathKind::ContentAsset);
        assert_eq!(kind("/s/templates/config.toml"), PathKind::Template);
    }

    #[test]
    fn a_theme_inside_the_site_folder_is_the_theme() {
        let theme = Path::new("/s/themes/mine");
        let k = |p: &str| classify_path(Path::new("/s"), Some(theme), Path::new(p));
        assert_eq!(k("/s/themes/mine/templates/base.html"), PathKind::Theme);
        assert_eq!(
            k("/s/themes/other/templates/base.html"),
            PathKind::Unrelated
        );
    }

    #[test]
    fn only_body_and_front_matter_edits_are_applied_in_place() {
        assert!(ChangeKind::Body.in_place());
        assert!(ChangeKind::FrontMatter.in_place());
        for k in [
            ChangeKind::NewContent,
            ChangeKind::RemovedContent,
            ChangeKind::Reshaped,
            ChangeKind::Other(PathKind::Template),
            ChangeKind::Other(PathKind::Config),
        ] {
            assert!(!k.in_place(), "{k:?}");
        }
    }
}
