//! Zola's shortcodes, rendered with tera before the Markdown is.
//!
//! Templates are `templates/shortcodes/NAME.html` or `NAME.md`, in the site
//! (which wins) or the theme. A call's arguments are the template's
//! variables, with Zola's `nth` (the how-manieth call of this shortcode on
//! the page), `page`, `config`, `lang` and, for `{% %}` calls, `body`.
//!
//! An `.md` shortcode's output is Markdown and goes into the text. An
//! `.html` shortcode's output is HTML: a placeholder stands in for it while
//! the Markdown is rendered, so Markdown (and smart punctuation) never
//! touches it, and [`Expanded::fill`] puts it in afterwards.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::content::SourceFile;
use crate::error::{Error, ErrorKind, Result, line_col};
use crate::markdown::Rendered;
use crate::markdown::shortcodes::{self, Call, Piece};
use crate::site::Site;

/// Zola's own built-in shortcodes, which Zola themes provide and grassroots does not.
const ZOLA_BUILT_INS: &[&str] = &["youtube", "vimeo", "streamable", "gist"];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Format {
    Html,
    Markdown,
}

/// The shortcode templates of a site and its theme.
#[derive(Clone, Default)]
pub struct Shortcodes {
    tera: tera::Tera,
    /// Shortcode name → (its format, the template's file).
    known: HashMap<String, (Format, PathBuf)>,
}

impl std::fmt::Debug for Shortcodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut names: Vec<&String> = self.known.keys().collect();
        names.sort();
        f.debug_struct("Shortcodes").field("known", &names).finish()
    }
}

impl Shortcodes {
    /// Loads `templates/shortcodes/` of each folder in `template_dirs`,
    /// later ones over earlier ones (the theme's, then the site's).
    pub fn load(template_dirs: &[&Path]) -> Result<Shortcodes> {
        let mut known: HashMap<String, (Format, PathBuf)> = HashMap::new();
        for dir in template_dirs {
            let dir = dir.join("shortcodes");
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
            paths.sort();
            for path in paths {
                let format = match path.extension().and_then(|e| e.to_str()) {
                    Some("html") => Format::Html,
                    Some("md") => Format::Markdown,
                    _ => continue,
                };
                let Some(name) = path.file_stem().map(|s| s.to_string_lossy().into_owned()) else {
                    continue;
                };
                known.insert(name, (format, path));
            }
        }
        let mut sources = Vec::new();
        for (name, (format, path)) in &known {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Error::io(path, "read the shortcode template", e))?;
            sources.push((template_name(name, *format), text));
        }
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.set_escape_fn(crate::html::escape);
        tera.register_filter("markdown", markdown_filter);
        tera.add_raw_templates(sources).map_err(|e| {
            Error::new(
                ErrorKind::Template,
                format!("a shortcode template does not parse: {}", error_chain(&e)),
            )
            .hint("shortcode templates are tera templates, as in Zola")
        })?;
        Ok(Shortcodes { tera, known })
    }

    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.known.keys().map(String::as_str).collect();
        names.sort();
        names
    }
}

fn template_name(name: &str, format: Format) -> String {
    match format {
        Format::Html => format!("shortcodes/{name}.html"),
        Format::Markdown => format!("shortcodes/{name}.md"),
    }
}

/// Zola's `markdown` filter, which body shortcodes use on their `body`:
/// `{{ body | markdown | safe }}`; `markdown(inline=true)` drops the paragraph.
fn markdown_filter(value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
    let text = value
        .as_str()
        .ok_or_else(|| tera::Error::msg("the markdown filter takes text"))?;
    let options = pulldown_cmark::Options::ENABLE_TABLES
        | pulldown_cmark::Options::ENABLE_STRIKETHROUGH
        | pulldown_cmark::Options::ENABLE_FOOTNOTES;
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(text, options));
    if args.get("inline").and_then(Value::as_bool) == Some(true) {
        let trimmed = html.trim();
        if let Some(inner) = trimmed
            .strip_prefix("<p>")
            .and_then(|t| t.strip_suffix("</p>"))
            .filter(|inner| !inner.contains("<p>"))
        {
            html = inner.to_string();
        }
    }
    Ok(Value::String(html))
}

fn error_chain(e: &tera::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(": ")
}

/// A body with its shortcodes expanded.
#[derive(Debug, Default)]
pub struct Expanded {
    /// The Markdown to render, with placeholders for HTML shortcodes.
    pub markdown: String,
    /// The HTML each placeholder stands for, by number, and whether it is
    /// a shortcode's output (which stands for its paragraph when alone in
    /// one) rather than escaped text.
    html: Vec<(String, bool)>,
}

/// Marks the n-th HTML output in the Markdown: private-use characters pass
/// through Markdown and HTML escaping untouched.
fn placeholder(n: usize) -> String {
    format!("\u{E000}{n}\u{E001}")
}

impl Expanded {
    /// Puts the HTML outputs in the rendered page, and takes the
    /// placeholders out of the text kept for search.
    pub fn fill(&self, rendered: &mut Rendered) {
        if self.html.is_empty() {
            return;
        }
        for (n, (html, is_block)) in self.html.iter().enumerate() {
            let mark = placeholder(n);
            // A shortcode alone in its paragraph is a block of its own.
            if *is_block {
                rendered.html = rendered.html.replace(&format!("<p>{mark}</p>"), html);
            }
            rendered.html = rendered.html.replace(&mark, html);
            if let Some(summary) = &mut rendered.summary {
                *summary = summary.replace(&mark, html);
            }
            for chunk in &mut rendered.chunks {
                chunk.text = chunk.text.replace(&mark, "");
            }
        }
    }
}

/// Expands the shortcodes of one document's body. Unknown shortcodes, bad
/// arguments and template errors are reported together, each at the
/// call's line and column in the Markdown file.
pub fn expand(site: &Site, lang: usize, file: &SourceFile) -> Result<Expanded> {
    if !shortcodes::may_contain(&file.body) {
        return Ok(Expanded {
            markdown: file.body.clone(),
            html: Vec::new(),
        });
    }
    let at = |offset: usize| {
        let (line, column) = line_col(&file.body, offset);
        (Some(line + file.body_line - 1), Some(column))
    };
    let (pieces, syntax_errors) = shortcodes::parse(&file.body);
    let mut errors: Vec<Error> = syntax_errors
        .into_iter()
        .map(|e| {
            let (line, column) = at(e.offset);
            Error::new(ErrorKind::Shortcode, e.message)
                .at(&file.display_path, line, column)
                .hint(e.hint)
        })
        .collect();
    let shortcodes = &site.shortcodes;
    let base = base_context(site, lang, file);
    let mut out = Expanded::default();
    let mut nth: HashMap<String, usize> = HashMap::new();
    for piece in pieces {
        let call = match piece {
            Piece::Text(t) => {
                out.markdown.push_str(&t);
                continue;
            }
            Piece::Literal(t) => {
                out.markdown.push_str(&placeholder(out.html.len()));
                out.html.push((crate::html::escape(&t), false));
                continue;
            }
            Piece::Call(call) => call,
        };
        let (line, column) = at(call.offset);
        let Some((format, path)) = shortcodes.known.get(&call.name) else {
            errors.push(unknown(&call, shortcodes).at(&file.display_path, line, column));
            continue;
        };
        let count = nth.entry(call.name.clone()).or_insert(0);
        *count += 1;
        match render_call(shortcodes, &call, *format, &base, *count) {
            Ok(text) if *format == Format::Markdown => out.markdown.push_str(&text),
            Ok(html) => {
                out.markdown.push_str(&placeholder(out.html.len()));
                out.html.push((html, true));
            }
            Err(message) => errors.push(
                Error::new(
                    ErrorKind::Shortcode,
                    format!("shortcode `{}` failed: {message}", call.name),
                )
                .at(&file.display_path, line, column)
                .hint(format!("its template is {}", path.display())),
            ),
        }
    }
    // Errors in the order they appear in the file.
    errors.sort_by_key(|e| {
        e.diagnostics()
            .first()
            .and_then(|d| d.location.as_ref())
            .map(|l| (l.line, l.column))
    });
    match Error::combine(errors) {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

fn unknown(call: &Call, shortcodes: &Shortcodes) -> Error {
    let name = &call.name;
    let known = shortcodes.names().join(", ");
    if ZOLA_BUILT_INS.contains(&name.as_str()) {
        return Error::new(
            ErrorKind::Shortcode,
            format!("unknown shortcode `{name}`: it is one of Zola's theme-provided shortcodes, which grassroots does not have"),
        )
        .hint(format!("add templates/shortcodes/{name}.html to the site (a tera template taking the same arguments); shortcodes here: {known}"));
    }
    Error::new(ErrorKind::Shortcode, format!("unknown shortcode `{name}`")).hint(format!(
        "add templates/shortcodes/{name}.html (or .md) to the site, or use one of: {known}; to show the call itself write {{{{/* {name}(…) */}}}}"
    ))
}

/// The variables every call on the page sees: `page`, `config`, `lang`.
fn base_context(site: &Site, lang: usize, file: &SourceFile) -> tera::Context {
    let config = &site.config;
    let mut ctx = tera::Context::new();
    ctx.insert("lang", &config.languages[lang].code);
    // The document's URL, for `root` (grassroots' own: "../../" up to the
    // site root, so templates can point at static/ under any path prefix).
    let url = site
        .node_for_path(&file.rel_path)
        .map(|(id, _)| site.views[lang].entries[id].url.clone())
        .unwrap_or_default();
    ctx.insert("root", &crate::site::root_prefix(&url));
    ctx.insert(
        "config",
        &json!({
            "title": config.languages[lang].title,
            "description": config.languages[lang].description,
            "base_url": config.base_url,
            "default_language": config.default_language().code,
            "extra": config.raw.extra,
        }),
    );
    let page = json!({
        "title": file.title,
        "description": file.front.description,
        "date": file.front.date.map(|d| d.to_string()),
        "updated": file.front.updated.map(|d| d.to_string()),
        "authors": file.authors(config),
        "extra": file.front.extra,
        "lang": config.languages[file.lang].code,
        "relative_path": file.rel_path,
        "path": format!("/{url}"),
        "permalink": site.permalink(&url),
        "taxonomies": file.front.taxonomies.iter().cloned().collect::<HashMap<_, _>>(),
    });
    match file.kind {
        crate::content::Kind::Section => ctx.insert("section", &page),
        crate::content::Kind::Page => ctx.insert("page", &page),
    }
    ctx
}

fn render_call(
    shortcodes: &Shortcodes,
    call: &Call,
    format: Format,
    base: &tera::Context,
    nth: usize,
) -> std::result::Result<String, String> {
    let mut ctx = base.clone();
    for (key, value) in &call.args {
        ctx.insert(key, value);
    }
    ctx.insert("nth", &nth);
    if let Some(body) = &call.body {
        ctx.insert("body", body);
    }
    shortcodes
        .tera
        .render(&template_name(&call.name, format), &ctx)
        .map_err(|e| error_chain(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_outputs_fill_their_placeholders() {
        let mut r = Rendered {
            html: format!("<p>{}</p>\n<p>a {} b</p>", placeholder(0), placeholder(1)),
            ..Default::default()
        };
        let e = Expanded {
            markdown: String::new(),
            html: vec![
                ("<figure>x</figure>".into(), true),
                ("<b>y</b>".into(), true),
            ],
        };
        e.fill(&mut r);
        assert_eq!(r.html, "<figure>x</figure>\n<p>a <b>y</b> b</p>");
    }

    #[test]
    fn markdown_filter_renders_and_inlines() {
        let v = markdown_filter(&Value::from("**a**"), &HashMap::new()).unwrap();
        assert_eq!(v, Value::from("<p><strong>a</strong></p>\n"));
        let inline = HashMap::from([("inline".to_string(), Value::Bool(true))]);
        let v = markdown_filter(&Value::from("**a**"), &inline).unwrap();
        assert_eq!(v, Value::from("<strong>a</strong>"));
    }
}
