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
#[derive(Debug, Clone, Default, PartialEq)]
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
}

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
    "weight",
    "draft",
    "slug",
    "template",
    "extra",
];

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
    let first_line = text.lines().next().unwrap_or("");
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
    // Find the closing fence on a line of its own.
    let start = text.find('\n').map_or(text.len(), |i| i + 1);
    let mut offset = start;
    let mut close = None;
    // The front matter starts on line 2.
    for (line_no, line) in (2..).zip(text[start..].split_inclusive('\n')) {
        if line.trim_end() == fence {
            close = Some((offset, offset + line.len(), line_no));
            break;
        }
        offset += line.len();
    }
    let Some((fm_end, body_start, close_line)) = close else {
        return Err(Error::new(
            ErrorKind::FrontMatter,
            format!("front matter opened with `{fence}` on line 1 is never closed"),
        )
        .at(path, Some(1), Some(1))
        .hint(format!(
            "add a line containing only `{fence}` after the last front matter key"
        )));
    };
    let fm_text = &text[start..fm_end];
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
                Some("title") => front.sort_by = Some(SortBy::Title),
                Some("none") => front.sort_by = Some(SortBy::None),
                _ => errors.push(fail(
                    "must be one of \"weight\", \"date\", \"title\" or \"none\"",
                )),
            },
            "sort_by" => errors.push(
                Error::new(
                    ErrorKind::FrontMatter,
                    "front matter key `sort_by` only applies to sections",
                )
                .at(path, line, column)
                .hint("move it to the section's _index.md, or remove it"),
            ),
            _ => {
                let mut allowed = PAGE_KEYS.to_vec();
                if is_section {
                    allowed.push("sort_by");
                }
                errors.push(
                    Error::new(
                        ErrorKind::FrontMatter,
                        format!("unknown front matter key `{key}`"),
                    )
                    .at(path, line, column)
                    .hint(format!(
                        "known keys are {}; put your own keys under [extra]",
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
    match Error::combine(errors) {
        Some(e) => Err(e),
        None => Ok(front),
    }
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
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Split<'_>> {
        split(text, Path::new("content/a.md"), false)
    }

    #[test]
    fn toml_front_matter() {
        let s = parse("+++\ntitle = \"调查研究\"\nweight = 2\ndate = 2023-09-01\n[extra]\nx = 1\n+++\n\n正文\n").unwrap();
        assert_eq!(s.front.title.as_deref(), Some("调查研究"));
        assert_eq!(s.front.weight, Some(2));
        assert_eq!(s.front.date.unwrap().to_string(), "2023-09-01");
        assert_eq!(s.front.extra["x"], 1);
        assert_eq!(s.body, "\n正文\n");
        assert_eq!(s.body_line, 8);
    }

    #[test]
    fn yaml_front_matter() {
        let s = parse("---\ntitle: Research\ndraft: true\ndate: 2023-09-01\n---\nBody\n").unwrap();
        assert_eq!(s.front.title.as_deref(), Some("Research"));
        assert!(s.front.draft);
        assert_eq!(s.body, "Body\n");
    }

    #[test]
    fn no_front_matter_is_allowed() {
        let s = parse("# Title\n\ntext").unwrap();
        assert_eq!(s.front, FrontMatter::default());
        assert_eq!(s.body_line, 1);
    }

    #[test]
    fn unclosed_block_points_at_line_one() {
        let e = parse("+++\ntitle = \"x\"\n\nbody\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("content/a.md:1:1: front matter opened with `+++`"),
            "{e}"
        );
    }

    #[test]
    fn malformed_toml_names_the_line() {
        let e = parse("+++\ntitle = \"ok\"\nweight = = 3\n+++\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("content/a.md:3:"), "{e}");
        assert!(e.contains("malformed TOML"), "{e}");
    }

    #[test]
    fn malformed_yaml_names_the_line() {
        let e = parse("---\ntitle: ok\n  bad: [\n---\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("malformed YAML"), "{e}");
        assert!(e.starts_with("content/a.md:3:"), "{e}");
    }

    #[test]
    fn unknown_key_is_an_error_with_position() {
        let e = parse("+++\ntitle = \"x\"\n  autor = \"me\"\n+++\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("content/a.md:3:3: unknown front matter key `autor`"),
            "{e}"
        );
        assert!(e.contains("[extra]"), "{e}");
    }

    #[test]
    fn wrong_types_are_reported() {
        let e = parse("+++\nweight = \"first\"\n+++\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("`weight` must be a whole number"), "{e}");
        let e = parse("---\ndate: yesterday\n---\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("`date` must be a date"), "{e}");
    }

    #[test]
    fn sort_by_only_on_sections() {
        assert!(parse("+++\nsort_by = \"weight\"\n+++\n").is_err());
        let s = split(
            "+++\nsort_by = \"date\"\n+++\n",
            Path::new("_index.md"),
            true,
        )
        .unwrap();
        assert_eq!(s.front.sort_by, Some(SortBy::Date));
    }

    #[test]
    fn crlf_files_work() {
        let s = parse("+++\r\ntitle = \"x\"\r\n+++\r\nbody\r\n").unwrap();
        assert_eq!(s.front.title.as_deref(), Some("x"));
        assert_eq!(s.body, "body\r\n");
    }
}
