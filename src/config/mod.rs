//! `config.toml`: the site's settings.
//!
//! The file is first walked key by key (with toml_edit, which keeps every
//! key's position) against grassroots' own keys and Zola's (see
//! [`crate::zola`]): a Zola key with no effect here is a warning saying what
//! grassroots does instead, and an unknown key (a typo such as
//! `default_langauge` must not be silently ignored) is an error. All of them
//! are reported in one run, each with its line and column. Then serde reads
//! the values.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, ErrorKind, Result, line_col};
use crate::lang::{
    folder_name, html_lang_for, is_language_code, native_name, primary_subtag, same_code,
};
mod keys;

use crate::zola::{self, ConfigKey};
use keys::{HINT, KeyReport, apply_zola_keys, check_keys};

// No `deny_unknown_fields` below: `check_keys` has reported every unknown
// key (all of them, with positions) before serde runs, and Zola's keys that
// grassroots ignores must pass serde.
#[derive(Debug, Clone, Deserialize)]
pub struct RawConfig {
    /// Title of the site in the default language. Zola does not require
    /// one: when absent it is the site folder's name (with a warning).
    #[serde(default)]
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
    /// Zola's `build_search_index`: sets `[search] enabled` when that is not given.
    #[serde(default)]
    pub build_search_index: Option<bool>,
    /// Zola's `generate_feeds`. grassroots writes an Atom feed per language
    /// whenever `base_url` is set; `false` is reported, not yet obeyed.
    #[serde(default)]
    pub generate_feeds: Option<bool>,
    /// Zola's taxonomies of the default language (kept for the taxonomy
    /// pages, which are not written yet).
    #[serde(default)]
    pub taxonomies: Vec<TaxonomyConfig>,
    /// Zola's `ignored_content`: globs of files in content/ not to publish.
    #[serde(default)]
    pub ignored_content: Vec<String>,
    /// Zola's `author`: the default author of pages.
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub slugify: SlugifyConfig,
    /// Warnings found while reading the file (Zola keys with no effect
    /// here, a missing title), for the build report.
    #[serde(skip)]
    pub warnings: Vec<String>,
}

/// One of Zola's `taxonomies = [{ name = "tags", … }]`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyConfig {
    pub name: String,
    #[serde(default)]
    pub paginate_by: Option<usize>,
    #[serde(default)]
    pub paginate_path: Option<String>,
    #[serde(default)]
    pub feed: Option<bool>,
    /// Zola's old name for `feed`.
    #[serde(default)]
    pub rss: Option<bool>,
    #[serde(default)]
    pub render: Option<bool>,
    /// Zola's old per-taxonomy language.
    #[serde(default)]
    pub lang: Option<String>,
}

/// Zola's `[slugify]`: how file names and `slug`s become URL segments.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SlugifyConfig {
    #[serde(default)]
    pub paths: Option<SlugStrategy>,
    /// Keep a file name's date prefix in its URL (`2016-10-08_a-post.md`
    /// → `2016-10-08-a-post/` rather than `a-post/`).
    #[serde(default)]
    pub paths_keep_dates: bool,
}

/// Zola's slug strategies, as grassroots applies them to URL segments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SlugStrategy {
    /// Lowercase; letters and digits of every script are kept (Chinese
    /// stays readable, where Zola would turn it into pinyin), anything else
    /// becomes one `-`.
    On,
    /// Characters that break a path or URL are left out; the rest stays.
    Safe,
    /// As `safe` here: a URL segment must still be one segment.
    Off,
}

#[derive(Debug, Clone, Default, Deserialize)]
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
    /// Zola's per-language `generate_feeds`, `taxonomies` and `build_search_index`.
    #[serde(default)]
    pub generate_feeds: Option<bool>,
    #[serde(default)]
    pub taxonomies: Vec<TaxonomyConfig>,
    #[serde(default)]
    pub build_search_index: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
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
    /// Zola's `[markdown.highlighting]`: its themes are used when syntect has them.
    #[serde(default)]
    pub highlighting: Option<HighlightingConfig>,
    /// Zola's `github_alerts`; grassroots renders `> [!NOTE]` alerts always.
    #[serde(default)]
    pub github_alerts: Option<bool>,
}

/// Zola's `[markdown.highlighting]` (the keys grassroots reads).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct HighlightingConfig {
    #[serde(default)]
    pub theme: Option<String>,
    #[serde(default)]
    pub light_theme: Option<String>,
    #[serde(default)]
    pub dark_theme: Option<String>,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig {
            highlight_theme: default_highlight_theme(),
            highlight_theme_dark: default_highlight_theme_dark(),
            smart_punctuation: true,
            highlighting: None,
            github_alerts: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
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
pub struct PrintConfig {
    /// Write a print page (`SECTION/print/`) for every section.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Sections with more documents than this get no print page (one HTML
    /// file of thousands of pages helps nobody and costs build time).
    #[serde(default = "default_print_max")]
    pub max_documents: usize,
    /// A print page holds the text of its printable subsections only up to
    /// this many documents in all; a bigger one lists its subsections with
    /// links to their own print pages, so no text is printed twice in the
    /// output of a big site (a top section's print page would otherwise
    /// repeat every page of every subsection's).
    #[serde(default = "default_print_inline_max")]
    pub inline_max_documents: usize,
}

impl Default for PrintConfig {
    fn default() -> Self {
        PrintConfig {
            enabled: true,
            max_documents: default_print_max(),
            inline_max_documents: default_print_inline_max(),
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
fn default_print_inline_max() -> usize {
    60
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
        let doc = toml_edit::ImDocument::parse(text).map_err(|e| {
            let (line, column) = e.span().map(|s| line_col(text, s.start)).unzip();
            let message = e.message().trim().to_string();
            Error::new(
                ErrorKind::Config,
                format!("invalid configuration: {message}"),
            )
            .at(path, line, column)
            .hint(HINT)
        })?;
        let mut keys = KeyReport::default();
        check_keys(doc.as_table(), "", text, path, &mut keys);
        let raw = toml::from_str::<RawConfig>(text).map_err(|e| {
            let (line, column) = e.span().map(|s| line_col(text, s.start)).unzip();
            Error::new(
                ErrorKind::Config,
                format!("invalid configuration: {}", e.message()),
            )
            .at(path, line, column)
            .hint(HINT)
        });
        let errors = keys.errors.into_iter().chain(raw.as_ref().err().cloned());
        if let Some(e) = Error::combine(errors) {
            return Err(e);
        }
        let mut raw = raw?;
        raw.warnings = keys.warnings;
        apply_zola_keys(&mut raw, &doc, path);
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

    /// The warnings config.toml gave (Zola keys with no effect here, a missing title).
    pub fn warnings(&self) -> &[String] {
        &self.raw.warnings
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

/// The name of the folder holding config.toml, for a site without a title.
fn site_folder_name(config_path: &Path) -> String {
    let dir = config_path.parent().filter(|d| !d.as_os_str().is_empty());
    let dir = match dir {
        Some(d) => d.canonicalize().unwrap_or_else(|_| d.to_path_buf()),
        None => std::env::current_dir().unwrap_or_default(),
    };
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".to_string())
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
    fn zola_config_loads_with_warnings_and_all_errors_at_once() {
        let text = "base_url = \"https://example.org\"\ncompile_sass = true\nbuild_search_index = false\ntaxonomies = [{ name = \"tags\", feed = true }]\nignored_content = [\"*.xlsx\"]\n\n[markdown]\nhighlight_code = false\n[markdown.highlighting]\ntheme = \"base16-ocean.dark\"\n\n[slugify]\npaths = \"on\"\n\n[link_checker]\nskip_prefixes = []\n\n[languages.en]\ntitle = \"Study\"\nbuild_search_index = true\ntaxonomies = [{ name = \"tags\" }]\n[extra]\nanything = 1\n";
        let c = parse(text).unwrap();
        assert!(!c.raw.search.enabled);
        assert_eq!(c.raw.markdown.highlight_theme, "base16-ocean.dark");
        assert_eq!(c.raw.slugify.paths, Some(SlugStrategy::On));
        assert_eq!(c.raw.ignored_content, ["*.xlsx"]);
        assert_eq!(c.raw.taxonomies[0].name, "tags");
        assert_eq!(c.raw.languages["en"].taxonomies[0].name, "tags");
        let w = c.warnings().join("\n");
        assert!(
            w.contains("config.toml:2:1: `compile_sass` is a Zola setting"),
            "{w}"
        );
        assert!(
            w.contains("config.toml:8:1: `markdown.highlight_code`"),
            "{w}"
        );
        assert!(w.contains("config.toml:15:2: `link_checker`"), "{w}");
        assert!(
            !w.contains("skip_prefixes"),
            "one warning for a whole table: {w}"
        );
        assert!(w.contains("no `title`"), "{w}");
        assert!(!w.contains("taxonomies"), "{w}");

        let e = parse("title = \"t\"\nfoo = 1\n[markdown]\nbar = 2\n[languages.en]\nbaz = 3\n")
            .unwrap_err();
        let msg = e.to_string();
        assert_eq!(e.diagnostics().len(), 3, "{msg}");
        assert!(
            msg.contains("config.toml:2:1: unknown configuration key `foo`"),
            "{msg}"
        );
        assert!(
            msg.contains("config.toml:4:1: unknown configuration key `markdown.bar`"),
            "{msg}"
        );
        assert!(
            msg.contains("config.toml:6:1: unknown configuration key `languages.en.baz`"),
            "{msg}"
        );
    }

    #[test]
    fn zola_keys_set_as_grassroots_works_need_no_warning() {
        let c = parse(
            "title = \"t\"\ncompile_sass = false\ngenerate_sitemap = true\nminify_html = true\n",
        )
        .unwrap();
        assert_eq!(c.warnings().len(), 1, "{:?}", c.warnings());
        assert!(
            c.warnings()[0].contains("`minify_html`"),
            "{:?}",
            c.warnings()
        );
    }

    #[test]
    fn unknown_zola_highlighting_theme_is_a_warning() {
        let c =
            parse("title = \"t\"\n[markdown.highlighting]\ntheme = \"gruvbox-dark\"\n").unwrap();
        assert_eq!(c.raw.markdown.highlight_theme, "InspiredGitHub");
        assert!(
            c.warnings()[0]
                .starts_with("config.toml:3:1: Zola's highlighting theme \"gruvbox-dark\""),
            "{:?}",
            c.warnings()
        );
    }

    #[test]
    fn relative_base_url_is_refused() {
        assert!(parse("title = \"t\"\nbase_url = \"example.org\"\n").is_err());
    }
}
