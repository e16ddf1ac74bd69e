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
}

impl Renderer {
    /// Loads `theme_templates`, then `site_templates` over it.
    pub fn load(theme_templates: &Path, site_templates: &Path, i18n: &I18n) -> Result<Renderer> {
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
        base.add_raw_templates(sources)
            .map_err(|e| template_error(&e, &files))?;
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
        Ok(Renderer { teras, files })
    }

    pub fn has_template(&self, name: &str) -> bool {
        self.files.contains_key(name)
    }

    pub fn render(&self, lang: usize, template: &str, context: &tera::Context) -> Result<String> {
        self.teras[lang]
            .render(template, context)
            .map_err(|e| template_error(&e, &self.files))
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
