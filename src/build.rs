//! The pipeline, end to end: load → parse → model → render → index → write.
//!
//! [`build`] runs every stage and swaps the result into the output folder;
//! each stage lives in its own module and takes and returns plain data.

use std::path::PathBuf;

use rayon::prelude::*;
use std::time::{Duration, Instant};

use crate::content;
use crate::error::Result;
use crate::incremental::Session;
use crate::incremental::shell::shell_hashes;
use crate::index;
use crate::options::{BuildOptions, load_config};
use crate::output::assets::write_assets;
use crate::output::sitemap::write_crawler_files;
use crate::output::{self, Staging};
use crate::render::pages::render_site;
use crate::render::{Renderer, i18n::I18n};
use crate::site::Site;
use crate::theme::theme_dir;

/// What a build did, for the one-line summary.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub output: PathBuf,
    /// (language code, documents written) in config order.
    pub documents: Vec<(String, usize)>,
    pub stages: Vec<(&'static str, Duration)>,
    pub warnings: Vec<String>,
    /// Things worth knowing that need no action ("no sitemap without base_url").
    pub notes: Vec<String>,
    pub total: Duration,
}

impl BuildReport {
    pub fn summary(&self) -> String {
        let docs = self
            .documents
            .iter()
            .map(|(l, n)| format!("{n} {l}"))
            .collect::<Vec<_>>()
            .join(" + ");
        let stages = self
            .stages
            .iter()
            .map(|(name, d)| format!("{name} {}", fmt_duration(*d)))
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "built {docs} pages into {} in {} ({stages})",
            self.output.display(),
            fmt_duration(self.total)
        )
    }
}

fn fmt_duration(d: Duration) -> String {
    if d.as_secs_f64() >= 1.0 {
        format!("{:.2} s", d.as_secs_f64())
    } else {
        format!("{} ms", d.as_millis())
    }
}

/// Runs the whole pipeline and replaces the output folder.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    build_session(opts).map(|(report, _)| report)
}

/// As [`build`], keeping what the build worked out for later rebuilds.
pub fn build_session(opts: &BuildOptions) -> Result<(BuildReport, Session)> {
    let started = Instant::now();
    let mut stages = Vec::new();
    let mut warnings = Vec::new();

    // load
    let t = Instant::now();
    let config = load_config(opts)?;
    let content_dir = opts.site_dir.join("content");
    let (sources, skipped) = content::load(&content_dir, &config, opts.drafts)?;
    // Zola front matter that is read but not carried out yet.
    warnings.extend(skipped.warnings.iter().cloned());
    let mut site = Site::new(config, sources)?;
    // Zola config keys with no effect here, a missing title.
    warnings.extend(site.config.warnings().iter().cloned());
    for dir in &site.implicit_sections {
        warnings.push(format!(
            "content/{dir}/ has pages but no _index.md; its title is the folder name"
        ));
    }
    let theme_holder = theme_dir(opts, &site.config)?;
    let theme = theme_holder.path.clone();
    site.shortcodes = crate::render::shortcodes::Shortcodes::load(&[
        &theme.join("templates"),
        &opts.site_dir.join("templates"),
    ])?;
    let i18n = I18n::load(
        &site.config,
        &[&theme.join("i18n"), &opts.site_dir.join("i18n")],
    )?;
    warnings.extend(i18n.warnings.iter().cloned());
    let renderer = Renderer::load(
        &theme.join("templates"),
        &opts.site_dir.join("templates"),
        &i18n,
    )?;
    stages.push(("load", t.elapsed()));

    let output_dir = opts
        .output_dir
        .clone()
        .unwrap_or_else(|| opts.site_dir.join("public"));
    let staging = Staging::new(
        &output_dir,
        &[
            &opts.site_dir.join("content"),
            &opts.site_dir.join("config.toml"),
            &opts.site_dir.join("static"),
            &opts.site_dir.join("templates"),
            &opts.site_dir.join("i18n"),
            &theme,
        ],
    )?;

    // render (Markdown and templates, written as they are done)
    let t = Instant::now();
    // Zola's taxonomies and aliases: checked before anything is rendered.
    let taxonomies = crate::site::taxonomies::collect(&site)?;
    let aliases = crate::render::aliases::alias_pages(&site, &taxonomies)?;
    let assets = write_assets(&site, &theme, &staging)?;
    let search_entries: Vec<Option<String>> = (0..site.config.languages.len())
        .map(|l| index::search_entry_name(&site, l))
        .collect();
    let mut rendered = render_site(
        &site,
        &renderer,
        &i18n,
        &assets,
        &search_entries,
        &staging,
        opts.progress,
        opts.keep_html,
    )?;
    crate::render::taxonomies::render_taxonomies(
        &site,
        &renderer,
        &i18n,
        &assets,
        &search_entries,
        &rendered.navs,
        &taxonomies,
        &staging,
    )?;
    for page in &aliases {
        staging.write(&page.file, page.html.as_bytes())?;
    }
    stages.push(("render", t.elapsed()));

    if opts.keep_html {
        rendered.shells = shell_hashes(
            &site,
            &i18n,
            &assets,
            &search_entries,
            &rendered,
            &rendered.docs.iter().collect::<Vec<_>>(),
        );
    }

    // index
    let t = Instant::now();
    if !opts.keep_html {
        // Nothing reads the Markdown again: give its memory to the index.
        for source in &mut site.sources {
            std::sync::Arc::make_mut(source).body = String::new();
        }
    }
    let search_files = index::build_indexes(&site, &mut rendered.docs, opts)?;
    stages.push(("index", t.elapsed()));

    // write
    let t = Instant::now();
    // In parallel: hundreds of files, and a staging folder has no reader
    // (order only matters for `index::SearchJob::write_into`).
    search_files
        .par_iter()
        .try_for_each(|(path, bytes)| staging.write(path, bytes))?;
    output::copy_tree(&theme.join("static"), &staging, "")?;
    output::copy_tree(&opts.site_dir.join("static"), &staging, "")?;
    // Files beside the pages in content/ (page bundles' images and downloads).
    content::assets::publish(&site, &content_dir, &skipped.assets, &staging)?;
    let mut notes = Vec::new();
    write_crawler_files(&site, &staging, &mut notes)?;
    if site.config.raw.precompress {
        let n = output::precompress(&staging)?;
        notes.push(format!("wrote {n} precompressed .gz files"));
    }
    let documents = site
        .config
        .languages
        .iter()
        .enumerate()
        .map(|(i, l)| {
            (
                l.code.clone(),
                rendered.docs.iter().filter(|r| r.doc.lang == i).count(),
            )
        })
        .collect();
    let output = staging.commit()?;
    stages.push(("write", t.elapsed()));

    let report = BuildReport {
        output: output.clone(),
        documents,
        stages,
        warnings,
        notes,
        total: started.elapsed(),
    };
    let session = Session {
        opts: opts.clone(),
        _theme: theme_holder,
        i18n,
        renderer,
        site,
        assets,
        search_entries,
        state: rendered,
        output,
    };
    Ok((report, session))
}
