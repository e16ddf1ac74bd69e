//! UI strings per language, from the theme's `i18n/{lang}.toml`, overridden
//! key by key by the site's own `i18n/{lang}.toml`.
//!
//! Templates reach them through `t(key="next")`. A key missing in one
//! language falls back to the default language's string with one build
//! warning; a key missing everywhere is a template error.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use crate::config::{Config, Language};
use crate::error::{Error, ErrorKind, Result, line_col};

pub type Strings = BTreeMap<String, String>;

/// The strings of every configured language, with fallbacks applied.
#[derive(Debug, Clone)]
pub struct I18n {
    /// Indexed like `Config::languages`.
    pub languages: Vec<Strings>,
    /// "en: missing `print` (using zh)" lines, for the build log.
    pub warnings: Vec<String>,
}

impl I18n {
    pub fn load(config: &Config, dirs: &[&Path]) -> Result<I18n> {
        let mut languages = Vec::new();
        for lang in &config.languages {
            let mut strings = Strings::new();
            for dir in dirs {
                if let Some(path) = file_for(dir, lang) {
                    strings.extend(read_strings(&path)?);
                }
            }
            languages.push(strings);
        }
        let mut warnings = Vec::new();
        let default = languages[0].clone();
        let all_keys: BTreeSet<String> = languages.iter().flat_map(|s| s.keys().cloned()).collect();
        for (i, strings) in languages.iter_mut().enumerate().skip(1) {
            for key in &all_keys {
                if strings.contains_key(key) {
                    continue;
                }
                if let Some(v) = default.get(key) {
                    warnings.push(format!(
                        "i18n: {} has no string for `{key}`; using the {} one (add it to i18n/{}.toml)",
                        config.languages[i].code,
                        config.languages[0].code,
                        config.languages[i].primary()
                    ));
                    strings.insert(key.clone(), v.clone());
                }
            }
        }
        Ok(I18n {
            languages,
            warnings,
        })
    }

    pub fn get(&self, lang: usize, key: &str) -> Option<&str> {
        self.languages[lang].get(key).map(String::as_str)
    }
}

/// `zh-Hans.toml`, else `zh.toml`.
fn file_for(dir: &Path, lang: &Language) -> Option<std::path::PathBuf> {
    [
        lang.code.clone(),
        crate::lang::folder_name(&lang.code),
        lang.primary(),
    ]
    .into_iter()
    .map(|name| dir.join(format!("{name}.toml")))
    .find(|p| p.is_file())
}

fn read_strings(path: &Path) -> Result<Strings> {
    let text =
        std::fs::read_to_string(path).map_err(|e| Error::io(path, "read the UI strings", e))?;
    let table: toml::Table = toml::from_str(&text).map_err(|e| {
        let (line, col) = e.span().map(|s| line_col(&text, s.start)).unzip();
        Error::new(
            ErrorKind::UiStrings,
            format!("malformed UI strings: {}", e.message()),
        )
        .at(path, line, col)
    })?;
    let mut out = Strings::new();
    for (key, value) in table {
        match value {
            toml::Value::String(s) => {
                out.insert(key, s);
            }
            _ => {
                return Err(Error::in_file(
                    ErrorKind::UiStrings,
                    path,
                    format!("UI string `{key}` must be a string"),
                )
                .hint("write it as key = \"text\""));
            }
        }
    }
    Ok(out)
}

/// The `t(key="…")` template function for one language.
pub struct Translate {
    pub strings: Strings,
}

impl tera::Function for Translate {
    fn call(&self, args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
        let key = args
            .get("key")
            .and_then(|k| k.as_str())
            .ok_or_else(|| tera::Error::msg("t() needs a key, as in t(key=\"next\")"))?;
        let text = self.strings.get(key).ok_or_else(|| {
            tera::Error::msg(format!(
                "no UI string `{key}` in the theme's or the site's i18n files"
            ))
        })?;
        // `{n}`-style placeholders are filled from the other arguments: t(key="minutes", n=3).
        let mut text = text.clone();
        for (name, value) in args {
            if name != "key" {
                let value = match value {
                    tera::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                text = text.replace(&format!("{{{name}}}"), &value);
            }
        }
        Ok(tera::Value::String(text))
    }

    fn is_safe(&self) -> bool {
        false
    }
}
