//! Build-time syntax highlighting with syntect.
//!
//! Code is marked up with CSS classes (`hl-keyword` …) rather than inline
//! colours, so one stylesheet serves light and dark mode and the pages stay
//! small; the stylesheet is generated from two syntect themes.

use std::sync::OnceLock;

use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use crate::error::{Error, ErrorKind, Result};

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Syntax definitions load once per process from syntect's binary dump.
fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// syntect's built-in themes, loaded once.
fn themes() -> &'static ThemeSet {
    static SET: OnceLock<ThemeSet> = OnceLock::new();
    SET.get_or_init(ThemeSet::load_defaults)
}

/// Whether `name` is one of the themes [`stylesheet`] accepts.
pub fn has_theme(name: &str) -> bool {
    themes().themes.contains_key(name)
}

/// The theme names [`stylesheet`] accepts, sorted.
pub fn theme_names() -> Vec<String> {
    let mut names: Vec<String> = themes().themes.keys().cloned().collect();
    names.sort();
    names
}

/// Highlighted HTML for a fenced code block, or `None` when the language is
/// unknown (the caller then escapes the code as plain text).
pub fn highlight(code: &str, lang: &str) -> Option<String> {
    let set = syntaxes();
    let syntax = set.find_syntax_by_token(lang)?;
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, set, CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        // A syntax that fails on odd input falls back to plain text rather than failing the build.
        generator
            .parse_html_for_line_which_includes_newline(line)
            .ok()?;
    }
    Some(generator.finalize())
}

/// The stylesheet for highlighted code: `light` by default, `dark` under
/// `prefers-color-scheme: dark`.
pub fn stylesheet(light: &str, dark: &str) -> Result<String> {
    let themes = ThemeSet::load_defaults();
    let css_for = |name: &str| -> Result<String> {
        let theme = themes.themes.get(name).ok_or_else(|| {
            let mut known: Vec<_> = themes.themes.keys().cloned().collect();
            known.sort();
            Error::new(ErrorKind::Highlight, format!("unknown highlight theme \"{name}\"")).hint(format!(
                "set [markdown] highlight_theme / highlight_theme_dark in config.toml to one of: {}",
                known.join(", ")
            ))
        })?;
        css_for_theme_with_class_style(theme, CLASS_STYLE).map_err(|e| {
            Error::new(
                ErrorKind::Highlight,
                format!("could not make CSS for highlight theme \"{name}\": {e}"),
            )
        })
    };
    let light_css = css_for(light)?;
    let dark_css = css_for(dark)?;
    Ok(format!(
        "/* code highlighting: {light} (light), {dark} (dark) */\n{light_css}\n@media (prefers-color-scheme: dark) {{\n{dark_css}\n}}\n"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_gets_classes() {
        let html = highlight("fn main() {}\n", "rust").unwrap();
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(html.contains("main"));
    }

    #[test]
    fn unknown_language_is_none() {
        assert!(highlight("x", "no-such-language").is_none());
    }

    #[test]
    fn stylesheet_has_both_schemes() {
        let css = stylesheet("InspiredGitHub", "base16-ocean.dark").unwrap();
        assert!(css.contains(".hl-"));
        assert!(css.contains("prefers-color-scheme: dark"));
        assert!(
            stylesheet("nope", "base16-ocean.dark")
                .unwrap_err()
                .to_string()
                .contains("InspiredGitHub")
        );
    }
}
