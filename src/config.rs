//! `config.toml`: the site's settings.
//!
//! Unknown keys are errors (a typo such as `default_langauge` must not be
//! silently ignored), reported with the line and column of the key.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, ErrorKind, Result, line_col};
use crate::lang::{
    folder_name, html_lang_for, is_language_code, native_name, primary_subtag, same_code,
};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    /// Title of the site in the default language.
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Code of the default language, e.g. "zh", "zh-CN" or "zh-Hans".
    #[serde(default = "default_language")]
    pub default_language: String,
    /// Put the default language under its own prefix (`/zh/`) too, with a
    /// small language picker at `/`.
    #[serde(default)]
    pub default_language_in_subdir: bool,
    /// Absolute URL of the deployed site; needed for sitemap, feeds and canonical links.
    #[serde(default)]
    pub base_url: Option<String>,
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Write links that name `index.html`, so the site works opened from disk.
    #[serde(default)]
    pub offline: bool,
    /// Also write `.gz` copies of text files, for hosts that serve them.
    #[serde(default)]
    pub precompress: bool,
    #[serde(default)]
    pub markdown: MarkdownConfig,
    #[serde(default)]
    pub search: SearchConfig,
    #[serde(default)]
    pub navigation: NavigationConfig,
    #[serde(default)]
    pub print: PrintConfig,
    /// Other languages, keyed by code.
    #[serde(default)]
    pub languages: BTreeMap<String, LanguageConfig>,
    #[serde(default)]
    pub extra: toml::Table,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageConfig {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// The value of `<html lang>`; derived from the code when absent.
    #[serde(default)]
    pub html_lang: Option<String>,
    /// The language's own name for the switcher ("English", "中文").
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// A syntect theme for code in light mode.
    #[serde(default = "default_highlight_theme")]
    pub highlight_theme: String,
    /// A syntect theme for code in dark mode.
    #[serde(default = "default_highlight_theme_dark")]
    pub highlight_theme_dark: String,
    /// Curly quotes and dashes in English text.
    #[serde(default = "yes")]
    pub smart_punctuation: bool,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig {
            highlight_theme: default_highlight_theme(),
            highlight_theme_dark: default_highlight_theme_dark(),
            smart_punctuation: true,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Languages (codes) that get no search index.
    #[serde(default)]
    pub exclude_languages: Vec<String>,
    /// Sections (content paths such as "archive") whose pages are not indexed.
    #[serde(default)]
    pub exclude_sections: Vec<String>,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            enabled: true,
            exclude_languages: Vec::new(),
            exclude_sections: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NavigationConfig {
    /// Up to this many pages per language, the sidebar lists every page;
    /// above it, only the pages of the sections on the current path (so
    /// a 10,000-page site does not repeat 10,000 links on every page).
    #[serde(default = "default_expand_all_below")]
    pub expand_all_below: usize,
}

impl Default for NavigationConfig {
    fn default() -> Self {
        NavigationConfig {
            expand_all_below: default_expand_all_below(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrintConfig {
    /// Write a print page (`SECTION/print/`) for every section.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Sections with more documents than this get no print page (one HTML
    /// file of thousands of pages helps nobody and costs build time).
    #[serde(default = "default_print_max")]
    pub max_documents: usize,
}

impl Default for PrintConfig {
    fn default() -> Self {
        PrintConfig {
            enabled: true,
            max_documents: default_print_max(),
        }
    }
}

fn default_print_max() -> usize {
    300
}

fn default_language() -> String {
    "zh".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_highlight_theme() -> String {
    "InspiredGitHub".into()
}
fn default_highlight_theme_dark() -> String {
    "base16-ocean.dark".into()
}
fn default_expand_all_below() -> usize {
    60
}
fn yes() -> bool {
    true
}

/// One language of the site, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Language {
    /// Code as configured ("zh", "en", "zh-Hans").
    pub code: String,
    /// For `<html lang>` and hreflang ("zh-CN", "en").
    pub html_lang: String,
    /// Name shown in the language switcher.
    pub name: String,
    pub title: String,
    pub description: String,
    /// Folder of this language below the site root ("" or "en/").
    pub prefix: String,
    pub is_default: bool,
}

impl Language {
    /// The primary subtag in lowercase: "zh" for "zh-Hans", "en" for "en-GB".
    pub fn primary(&self) -> String {
        primary_subtag(&self.code)
    }
}

/// Byte offset of the string `value` written after `key` (as `"value"` or
/// `'value'`), for pointing at it in an error.
fn value_position(text: &str, key: &str, value: &str) -> Option<usize> {
    let after_key = text.find(key)? + key.len();
    ["\"", "'"].iter().find_map(|q| {
        text[after_key..]
            .find(&format!("{q}{value}{q}"))
            .map(|i| after_key + i + 1)
    })
}

/// The validated configuration the pipeline works from.
#[derive(Debug, Clone)]
pub struct Config {
    pub raw: RawConfig,
    /// The default language first, then the others in code order.
    pub languages: Vec<Language>,
    pub base_url: Option<String>,
}

impl Config {
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::io(path, "read the site configuration", e)
                .hint("a site folder needs a config.toml; `grassroots init DIR` makes one")
        })?;
        Config::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|s| line_col(text, s.start)).unzip();
            Error::new(
                ErrorKind::Config,
                format!("invalid configuration: {}", e.message()),
            )
            .at(path, line, column)
            .hint("see README.md, section \"Configuration\", for the keys config.toml accepts")
        })?;
        let config = Config::from_raw(raw, path)?;
        config.check_search_languages(text, path)?;
        Ok(config)
    }

    /// Every code in `[search] exclude_languages` names a configured
    /// language: a typo would otherwise index the language it meant to leave
    /// out, without a word.
    fn check_search_languages(&self, text: &str, path: &Path) -> Result<()> {
        let errors = self
            .raw
            .search
            .exclude_languages
            .iter()
            .filter(|code| !self.languages.iter().any(|l| same_code(&l.code, code)))
            .map(|code| {
                let (line, column) = value_position(text, "exclude_languages", code)
                    .map(|offset| line_col(text, offset))
                    .unzip();
                let configured: Vec<&str> = self.languages.iter().map(|l| l.code.as_str()).collect();
                Error::new(
                    ErrorKind::Config,
                    format!("`[search] exclude_languages` names \"{code}\", which is not a language of this site"),
                )
                .at(path, line, column)
                .hint(format!("use one of the configured codes: {}", configured.join(", ")))
            });
        match Error::combine(errors) {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    pub fn from_raw(raw: RawConfig, path: &Path) -> Result<Config> {
        if !is_language_code(&raw.default_language) {
            return Err(Error::in_file(
                ErrorKind::Config,
                path,
                format!(
                    "`default_language = \"{}\"` is not a language code",
                    raw.default_language
                ),
            )
            .hint("use a code such as \"zh\", \"zh-CN\" or \"en\""));
        }
        let mut languages = vec![Language {
            code: raw.default_language.clone(),
            html_lang: html_lang_for(&raw.default_language),
            name: native_name(&raw.default_language),
            title: raw.title.clone(),
            description: raw.description.clone(),
            prefix: if raw.default_language_in_subdir {
                format!("{}/", folder_name(&raw.default_language))
            } else {
                String::new()
            },
            is_default: true,
        }];
        for (code, lc) in &raw.languages {
            if same_code(code, &raw.default_language) {
                // `[languages.zh]` may carry the default language's name or html_lang.
                let default = &mut languages[0];
                if let Some(h) = &lc.html_lang {
                    default.html_lang = h.clone();
                }
                if let Some(n) = &lc.name {
                    default.name = n.clone();
                }
                continue;
            }
            if !is_language_code(code) {
                return Err(Error::in_file(
                    ErrorKind::Config,
                    path,
                    format!("`[languages.{code}]`: \"{code}\" is not a language code"),
                )
                .hint("use a code such as \"en\" or \"en-GB\""));
            }
            languages.push(Language {
                code: code.clone(),
                html_lang: lc.html_lang.clone().unwrap_or_else(|| html_lang_for(code)),
                name: lc.name.clone().unwrap_or_else(|| native_name(code)),
                title: lc.title.clone().unwrap_or_else(|| raw.title.clone()),
                description: lc
                    .description
                    .clone()
                    .unwrap_or_else(|| raw.description.clone()),
                prefix: format!("{}/", folder_name(code)),
                is_default: false,
            });
        }
        let base_url = raw
            .base_url
            .as_deref()
            .map(|u| u.trim_end_matches('/').to_string())
            .filter(|u| !u.is_empty());
        if let Some(url) = &base_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(Error::in_file(ErrorKind::Config, path, format!("`base_url = \"{url}\"` is not an absolute http(s) URL"))
                .hint("write it as \"https://example.org\" or \"https://example.org/sub/path\", or leave it out"));
        }
        Ok(Config {
            raw,
            languages,
            base_url,
        })
    }

    pub fn default_language(&self) -> &Language {
        &self.languages[0]
    }

    /// Index of the configured language a file suffix or code names, accepting
    /// regional forms: "zh-CN" finds a language configured as "zh", and "en"
    /// finds one configured as "en-GB", when that is unambiguous.
    pub fn language_index(&self, code: &str) -> Option<usize> {
        if let Some(i) = self.languages.iter().position(|l| same_code(&l.code, code)) {
            return Some(i);
        }
        let primary = primary_subtag(code);
        let mut matches = self
            .languages
            .iter()
            .enumerate()
            .filter(|(_, l)| l.primary() == primary);
        match (matches.next(), matches.next()) {
            (Some((i, _)), None) => Some(i),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config> {
        Config::parse(text, Path::new("config.toml"))
    }

    #[test]
    fn unknown_search_language_is_an_error_at_its_value() {
        let text = "title = \"学习园地\"\n[languages.en]\ntitle = \"Study\"\n\n[search]\nexclude_languages = [\"EN\", \"fr\"]\n";
        let e = parse(text).unwrap_err();
        assert_eq!(e.kinds(), [ErrorKind::Config]);
        let d = &e.diagnostics()[0];
        let loc = d.location.as_ref().unwrap();
        assert_eq!((loc.line, loc.column), (Some(6), Some(29)), "{e}");
        assert!(d.message.contains("\"fr\""), "{e}");
        assert!(d.hint.as_deref().unwrap().contains("zh, en"), "{e}");
        // "EN" names the configured "en": codes compare without case.
        let ok = text.replace(", \"fr\"", "");
        assert_eq!(parse(&ok).unwrap().raw.search.exclude_languages, ["EN"]);
    }

    #[test]
    fn minimal_bilingual_config() {
        let c = parse("title = \"学习园地\"\n[languages.en]\ntitle = \"Study\"\n").unwrap();
        assert_eq!(c.languages.len(), 2);
        assert_eq!(c.languages[0].html_lang, "zh-CN");
        assert_eq!(c.languages[0].prefix, "");
        assert_eq!(c.languages[1].prefix, "en/");
        assert_eq!(c.languages[1].title, "Study");
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let err = parse("title = \"t\"\n\ndefault_langauge = \"zh\"\n").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("default_langauge"), "{msg}");
        assert!(msg.starts_with("config.toml:3:1"), "{msg}");
    }

    #[test]
    fn regional_codes_match_configured_languages() {
        let c = parse("title = \"t\"\ndefault_language = \"zh-Hans\"\n[languages.en]\n").unwrap();
        assert_eq!(c.language_index("zh-CN"), Some(0));
        assert_eq!(c.language_index("zh-hans"), Some(0));
        assert_eq!(c.language_index("en-GB"), Some(1));
        assert_eq!(c.language_index("fr"), None);
    }

    #[test]
    fn language_codes() {
        assert!(is_language_code("zh"));
        assert!(is_language_code("zh-Hans"));
        assert!(!is_language_code("v2"));
        assert!(!is_language_code("draft"));
        assert!(!is_language_code("z"));
    }

    #[test]
    fn relative_base_url_is_refused() {
        assert!(parse("title = \"t\"\nbase_url = \"example.org\"\n").is_err());
    }
}
