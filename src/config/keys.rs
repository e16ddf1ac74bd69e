//! config.toml's keys, walked with their positions before serde reads the
//! file: every key grassroots does not know is reported at once with its
//! line and column, Zola's keys are honoured, warned about or refused
//! (see `crate::zola`), and the Zola settings with a meaning here are
//! carried into the `RawConfig`.

use super::*;

pub(super) const HINT: &str = "see README.md, section \"Configuration\", for the keys config.toml accepts (grassroots' own and Zola's)";

/// What walking config.toml's keys found.
#[derive(Default)]
pub(super) struct KeyReport {
    pub(super) errors: Vec<Error>,
    pub(super) warnings: Vec<String>,
}

/// Checks every key of `table` (whose path is `prefix`) against
/// [`crate::zola::config_key`], descending into tables whose keys are checked.
pub(super) fn check_keys(
    table: &dyn toml_edit::TableLike,
    prefix: &str,
    text: &str,
    path: &Path,
    report: &mut KeyReport,
) {
    for (name, item) in table.iter() {
        let full = if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}.{name}")
        };
        // Language tables are named by their code: `languages.en.title` is "languages.*.title".
        let schema = match prefix {
            "languages" => "languages.*".to_string(),
            p if p.starts_with("languages.") => {
                let rest = p.splitn(3, '.').nth(2);
                match rest {
                    Some(r) => format!("languages.*.{r}.{name}"),
                    None => format!("languages.*.{name}"),
                }
            }
            _ => full.clone(),
        };
        let position = table
            .get_key_value(name)
            .and_then(|(k, _)| k.span())
            .map(|s| line_col(text, s.start));
        let (line, column) = position.unzip();
        match zola::config_key(&schema) {
            Some(ConfigKey::Table | ConfigKey::Honoured | ConfigKey::Ours) => {
                if let Some(inner) = item.as_table_like() {
                    check_keys(inner, &full, text, path, report);
                }
            }
            Some(ConfigKey::Free) => {}
            Some(ConfigKey::Ignored(_))
                if zola::agrees_with_grassroots(
                    &schema,
                    item.as_value().and_then(|v| v.as_bool()),
                ) => {}
            Some(ConfigKey::Ignored(instead)) => report.warnings.push(format!(
                "{}: `{full}` is a Zola setting that grassroots does not use: {instead}",
                crate::error::Location {
                    file: path.to_path_buf(),
                    line,
                    column
                }
            )),
            None => report.errors.push(
                Error::new(
                    ErrorKind::Config,
                    format!("unknown configuration key `{full}`"),
                )
                .at(path, line, column)
                .hint(if prefix.is_empty() {
                    format!("{HINT}; put your own settings under [extra]")
                } else {
                    HINT.to_string()
                }),
            ),
        }
    }
}

/// Gives Zola's keys their meaning in grassroots' terms, and the title its
/// fallback. `doc` tells which keys the file sets.
pub(super) fn apply_zola_keys(raw: &mut RawConfig, doc: &toml_edit::ImDocument<&str>, path: &Path) {
    let root = doc.as_table();
    let has = |section: &str, key: &str| {
        root.get(section)
            .and_then(|t| t.as_table_like())
            .is_some_and(|t| t.contains_key(key))
    };
    if !root.contains_key("title") {
        let name = site_folder_name(path);
        raw.warnings.push(format!(
            "{}: no `title`; the site is called \"{name}\" after its folder (add `title = \"…\"` to config.toml)",
            path.display()
        ));
        raw.title = name;
    }
    if let Some(on) = raw.build_search_index
        && !has("search", "enabled")
    {
        raw.search.enabled = on;
    }
    for (code, lang) in &raw.languages {
        if lang.build_search_index == Some(false)
            && !raw
                .search
                .exclude_languages
                .iter()
                .any(|l| l.eq_ignore_ascii_case(code))
        {
            raw.search.exclude_languages.push(code.clone());
        }
    }
    if let Some(h) = raw.markdown.highlighting.clone() {
        let light_key = if h.light_theme.is_some() {
            "light_theme"
        } else {
            "theme"
        };
        let light = h.light_theme.or(h.theme);
        let md = &mut raw.markdown;
        for (zola_theme, ours, key, zola_key) in [
            (light, &mut md.highlight_theme, "highlight_theme", light_key),
            (
                h.dark_theme,
                &mut md.highlight_theme_dark,
                "highlight_theme_dark",
                "dark_theme",
            ),
        ] {
            let Some(theme) = zola_theme else { continue };
            if has_markdown_key(root, key) {
                continue; // grassroots' own key wins
            }
            if crate::markdown::highlight::has_theme(&theme) {
                *ours = theme;
            } else {
                let at = key_location(doc, &["markdown", "highlighting", zola_key], path);
                raw.warnings.push(format!(
                    "{at}: Zola's highlighting theme \"{theme}\" is not one of grassroots' (syntect's) themes; using \"{ours}\" (set `[markdown] {key}` to one of: {})",
                    crate::markdown::highlight::theme_names().join(", ")
                ));
            }
        }
    }
    if raw.generate_feeds == Some(false)
        || raw
            .languages
            .values()
            .any(|l| l.generate_feeds == Some(false))
    {
        raw.warnings.push(format!(
            "{}: Zola's `generate_feeds = false` is not obeyed yet: grassroots writes atom.xml for every language whenever base_url is set",
            path.display()
        ));
    }
    // Zola's taxonomy pagination is not carried out yet: say so per taxonomy.
    let paginated: Vec<&str> = raw
        .taxonomies
        .iter()
        .chain(raw.languages.values().flat_map(|l| &l.taxonomies))
        .filter(|t| t.paginate_by.is_some() || t.paginate_path.is_some())
        .map(|t| t.name.as_str())
        .collect();
    if !paginated.is_empty() {
        raw.warnings.push(format!(
            "{}: Zola's `paginate_by` on taxonomies ({}) is not carried out yet: each term lists all its pages on one page",
            path.display(),
            paginated.join(", "),
        ));
    }
}

/// "config.toml:L:C" of the key at `keys` (a path of table names), or the file alone.
fn key_location(doc: &toml_edit::ImDocument<&str>, keys: &[&str], path: &Path) -> String {
    let mut table: &dyn toml_edit::TableLike = doc.as_table();
    let mut span = None;
    for (i, name) in keys.iter().enumerate() {
        let Some((key, item)) = table.get_key_value(name) else {
            break;
        };
        if i + 1 == keys.len() {
            span = key.span();
        } else if let Some(inner) = item.as_table_like() {
            table = inner;
        } else {
            break;
        }
    }
    let (line, column) = span.map(|s| line_col(doc.raw(), s.start)).unzip();
    crate::error::Location {
        file: path.to_path_buf(),
        line,
        column,
    }
    .to_string()
}

fn has_markdown_key(root: &toml_edit::Table, key: &str) -> bool {
    root.get("markdown")
        .and_then(|t| t.as_table_like())
        .is_some_and(|t| t.contains_key(key))
}
