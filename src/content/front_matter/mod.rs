//! Front matter: TOML between `+++` lines or YAML between `---` lines.
//!
//! Both formats are read into a generic value first and then checked key by
//! key, so that an unknown key or a value of the wrong type is reported with
//! the line and column of the key, in the same words for TOML and YAML.

use std::path::Path;

use serde_json::Value;
use time::Date;

use crate::error::{Error, ErrorKind, Result, line_col};

/// The keys a page or section may set (Zola's names where they mean the same).
#[derive(Debug, Clone, PartialEq)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub date: Option<Date>,
    pub weight: Option<i64>,
    pub draft: bool,
    pub slug: Option<String>,
    pub template: Option<String>,
    /// Sections only: how their pages are ordered.
    pub sort_by: Option<SortBy>,
    /// Anything the templates want, as `page.extra`.
    pub extra: Value,
    /// Line of each key in the source file, for later errors ("template not found").
    pub key_lines: Vec<(String, usize)>,

    // Zola's other keys, with Zola's meaning. Those grassroots does not act
    // on yet are listed in `pending`, for a warning.
    /// Old URLs of the page, each to redirect here.
    pub aliases: Vec<String>,
    /// A URL this document redirects to instead of showing its content.
    pub redirect_to: Option<String>,
    /// The page's whole path below its language's root ("about/team"),
    /// instead of its section's path plus its slug.
    pub path: Option<String>,
    /// `render = false`: the document gets no page of its own.
    pub render: bool,
    /// `in_search_index = false`: the document's text is not indexed.
    pub in_search_index: bool,
    /// Sections: the template of their pages.
    pub page_template: Option<String>,
    /// Sections: their pages are shown in the parent section's lists.
    pub transparent: bool,
    /// "left", "right", "heading" or "none".
    pub insert_anchor_links: Option<String>,
    pub paginate_by: Option<usize>,
    pub paginate_path: Option<String>,
    pub paginate_reversed: bool,
    /// When the page was last changed.
    pub updated: Option<Date>,
    pub authors: Vec<String>,
    pub generate_feeds: Option<bool>,
    /// `[taxonomies]`: taxonomy name → terms ("tags" → ["rust", "学习"]).
    pub taxonomies: Vec<(String, Vec<String>)>,
    /// Zola keys this file sets that grassroots does not act on yet, with
    /// the line of each, for one warning per key across the site.
    pub pending: Vec<(&'static str, Option<usize>)>,
}

/// Zola's front matter keys that grassroots reads but does not act on yet,
/// each with what a reader is missing.
pub const PENDING_ZOLA_KEYS: &[(&str, &str)] = &[
    (
        "page_template",
        "its pages use page.html (or their own `template`)",
    ),
    (
        "transparent",
        "the section's pages are listed in the section itself, not its parent",
    ),
    (
        "insert_anchor_links",
        "every heading gets a `#` link after its text",
    ),
    ("paginate_by", "the section lists all its pages on one page"),
    (
        "paginate_path",
        "the section lists all its pages on one page",
    ),
    (
        "paginate_reversed",
        "the section lists all its pages on one page",
    ),
    ("generate_feeds", "the section gets no feed of its own"),
    (
        "render",
        "on a section, `render = false` is not obeyed yet: the section is published",
    ),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    Weight,
    Date,
    Title,
    None,
}

/// A Markdown file split into its front matter and body.
#[derive(Debug, Clone)]
pub struct Split<'a> {
    pub front: FrontMatter,
    pub body: &'a str,
    /// 1-based line number in the file where `body` starts.
    pub body_line: usize,
}

const PAGE_KEYS: &[&str] = &[
    "title",
    "description",
    "date",
    "updated",
    "weight",
    "draft",
    "slug",
    "path",
    "template",
    "aliases",
    "authors",
    "render",
    "in_search_index",
    "taxonomies",
    "extra",
];

/// Keys only a section (`_index.md`) takes, as in Zola.
const SECTION_KEYS: &[&str] = &[
    "sort_by",
    "page_template",
    "transparent",
    "insert_anchor_links",
    "paginate_by",
    "paginate_path",
    "paginate_reversed",
    "redirect_to",
    "generate_feeds",
];

impl Default for FrontMatter {
    fn default() -> Self {
        FrontMatter {
            title: None,
            description: None,
            date: None,
            weight: None,
            draft: false,
            slug: None,
            template: None,
            sort_by: None,
            extra: Value::Null,
            key_lines: Vec::new(),
            aliases: Vec::new(),
            redirect_to: None,
            path: None,
            render: true,
            in_search_index: true,
            page_template: None,
            transparent: false,
            insert_anchor_links: None,
            paginate_by: None,
            paginate_path: None,
            paginate_reversed: false,
            updated: None,
            authors: Vec::new(),
            generate_feeds: None,
            taxonomies: Vec::new(),
            pending: Vec::new(),
        }
    }
}

impl FrontMatter {
    pub fn line_of(&self, key: &str) -> Option<usize> {
        self.key_lines
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, l)| *l)
    }
}

/// Splits `text` (the whole file) and parses its front matter. A file without
/// front matter is allowed: its title then comes from its first `# ` heading.
pub fn split<'a>(text: &'a str, path: &Path, is_section: bool) -> Result<Split<'a>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Zola accepts blank lines before the opening fence.
    let (blank_lines, fence_at) = leading_blank_lines(text);
    let first_line = text[fence_at..].lines().next().unwrap_or("");
    let fence = match first_line.trim_end() {
        "+++" => "+++",
        "---" => "---",
        _ => {
            return Ok(Split {
                front: FrontMatter::default(),
                body: text,
                body_line: 1,
            });
        }
    };
    let fence_line = blank_lines + 1;
    // Find the closing fence on a line of its own.
    let start = text[fence_at..]
        .find('\n')
        .map_or(text.len(), |i| fence_at + i + 1);
    let mut offset = start;
    let mut close = None;
    // The front matter starts on the line after the fence.
    for (line_no, line) in (fence_line + 1..).zip(text[start..].split_inclusive('\n')) {
        if line.trim_end() == fence {
            close = Some((offset, offset + line.len(), line_no));
            break;
        }
        offset += line.len();
    }
    let Some((fm_end, body_start, close_line)) = close else {
        return Err(Error::new(
            ErrorKind::FrontMatter,
            format!("front matter opened with `{fence}` on line {fence_line} is never closed"),
        )
        .at(path, Some(fence_line), Some(1))
        .hint(format!(
            "add a line containing only `{fence}` after the last front matter key"
        )));
    };
    // The blank lines before the fence are kept as empty lines of the front
    // matter, so every position below counts from the file's first line.
    let fm_owned = format!("{}{}", "\n".repeat(blank_lines), &text[start..fm_end]);
    let fm_text = fm_owned.as_str();
    let value = if fence == "+++" {
        parse_toml(fm_text, path)?
    } else {
        parse_yaml(fm_text, path)?
    };
    let front = check_keys(value, fm_text, path, is_section)?;
    Ok(Split {
        front,
        body: &text[body_start..],
        body_line: close_line + 1,
    })
}

/// How many blank lines come before the first other line, and where it starts.
fn leading_blank_lines(text: &str) -> (usize, usize) {
    let mut count = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if !line.trim().is_empty() || !line.ends_with('\n') {
            break;
        }
        count += 1;
        offset += line.len();
    }
    (count, offset)
}

/// Line 2 of the file is line 1 of the front matter.
const FM_LINE_OFFSET: usize = 1;

fn parse_toml(fm: &str, path: &Path) -> Result<Value> {
    let table: toml::Table = toml::from_str(fm).map_err(|e| {
        let (line, col) = e.span().map(|s| line_col(fm, s.start)).unzip();
        Error::new(
            ErrorKind::FrontMatter,
            format!("malformed TOML front matter: {}", e.message().trim()),
        )
        .at(path, line.map(|l| l + FM_LINE_OFFSET), col)
        .hint("TOML front matter looks like `title = \"…\"`, one key per line, between `+++` lines")
    })?;
    Ok(toml_to_json(toml::Value::Table(table)))
}

fn parse_yaml(fm: &str, path: &Path) -> Result<Value> {
    if fm.trim().is_empty() {
        return Ok(Value::Object(Default::default()));
    }
    let value: serde_yaml::Value = serde_yaml::from_str(fm).map_err(|e| {
        let loc = e.location();
        let message = e.to_string();
        // serde_yaml appends " at line L column C"; the location is given separately.
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_string();
        Error::new(
            ErrorKind::FrontMatter,
            format!("malformed YAML front matter: {message}"),
        )
        .at(
            path,
            loc.as_ref().map(|l| l.line() + FM_LINE_OFFSET),
            loc.as_ref().map(|l| l.column()),
        )
        .hint("YAML front matter looks like `title: …`, one key per line, between `---` lines")
    })?;
    let json = serde_json::to_value(&value).map_err(|e| {
        Error::new(
            ErrorKind::FrontMatter,
            format!("front matter cannot be read: {e}"),
        )
        .at(path, None, None)
    })?;
    match json {
        Value::Object(_) => Ok(json),
        Value::Null => Ok(Value::Object(Default::default())),
        _ => Err(Error::new(
            ErrorKind::FrontMatter,
            "YAML front matter must be a mapping of keys to values",
        )
        .at(path, Some(2), Some(1))
        .hint("write it as `title: …`, one key per line")),
    }
}

/// TOML dates become ISO strings; everything else maps one to one.
fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

/// Finds the line and column of a top-level key in the front matter text.
fn key_position(fm: &str, key: &str) -> Option<(usize, usize)> {
    fm.lines().enumerate().find_map(|(i, line)| {
        let trimmed = line.trim_start();
        // A TOML table header: `[taxonomies]`, `[extra]`.
        if trimmed.trim_end() == format!("[{key}]") {
            return Some((i + 1 + FM_LINE_OFFSET, line.len() - trimmed.len() + 1));
        }
        let rest = trimmed.strip_prefix(key).or_else(|| {
            trimmed
                .strip_prefix('"')
                .and_then(|t| t.strip_prefix(key))
                .and_then(|t| t.strip_prefix('"'))
        })?;
        let rest = rest.trim_start();
        (rest.starts_with('=')
            || rest.starts_with(':')
            || (key == "extra" && trimmed.starts_with('[')))
        .then(|| (i + 1 + FM_LINE_OFFSET, line.len() - trimmed.len() + 1))
        .or_else(|| (trimmed == format!("[{key}]")).then_some((i + 1 + FM_LINE_OFFSET, 1)))
    })
}

fn check_keys(value: Value, fm: &str, path: &Path, is_section: bool) -> Result<FrontMatter> {
    let Value::Object(map) = value else {
        return Ok(FrontMatter::default());
    };
    let mut front = FrontMatter {
        extra: Value::Object(Default::default()),
        ..Default::default()
    };
    let mut errors = Vec::new();
    for (key, v) in map {
        let (line, column) = key_position(fm, &key).unzip();
        if let Some(l) = line {
            front.key_lines.push((key.clone(), l));
        }
        let fail = |what: &str| {
            Error::new(
                ErrorKind::FrontMatter,
                format!("front matter key `{key}` {what}"),
            )
            .at(path, line, column)
            .hint(format!(
                "see README.md, section \"Front matter\", for what `{key}` takes"
            ))
        };
        match key.as_str() {
            "title" | "description" | "slug" | "template" => match v {
                Value::String(s) => {
                    let slot = match key.as_str() {
                        "title" => &mut front.title,
                        "description" => &mut front.description,
                        "slug" => &mut front.slug,
                        _ => &mut front.template,
                    };
                    *slot = Some(s);
                }
                _ => errors.push(fail(&format!("must be a string, not {}", kind_of(&v)))),
            },
            "weight" => match v.as_i64() {
                Some(w) => front.weight = Some(w),
                None => errors.push(fail(&format!(
                    "must be a whole number, not {}",
                    kind_of(&v)
                ))),
            },
            "draft" => match v {
                Value::Bool(b) => front.draft = b,
                _ => errors.push(fail(&format!("must be true or false, not {}", kind_of(&v)))),
            },
            "date" => match v.as_str().and_then(parse_date) {
                Some(d) => front.date = Some(d),
                None => errors.push(fail(
                    "must be a date such as 2023-09-01 (or 2023-09-01T08:00:00+08:00)",
                )),
            },
            "extra" => match v {
                Value::Object(_) => front.extra = v,
                _ => errors.push(fail(
                    "must be a table (`[extra]` in TOML, a mapping in YAML)",
                )),
            },
            "sort_by" if is_section => match v.as_str() {
                Some("weight") => front.sort_by = Some(SortBy::Weight),
                Some("date") => front.sort_by = Some(SortBy::Date),
                // Zola's "title_bytes" is the order grassroots' "title" already has.
                Some("title" | "title_bytes") => front.sort_by = Some(SortBy::Title),
                Some("none") => front.sort_by = Some(SortBy::None),
                Some(zola @ ("update_date" | "slug")) => errors.push(fail(&format!(
                    "is Zola's \"{zola}\", which grassroots cannot sort by yet; use \"date\", \"title\", \"weight\" or \"none\""
                ))),
                _ => errors.push(fail(
                    "must be one of \"weight\", \"date\", \"title\" or \"none\"",
                )),
            },
            key if SECTION_KEYS.contains(&key) && !is_section => errors.push(
                Error::new(
                    ErrorKind::FrontMatter,
                    format!("front matter key `{key}` only applies to sections"),
                )
                .at(path, line, column)
                .hint("move it to the section's _index.md, or remove it"),
            ),
            "page_template" | "redirect_to" | "path" | "insert_anchor_links" | "paginate_path" => {
                match v {
                    Value::String(s) => match key.as_str() {
                        "page_template" => front.page_template = Some(s),
                        "redirect_to" => front.redirect_to = Some(s),
                        "path" => front.path = Some(s),
                        "paginate_path" => front.paginate_path = Some(s),
                        _ => match s.as_str() {
                            "left" | "right" | "heading" | "none" => {
                                front.insert_anchor_links = Some(s)
                            }
                            _ => errors.push(fail(
                                "must be one of \"left\", \"right\", \"heading\" or \"none\"",
                            )),
                        },
                    },
                    _ => errors.push(fail(&format!("must be a string, not {}", kind_of(&v)))),
                }
            }
            "render" | "in_search_index" | "transparent" | "paginate_reversed"
            | "generate_feeds" => match v {
                Value::Bool(b) => match key.as_str() {
                    "render" => front.render = b,
                    "in_search_index" => front.in_search_index = b,
                    "transparent" => front.transparent = b,
                    "paginate_reversed" => front.paginate_reversed = b,
                    _ => front.generate_feeds = Some(b),
                },
                _ => errors.push(fail(&format!("must be true or false, not {}", kind_of(&v)))),
            },
            "paginate_by" => match v.as_u64() {
                Some(n) => front.paginate_by = Some(n as usize),
                None => errors.push(fail(&format!(
                    "must be a whole number of pages, not {}",
                    kind_of(&v)
                ))),
            },
            "updated" => match v.as_str().and_then(parse_date) {
                Some(d) => front.updated = Some(d),
                None => errors.push(fail(
                    "must be a date such as 2023-09-01 (or 2023-09-01T08:00:00+08:00)",
                )),
            },
            "aliases" | "authors" => match string_list(&v) {
                Some(list) if key == "aliases" => front.aliases = list,
                Some(list) => front.authors = list,
                None => errors.push(fail(&format!(
                    "must be a list of strings such as [\"a\", \"b\"], not {}",
                    kind_of(&v)
                ))),
            },
            "taxonomies" => match taxonomy_terms(&v, fm, path) {
                Ok(terms) => front.taxonomies = terms,
                Err(e) => errors.push(e),
            },
            _ => {
                let mut allowed = PAGE_KEYS.to_vec();
                if is_section {
                    allowed.extend(SECTION_KEYS);
                }
                errors.push(
                    Error::new(
                        ErrorKind::FrontMatter,
                        format!("unknown front matter key `{key}`"),
                    )
                    .at(path, line, column)
                    .hint(format!(
                        "known keys (grassroots' and Zola's) are {}; put your own keys under [extra]",
                        allowed
                            .iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                )
            }
        }
    }
    note_pending(&mut front, is_section);
    match Error::combine(errors) {
        Some(e) => Err(e),
        None => Ok(front),
    }
}

/// Lists the Zola keys this file sets whose meaning grassroots does not
/// carry out yet (see [`PENDING_ZOLA_KEYS`]).
fn note_pending(front: &mut FrontMatter, is_section: bool) {
    let set = |key: &str| match key {
        "page_template" => front.page_template.is_some(),
        "transparent" => front.transparent,
        // "left"/"right"/"heading" ask for something other than ours; "none" for none.
        "insert_anchor_links" => front.insert_anchor_links.is_some(),
        "paginate_by" => front.paginate_by.is_some(),
        "paginate_path" => front.paginate_path.is_some() && front.paginate_by.is_none(),
        "paginate_reversed" => front.paginate_reversed && front.paginate_by.is_none(),
        "generate_feeds" => front.generate_feeds == Some(true),
        "render" => is_section && !front.render,
        _ => false,
    };
    let pending: Vec<&'static str> = PENDING_ZOLA_KEYS
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| set(k))
        .collect();
    for key in pending {
        let line = front.line_of(key);
        front.pending.push((key, line));
    }
}

fn string_list(v: &Value) -> Option<Vec<String>> {
    v.as_array()?
        .iter()
        .map(|x| x.as_str().map(str::to_string))
        .collect()
}

/// `[taxonomies]` as Zola writes it: `tags = ["rust", "学习"]`, one list of
/// terms per taxonomy. Errors name the taxonomy's own line.
fn taxonomy_terms(v: &Value, fm: &str, path: &Path) -> Result<Vec<(String, Vec<String>)>> {
    let table_pos = key_position(fm, "taxonomies");
    let Value::Object(map) = v else {
        return Err(Error::new(
            ErrorKind::FrontMatter,
            format!("front matter key `taxonomies` must be a table, not {}", kind_of(v)),
        )
        .at(path, table_pos.map(|p| p.0), table_pos.map(|p| p.1))
        .hint("write it as `[taxonomies]` followed by lines such as `tags = [\"rust\", \"学习\"]` (YAML: a mapping of lists)"));
    };
    let mut terms = Vec::new();
    let mut errors = Vec::new();
    for (name, list) in map {
        match string_list(list) {
            Some(l) => terms.push((name.clone(), l)),
            None => {
                let pos = subkey_position(fm, "taxonomies", name).or(table_pos);
                errors.push(
                    Error::new(
                        ErrorKind::FrontMatter,
                        format!(
                            "`taxonomies.{name}` must be a list of terms, not {}",
                            kind_of(list)
                        ),
                    )
                    .at(path, pos.map(|p| p.0), pos.map(|p| p.1))
                    .hint(format!("write it as `{name} = [\"term\", \"another\"]`")),
                );
            }
        }
    }
    match Error::combine(errors) {
        Some(e) => Err(e),
        None => Ok(terms),
    }
}

/// Line and column of `key` inside the `[table]` (TOML) or `table:` (YAML) block.
fn subkey_position(fm: &str, table: &str, key: &str) -> Option<(usize, usize)> {
    let (table_line, _) = key_position(fm, table)?;
    // `table_line` counts from the file's first line; the block starts after it.
    let skip = table_line - FM_LINE_OFFSET;
    let rest: String = fm.lines().skip(skip).collect::<Vec<_>>().join("\n");
    key_position(&rest, key).map(|(l, c)| (l + skip, c))
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "empty",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a table",
    }
}

/// Accepts `2023-09-01`, `2023-09-01T08:00:00`, `2023-09-01 08:00:00` and RFC 3339.
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    let day = s.get(..10)?;
    let rest = &s[10..];
    if !(rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ')) {
        return None;
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(day, &format).ok()
}

#[cfg(test)]
mod tests;
