//! Stage 4, render: tera templates turn the model into HTML.
//!
//! Templates come from the theme (`themes/NAME/templates/`), overridden file
//! by file by the site's own `templates/`. Each language gets its own tera
//! instance so that `t(key="…")` answers in that language without templates
//! having to pass the language around.

pub mod aliases;
pub mod context;
pub mod document;
pub mod i18n;
pub mod limits;
pub mod nav;
pub mod pages;
pub mod print;
pub mod shortcodes;
pub mod taxonomies;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::error::{Error, ErrorKind, Result};
use i18n::{I18n, Translate};
pub use limits::Limits;

/// The templates a theme must provide.
pub const REQUIRED_TEMPLATES: &[&str] = &[
    "base.html",
    "index.html",
    "section.html",
    "page.html",
    "404.html",
    "partials/nav.html",
];

pub struct Renderer {
    /// One per language, indexed like `Config::languages`.
    teras: Vec<tera::Tera>,
    /// Template name → the file it came from, for error messages.
    files: HashMap<String, PathBuf>,
    /// Template name → its text, to find the line a limit was hit at.
    sources: HashMap<String, String>,
    limits: Limits,
}

impl Renderer {
    /// Loads `theme_templates`, then `site_templates` over it, with the
    /// default [`Limits`].
    pub fn load(theme_templates: &Path, site_templates: &Path, i18n: &I18n) -> Result<Renderer> {
        Renderer::load_with(theme_templates, site_templates, i18n, Limits::default())
    }

    /// Loads the templates and guards them (see [`limits`]): cycles of
    /// includes, imports and extends are refused here, before any render.
    pub fn load_with(
        theme_templates: &Path,
        site_templates: &Path,
        i18n: &I18n,
        limits: Limits,
    ) -> Result<Renderer> {
        let mut files: HashMap<String, PathBuf> = HashMap::new();
        for dir in [theme_templates, site_templates] {
            if !dir.is_dir() {
                continue;
            }
            for entry in WalkDir::new(dir).sort_by_file_name().into_iter().flatten() {
                let path = entry.path();
                if entry.file_type().is_file()
                    && path
                        .extension()
                        .is_some_and(|e| e == "html" || e == "xml" || e == "txt")
                {
                    let name = path
                        .strip_prefix(dir)
                        .unwrap_or(path)
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy())
                        .collect::<Vec<_>>()
                        .join("/");
                    files.insert(name, path.to_path_buf());
                }
            }
        }
        for required in REQUIRED_TEMPLATES {
            if !files.contains_key(*required) {
                return Err(Error::in_file(ErrorKind::Theme, theme_templates.join(required), format!("the template `{required}` is missing"))
                    .hint(format!("the theme must provide templates/{required}; a site may also add it under templates/")));
            }
        }
        let mut sources = Vec::with_capacity(files.len());
        for (name, path) in &files {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Error::io(path, "read the template", e))?;
            sources.push((name.clone(), text));
        }
        let mut base = tera::Tera::default();
        base.autoescape_on(vec![".html", ".xml"]);
        base.set_escape_fn(crate::html::escape);
        base.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|e| template_error(&e, &files))?;
        let sources: HashMap<String, String> = sources.into_iter().collect();
        let cycles = limits::find_cycles(&base);
        if let Some(e) = Error::combine(cycles.iter().map(|c| cycle_error(c, &files, &sources))) {
            return Err(e);
        }
        limits::instrument(&mut base);
        limits::register(&mut base, &limits);
        let teras = i18n
            .languages
            .iter()
            .map(|strings| {
                let mut t = base.clone();
                t.register_function(
                    "t",
                    Translate {
                        strings: strings.clone(),
                    },
                );
                t
            })
            .collect();
        Ok(Renderer {
            teras,
            files,
            sources,
            limits,
        })
    }

    pub fn has_template(&self, name: &str) -> bool {
        self.files.contains_key(name)
    }

    /// Renders one page. A template that trips a limit (see [`limits`])
    /// gets an error naming the template, and the line where it can tell.
    pub fn render(&self, lang: usize, template: &str, context: &tera::Context) -> Result<String> {
        limits::begin(&self.limits);
        let mut out = limits::CappedWriter {
            bytes: Vec::new(),
            max: self.limits.max_page_bytes,
            overflowed: false,
        };
        match self.teras[lang].render_to(template, context, &mut out) {
            Ok(()) => String::from_utf8(out.bytes).map_err(|_| {
                self.error_in(template, None, "the template produced text that is not UTF-8")
            }),
            Err(e) => Err(match limits::tripped() {
                Some(tripped) => self.limit_error(template, tripped),
                None if out.overflowed => self
                    .error_in(
                        template,
                        None,
                        format!(
                            "rendering `{template}` made a page larger than {} MiB, the most one page may have",
                            self.limits.max_page_bytes / (1024 * 1024)
                        ),
                    )
                    .hint("a loop that repeats more than it should? The limit stops a runaway template before it fills the memory"),
                None => with_call_line(template_error(&e, &self.files), &e, &self.sources),
            }),
        }
    }

    fn error_in(&self, template: &str, line: Option<usize>, message: impl Into<String>) -> Error {
        let err = Error::new(ErrorKind::Template, message);
        match self.files.get(template) {
            Some(path) => err.at(path, line, None),
            None => err,
        }
    }

    fn limit_error(&self, rendering: &str, tripped: limits::Tripped) -> Error {
        use limits::{Place, Tripped};
        let line_of = |template: &str, place: &Place| {
            self.sources
                .get(template)
                .and_then(|s| limits::place_line(s, place))
        };
        match tripped {
            Tripped::TooDeep {
                template,
                macro_name,
            } => {
                let line = line_of(&template, &Place::Macro(macro_name.clone()));
                self.error_in(
                    &template,
                    line,
                    format!(
                        "the macro `{macro_name}` in `{template}` calls itself too deeply \
                         (while rendering `{rendering}`): the stack is nearly used up"
                    ),
                )
                .hint("a macro that calls itself needs a condition that stops it; check what it passes to itself")
            }
            Tripped::TooManySteps { template, place } => {
                let line = line_of(&template, &place);
                let what = match &place {
                    Place::Macro(m) => format!("the macro `{m}`"),
                    Place::Loop(v) => format!("the `for {v} in …` loop"),
                };
                self.error_in(
                    &template,
                    line,
                    format!(
                        "rendering `{rendering}` ran more than {} loop iterations and macro calls, \
                         the most one page may run (the last in {what} of `{template}`)",
                        self.limits.max_steps
                    ),
                )
                .hint("a loop over a huge range, or a macro that calls itself too often? The limit stops a runaway template before it fills the memory")
            }
        }
    }
}

/// "`a.html` includes `b.html`, which includes `a.html`", at the tag.
fn cycle_error(
    cycle: &limits::Cycle,
    files: &HashMap<String, PathBuf>,
    sources: &HashMap<String, String>,
) -> Error {
    let (first, first_edge) = &cycle[0];
    let next = |i: usize| &cycle[(i + 1) % cycle.len()].0;
    let chain = cycle
        .iter()
        .enumerate()
        .map(|(i, (_, edge))| format!("{} `{}`", edge.verb(), next(i)))
        .collect::<Vec<_>>()
        .join(", which ");
    let line = sources
        .get(first)
        .and_then(|s| limits::tag_line(s, *first_edge, next(0)));
    let err = Error::new(
        ErrorKind::Template,
        format!("`{first}` {chain}: rendering it would never end"),
    )
    .hint("break the cycle; a macro may call itself, with a condition that stops it");
    match files.get(first) {
        Some(path) => err.at(path, line, None),
        None => err,
    }
}

/// Tera names no line for a failed function call at render time ("Function
/// call 'range' failed"); where the template calls that function on one
/// line only, that line is the one.
fn with_call_line(err: Error, e: &tera::Error, sources: &HashMap<String, String>) -> Error {
    let text = e.to_string()
        + &std::error::Error::source(e)
            .map(|s| s.to_string())
            .unwrap_or_default();
    let Some(function) = text
        .split("Function call '")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
    else {
        return err;
    };
    let Some(file) = err
        .diagnostics()
        .first()
        .and_then(|d| d.location.as_ref())
        .map(|l| l.file.clone())
    else {
        return err;
    };
    let call = format!("{function}(");
    let line = sources
        .iter()
        .filter(|(name, _)| file.ends_with(name.as_str()))
        .max_by_key(|(name, _)| name.len())
        .and_then(|(_, source)| {
            let mut calls = source
                .lines()
                .enumerate()
                .filter(|(_, l)| l.contains(&call));
            match (calls.next(), calls.next()) {
                (Some((i, _)), None) => Some(i + 1),
                _ => None,
            }
        });
    match line {
        Some(line) => err.with_line_if_unknown(line),
        None => err,
    }
}

/// Tera's errors come as a chain ("Failed to render 'page.html'" → "Variable
/// `x` not found"); this joins it into one message and, where the parser
/// gives one, attaches the template's line and column.
fn template_error(e: &tera::Error, files: &HashMap<String, PathBuf>) -> Error {
    let mut parts = vec![e.to_string()];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    let full = parts.join(": ");
    let name = files
        .keys()
        .filter(|n| full.contains(&format!("'{n}'")) || full.contains(&format!("\"{n}\"")))
        .max_by_key(|n| n.len())
        .cloned();
    // pest reports positions as " --> 3:5".
    let position = full.split("--> ").nth(1).and_then(|rest| {
        let mut nums = rest
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty());
        Some((nums.next()?.parse().ok()?, nums.next()?.parse().ok()?))
    });
    let message = full
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n    ");
    let err = Error::new(ErrorKind::Template, format!("template error: {message}"))
        .hint("fix the template named above; README.md lists what templates can use (\"Template context\")");
    match name.and_then(|n| files.get(&n)) {
        Some(path) => err.at(
            path,
            position.map(|p: (usize, usize)| p.0),
            position.map(|p| p.1),
        ),
        None => err,
    }
}
