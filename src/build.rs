//! The pipeline, end to end: load → parse → model → render → index → write.
//!
//! [`build`] runs every stage and swaps the result into the output folder;
//! each stage lives in its own module and takes and returns plain data.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{self, Kind, SourceFile};
use crate::error::{Error, ErrorKind, Result};
use crate::markdown::{self, LinkResolver, Rendered, ResolvedLink};
use crate::output::{self, Sink, Staging};
use crate::render::context::{self, DocumentCtx, LanguageCtx, PageCtx, SiteCtx, Translation};
use crate::render::{Renderer, i18n::I18n, print};
use crate::site::{NodeId, ROOT, Site};

/// What the user asked for on the command line.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site folder (holding config.toml and content/).
    pub site_dir: PathBuf,
    /// Defaults to SITE/public.
    pub output_dir: Option<PathBuf>,
    /// Overrides `base_url` in config.toml.
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Overrides `offline` in config.toml.
    pub offline: Option<bool>,
    /// Folder holding themes; defaults to SITE/themes, then ./themes, then
    /// the themes folder next to the program's sources.
    pub themes_dir: Option<PathBuf>,
    /// Show a progress bar (on a terminal, for long builds).
    pub progress: bool,
    /// Overrides `precompress` in config.toml.
    pub precompress: Option<bool>,
    /// Keep every document's rendered Markdown after the build. The dev
    /// server does, to re-render pages and print pages after an edit without
    /// rendering their neighbours' Markdown again; a plain build drops each
    /// document's HTML as soon as its print pages are written, which keeps
    /// a large site's memory near the size of one section.
    pub keep_html: bool,
}

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

/// Loads the configuration with the command line's overrides applied.
pub fn load_config(opts: &BuildOptions) -> Result<Config> {
    let mut config = Config::load(&opts.site_dir.join("config.toml"))?;
    if let Some(url) = &opts.base_url {
        let mut raw = config.raw.clone();
        raw.base_url = Some(url.clone());
        config = Config::from_raw(raw, Path::new("--base-url"))?;
    }
    if let Some(offline) = opts.offline {
        config.raw.offline = offline;
    }
    if let Some(p) = opts.precompress {
        config.raw.precompress = p;
    }
    Ok(config)
}

/// The default theme, built into the program so an installed `grassroots`
/// works without its source tree.
static EMBEDDED_THEME: include_dir::Dir =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// A theme folder; the embedded theme is unpacked into a temporary folder
/// that lives as long as this value.
pub struct ThemeDir {
    pub path: PathBuf,
    _unpacked: Option<tempfile::TempDir>,
}

/// Finds the theme: SITE/themes/NAME, then themes/NAME beside the site
/// folder or in the working folder, then (for "default") the built-in copy.
pub fn theme_dir(opts: &BuildOptions, config: &Config) -> Result<ThemeDir> {
    let name = &config.raw.theme;
    let mut candidates = Vec::new();
    if let Some(d) = &opts.themes_dir {
        candidates.push(d.join(name));
    }
    candidates.push(opts.site_dir.join("themes").join(name));
    if let Some(parent) = opts.site_dir.parent() {
        candidates.push(parent.join("themes").join(name));
    }
    candidates.push(PathBuf::from("themes").join(name));
    if let Some(p) = candidates.iter().find(|p| p.join("templates").is_dir()) {
        return Ok(ThemeDir {
            path: p.clone(),
            _unpacked: None,
        });
    }
    if name == "default" {
        let tmp = tempfile::tempdir().map_err(|e| {
            Error::new(
                ErrorKind::Theme,
                format!("could not unpack the built-in theme: {e}"),
            )
        })?;
        EMBEDDED_THEME.extract(tmp.path()).map_err(|e| {
            Error::new(
                ErrorKind::Theme,
                format!("could not unpack the built-in theme: {e}"),
            )
        })?;
        return Ok(ThemeDir {
            path: tmp.path().to_path_buf(),
            _unpacked: Some(tmp),
        });
    }
    Err(Error::in_file(
        ErrorKind::Theme,
        opts.site_dir.join("config.toml"),
        format!("theme \"{name}\" not found"),
    )
    .hint(format!(
        "looked in: {}",
        candidates
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    )))
}

/// Runs the whole pipeline and replaces the output folder.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    build_session(opts).map(|(report, _)| report)
}

/// Everything a full build worked out, kept by the dev server so that an
/// edit re-renders only what it touches (see `incremental.rs`).
pub struct Session {
    pub(crate) opts: BuildOptions,
    pub(crate) _theme: ThemeDir,
    pub(crate) i18n: I18n,
    pub(crate) renderer: Renderer,
    pub(crate) site: Site,
    pub(crate) assets: BTreeMap<String, String>,
    pub(crate) search_entries: Vec<Option<String>>,
    pub(crate) state: RenderState,
    /// The output folder the session last wrote.
    pub(crate) output: PathBuf,
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
    if !skipped.other_files.is_empty() {
        warnings.push(format!(
            "{} non-Markdown file(s) in content/ were not published (e.g. {}); put images and downloads in static/",
            skipped.other_files.len(),
            skipped.other_files[0].display()
        ));
    }
    warnings.extend(skipped.warnings); // zola: Zola front matter not carried out yet
    let mut site = Site::new(config, sources)?;
    warnings.extend(site.config.warnings().iter().cloned()); // zola: config warnings
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
    ])?; // zola: shortcodes
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
            &theme,
        ],
    )?;

    // render (Markdown and templates, written as they are done)
    let t = Instant::now();
    let assets = write_assets(&site, &theme, &staging)?;
    let search_entries: Vec<Option<String>> = (0..site.config.languages.len())
        .map(|l| search_entry_name(&site, l))
        .collect();
    let mut rendered = render_all(
        &site,
        &renderer,
        &i18n,
        &assets,
        &search_entries,
        &staging,
        opts.progress,
        opts.keep_html,
    )?;
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
            source.body = String::new();
        }
    }
    let jobs: Vec<SearchJob> = (0..site.config.languages.len())
        .filter_map(|lang| SearchJob::new(&site, &mut rendered.docs, lang, opts.keep_html))
        .collect();
    // Each index build is parallel inside, but has serial steps (merging
    // the vocabulary, sorting terms): on a small site, building the
    // languages at once fills those gaps. On a big one it would double the
    // peak memory, so the languages go one after the other.
    let text: usize = jobs.iter().map(SearchJob::text_bytes).sum();
    let built: Vec<Result<Vec<OutFile>>> = if text <= CONCURRENT_INDEX_MAX_TEXT {
        jobs.par_iter().map(SearchJob::build).collect()
    } else {
        jobs.iter().map(SearchJob::build).collect()
    };
    let mut search_files = Vec::new();
    for files in built {
        search_files.extend(files?);
    }
    stages.push(("index", t.elapsed()));

    // write
    let t = Instant::now();
    // In parallel: hundreds of files, and a staging folder has no reader
    // (order only matters for `SearchJob::write_into`).
    search_files
        .par_iter()
        .try_for_each(|(path, bytes)| staging.write(path, bytes))?;
    output::copy_tree(&theme.join("static"), &staging, "")?;
    output::copy_tree(&opts.site_dir.join("static"), &staging, "")?;
    content::assets::publish(&site, &content_dir, &skipped.assets, &staging)?; // zola: bundle assets
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
                rendered.docs.iter().filter(|r| r.lang == i).count(),
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

/// Fingerprints the theme's `assets/`, the code highlighting CSS and the
/// search scripts into `assets/`.
fn write_assets(site: &Site, theme: &Path, staging: &Staging) -> Result<BTreeMap<String, String>> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let assets_dir = theme.join("assets");
    if assets_dir.is_dir() {
        for entry in walkdir::WalkDir::new(&assets_dir)
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            if entry.file_type().is_file() {
                let name = entry
                    .path()
                    .strip_prefix(&assets_dir)
                    .unwrap_or(entry.path())
                    .to_string_lossy()
                    .replace('\\', "/");
                let bytes = std::fs::read(entry.path())
                    .map_err(|e| Error::io(entry.path(), "read the asset", e))?;
                files.push((name, bytes));
            }
        }
    }
    let md = &site.config.raw.markdown;
    let highlight_css =
        markdown::highlight::stylesheet(&md.highlight_theme, &md.highlight_theme_dark)
            .map_err(|e| e.clone().at(Path::new("config.toml"), None, None))?;
    // A file of its own, linked only from pages with code: most study pages
    // have none, and the two themes' rules weigh more than the theme's CSS.
    files.push(("highlight.css".into(), highlight_css.into_bytes()));
    if site.config.raw.search.enabled {
        files.push((
            "search.js".into(),
            grassroots_search::CLIENT_JS.as_bytes().to_vec(),
        ));
        files.push((
            "search-ui.js".into(),
            grassroots_search::UI_JS.as_bytes().to_vec(),
        ));
    }
    let mut map = BTreeMap::new();
    for (name, bytes) in files {
        let hashed = fingerprint(&name, &bytes);
        staging.write(&format!("assets/{hashed}"), &bytes)?;
        map.insert(name, format!("assets/{hashed}"));
    }
    Ok(map)
}

/// "style.css" → "style.1a2b3c4d.css": the name changes when the content
/// does, so hosts may cache assets forever.
pub fn fingerprint(name: &str, bytes: &[u8]) -> String {
    let hash = xxhash_rust::xxh3::xxh3_64(bytes);
    let short = format!("{:08x}", hash as u32);
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{short}.{ext}"),
        None => format!("{name}.{short}"),
    }
}

/// One rendered document, kept for the checks and the search index.
pub struct RenderedDoc {
    pub lang: usize,
    pub node: NodeId,
    pub markdown: Rendered,
}

/// Resolves `@/` links for one document of one language.
pub(crate) struct Resolver<'a> {
    pub site: &'a Site,
    pub lang: usize,
    /// URL of the document being rendered.
    pub from: &'a str,
}

impl LinkResolver for Resolver<'_> {
    fn resolve(&self, path: &str, anchor: Option<&str>) -> Option<ResolvedLink> {
        let (node, lang) = self.site.node_for_path(path)?;
        let lang = lang.unwrap_or(self.lang);
        let url = &self.site.views[lang].entries[node].url;
        let mut href = self.site.href(self.from, url);
        if let Some(a) = anchor {
            href.push('#');
            href.push_str(a);
        }
        Some(ResolvedLink {
            href,
            target: node * self.site.config.languages.len() + lang,
        })
    }
}

#[allow(clippy::too_many_arguments)]
fn render_all(
    site: &Site,
    renderer: &Renderer,
    i18n: &I18n,
    assets: &BTreeMap<String, String>,
    search_entries: &[Option<String>],
    out: &dyn Sink,
    progress: bool,
    keep_html: bool,
) -> Result<RenderState> {
    let config = &site.config;
    let n_langs = config.languages.len();
    let (languages, site_ctxs) = contexts(site);

    let navs = render_navs(site, renderer, &languages, &site_ctxs, None)?;

    let printable: Vec<HashSet<NodeId>> = (0..n_langs)
        .map(|l| match config.raw.print.enabled {
            true => print::printable_sections(site, l, config.raw.print.max_documents)
                .into_iter()
                .collect(),
            false => HashSet::new(),
        })
        .collect();
    check_print_urls(site, &printable)?;

    // Documents are rendered in groups, one per top printable section: when
    // a group is done its print pages are written and its Markdown HTML can
    // go, so a large build holds a few sections' HTML, not the whole site's.
    let groups = render_groups(site, &printable);
    let bar = progress_bar(
        progress,
        site.views.iter().map(|v| v.reading_order.len()).sum(),
    );
    let results: Vec<Result<Vec<RenderedDoc>>> = groups
        .par_iter()
        .map(|group| {
            let rendered: Vec<Result<RenderedDoc>> = group
                .docs
                .par_iter()
                .map(|&(lang, id)| {
                    let doc = render_document(
                        site,
                        renderer,
                        i18n,
                        &DocInputs {
                            lang,
                            id,
                            site_ctx: &site_ctxs[lang],
                            lang_ctx: &languages[lang],
                            assets,
                            navs: &navs,
                            search_entry: search_entries[lang].as_deref(),
                            printable: &printable,
                        },
                        None,
                        keep_html,
                    )
                    .and_then(|(html, doc)| {
                        out.put(
                            &format!("{}index.html", site.views[lang].entries[id].url),
                            html.as_bytes(),
                        )?;
                        Ok(doc)
                    });
                    if let Some(b) = &bar {
                        b.inc(1);
                    }
                    doc
                })
                .collect();
            let mut docs = collect_all(rendered)?;
            render_print_pages(
                site,
                renderer,
                i18n,
                &site_ctxs,
                &languages,
                assets,
                &group.print_sections,
                &docs,
                out,
            )?;
            if !keep_html {
                for d in &mut docs {
                    d.markdown.html = String::new();
                }
            }
            Ok(docs)
        })
        .collect();
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    // One broken template fails every page that uses it: say so once.
    let mut docs: Vec<RenderedDoc> = collect_all(results)
        .map_err(Error::dedup)?
        .into_iter()
        .flatten()
        .collect();
    // Back into reading order: the search index numbers documents in it.
    let position: HashMap<(usize, NodeId), usize> = site
        .views
        .iter()
        .enumerate()
        .flat_map(|(l, v)| {
            v.reading_order
                .iter()
                .enumerate()
                .map(move |(i, &n)| ((l, n), i))
        })
        .collect();
    docs.sort_by_key(|d| (d.lang, position[&(d.lang, d.node)]));
    check_anchors(site, &docs)?;
    for lang in 0..n_langs {
        render_not_found(
            site,
            renderer,
            &site_ctxs[lang],
            &languages[lang],
            assets,
            search_entries[lang].as_deref(),
            &navs.html,
            out,
            lang,
        )?;
    }
    if config.raw.default_language_in_subdir {
        out.put("index.html", language_picker(site).as_bytes())?;
    }
    Ok(RenderState {
        docs,
        shells: HashMap::new(),
        navs,
        printable,
    })
}

/// The sidebars of a site: HTML per (language, section), with
/// [`context::ROOT_MARKER`] for the root prefix, and a hash of the tree each
/// was rendered from.
#[derive(Default)]
pub struct Navs {
    pub html: HashMap<(usize, NodeId), String>,
    trees: HashMap<(usize, NodeId), u64>,
}

impl Navs {
    /// The sidebars whose tree differs from `old`'s.
    pub fn changed_from(&self, old: &Navs) -> HashSet<(usize, NodeId)> {
        self.trees
            .iter()
            .filter(|(key, hash)| old.trees.get(key) != Some(hash))
            .map(|(key, _)| *key)
            .collect()
    }
}

/// Renders the sidebar of every (language, section). It is rendered once
/// per section and only personalised per page: rendering it for every page
/// would cost as much as the pages themselves on large sites. A sidebar
/// whose tree is unchanged from `previous` is reused as it was.
pub(crate) fn render_navs(
    site: &Site,
    renderer: &Renderer,
    languages: &[LanguageCtx],
    site_ctxs: &[SiteCtx],
    previous: Option<&Navs>,
) -> Result<Navs> {
    let expand_all = site.nodes.len() <= site.config.raw.navigation.expand_all_below;
    let sections: Vec<(usize, NodeId)> = (0..site.config.languages.len())
        .flat_map(|l| {
            site.nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| n.kind == Kind::Section)
                .map(move |(id, _)| (l, id))
        })
        .collect();
    let rendered: Vec<((usize, NodeId), String, u64)> = sections
        .par_iter()
        .map(|&(lang, section)| {
            let tree = context::nav_tree(site, lang, section, expand_all);
            let mut hasher = xxhash_rust::xxh3::Xxh3::new();
            let _ = serde_json::to_writer(HashWriter(&mut hasher), &tree);
            let hash = hasher.digest();
            let key = (lang, section);
            if let Some(prev) = previous
                && prev.trees.get(&key) == Some(&hash)
                && let Some(html) = prev.html.get(&key)
            {
                return Ok((key, html.clone(), hash));
            }
            let mut ctx = tera::Context::new();
            ctx.insert("nav", &tree);
            ctx.insert("lang", &languages[lang]);
            ctx.insert("site", &site_ctxs[lang]);
            renderer
                .render(lang, "partials/nav.html", &ctx)
                .map(|html| (key, html, hash))
        })
        .collect::<Result<_>>()?;
    let mut navs = Navs::default();
    for (key, html, hash) in rendered {
        navs.html.insert(key, html);
        navs.trees.insert(key, hash);
    }
    Ok(navs)
}

/// Documents rendered together, and the print pages written once they are.
#[derive(Default)]
struct RenderGroup {
    docs: Vec<(usize, NodeId)>,
    print_sections: Vec<(usize, NodeId)>,
}

/// One group per language and top printable section (its whole subtree,
/// with every print page inside it), and one for the documents that no
/// print page holds.
fn render_groups(site: &Site, printable: &[HashSet<NodeId>]) -> Vec<RenderGroup> {
    let mut groups: Vec<RenderGroup> = Vec::new();
    let mut index: HashMap<(usize, NodeId), usize> = HashMap::new();
    let mut group_for = |key: (usize, NodeId), groups: &mut Vec<RenderGroup>| {
        *index.entry(key).or_insert_with(|| {
            groups.push(RenderGroup::default());
            groups.len() - 1
        })
    };
    let mut loose = RenderGroup::default();
    for (lang, view) in site.views.iter().enumerate() {
        for &id in &view.reading_order {
            match top_printable(site, printable, lang, id) {
                Some(top) => {
                    let g = group_for((lang, top), &mut groups);
                    groups[g].docs.push((lang, id));
                }
                None => loose.docs.push((lang, id)),
            }
        }
        let mut sections: Vec<NodeId> = printable[lang].iter().copied().collect();
        sections.sort_unstable();
        for s in sections {
            if let Some(top) = top_printable(site, printable, lang, s) {
                let g = group_for((lang, top), &mut groups);
                groups[g].print_sections.push((lang, s));
            }
        }
    }
    groups.push(loose);
    groups
}

/// The highest printable section at or above `id`.
fn top_printable(
    site: &Site,
    printable: &[HashSet<NodeId>],
    lang: usize,
    id: NodeId,
) -> Option<NodeId> {
    let mut top = None;
    let mut cur = Some(id);
    while let Some(n) = cur {
        if printable[lang].contains(&n) {
            top = Some(n);
        }
        cur = site.nodes[n].parent;
    }
    top
}

/// Every value, or every error combined into one.
fn collect_all<T>(results: Vec<Result<T>>) -> Result<Vec<T>> {
    let mut values = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(v) => values.push(v),
            Err(e) => errors.push(e),
        }
    }
    match Error::combine(errors) {
        Some(e) => Err(e),
        None => Ok(values),
    }
}

/// What rendering leaves for the index, the checks and later rebuilds.
pub struct RenderState {
    pub docs: Vec<RenderedDoc>,
    /// [`shell_hash`] per (language, node); only kept for the dev server
    /// (`BuildOptions::keep_html`), empty otherwise.
    pub shells: HashMap<(usize, NodeId), u64>,
    pub navs: Navs,
    /// Sections with a print page, per language.
    pub printable: Vec<HashSet<NodeId>>,
}

/// The per-language `lang` and `site` template contexts.
pub(crate) fn contexts(site: &Site) -> (Vec<LanguageCtx<'_>>, Vec<SiteCtx<'_>>) {
    let config = &site.config;
    let languages: Vec<LanguageCtx> = config
        .languages
        .iter()
        .map(|l| LanguageCtx {
            code: &l.code,
            html_lang: &l.html_lang,
            name: &l.name,
            is_default: l.is_default,
        })
        .collect();
    let build_date = time::OffsetDateTime::now_utc().date().to_string();
    let site_ctxs = config
        .languages
        .iter()
        .map(|l| SiteCtx {
            title: &l.title,
            description: &l.description,
            base_url: config.base_url.as_deref(),
            languages: languages.clone(),
            generator: concat!("grassroots ", env!("CARGO_PKG_VERSION")),
            build_date: build_date.clone(),
            offline: config.raw.offline,
            extra: &config.raw.extra,
        })
        .collect();
    (languages, site_ctxs)
}

fn progress_bar(enabled: bool, len: usize) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    (enabled && len >= 500 && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(len as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} rendering {pos}/{len} pages [{bar:30}] {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar
    })
}

pub(crate) struct DocInputs<'a> {
    pub lang: usize,
    pub id: NodeId,
    pub site_ctx: &'a SiteCtx<'a>,
    pub lang_ctx: &'a LanguageCtx<'a>,
    pub assets: &'a BTreeMap<String, String>,
    pub navs: &'a Navs,
    pub search_entry: Option<&'a str>,
    /// Sections with a print page, per language.
    pub printable: &'a [HashSet<NodeId>],
}

/// Renders one document's page. `markdown` is its Markdown rendered before,
/// when the text is unchanged (with the HTML kept); it is rendered afresh
/// otherwise. Unless `keep_html`, the Markdown's HTML is dropped from the
/// result when no print page needs it.
pub(crate) fn render_document(
    site: &Site,
    renderer: &Renderer,
    i18n: &I18n,
    inputs: &DocInputs,
    markdown: Option<&Rendered>,
    keep_html: bool,
) -> Result<(String, RenderedDoc)> {
    let DocInputs { lang, id, .. } = *inputs;
    let entry = &site.views[lang].entries[id];
    let file = entry.source.map(|s| &site.sources[s]);
    let rendered = match (markdown, file) {
        (Some(previous), _) => previous.clone(),
        (None, Some(f)) => {
            let expanded = crate::render::shortcodes::expand(site, lang, f)?; // zola: shortcodes
            let mut r = markdown::render(
                &expanded.markdown,
                &markdown::RenderContext {
                    file: &f.display_path,
                    body_line: f.body_line,
                    smart_punctuation: site.config.raw.markdown.smart_punctuation,
                    links: &print::LinkPlaceholders { site, lang },
                    id_prefix: "",
                },
            )?;
            expanded.fill(&mut r); // zola: shortcodes
            r
        }
        (None, None) => Rendered::default(),
    };
    let template = template_for(site, renderer, id, file)?;
    let page_html = print::resolve_for_page(&rendered.html, site, &entry.url);
    let mut ctx = document_ctx(site, i18n, inputs, &rendered, &page_html);
    ctx.nav_html = context::personalise_nav(
        inputs
            .navs
            .html
            .get(&(lang, nav_key(site, id)))
            .map_or("", String::as_str),
        &ctx.root,
        &site.link_path(&entry.url),
    );
    let tera_ctx = tera::Context::from_serialize(&ctx).map_err(|e| {
        Error::new(
            ErrorKind::Template,
            format!("could not prepare the template context: {e}"),
        )
    })?;
    let html = renderer
        .render(lang, template, &tera_ctx)
        .map_err(|e| match file {
            Some(f) => e.while_rendering(&f.display_path),
            None => e,
        })?;
    // Keep the Markdown's HTML only for the print pages: held for every
    // document it would be most of a large build's memory.
    let has_print_page = ctx.print_href.is_some();
    drop(ctx);
    let mut rendered = rendered;
    if !has_print_page && !keep_html {
        rendered.html = String::new();
    }
    Ok((
        html,
        RenderedDoc {
            lang,
            node: id,
            markdown: rendered,
        },
    ))
}

/// The template a document is rendered with: its front matter's
/// `template`, else the one for its kind.
fn template_for<'a>(
    site: &Site,
    renderer: &Renderer,
    id: NodeId,
    file: Option<&'a SourceFile>,
) -> Result<&'a str> {
    match file.and_then(|f| f.front.template.as_deref()) {
        Some(t) => {
            if !renderer.has_template(t) {
                let f = file.expect("template comes from a file");
                return Err(Error::new(ErrorKind::Template, format!("template `{t}` not found"))
                    .at(&f.display_path, f.front.line_of("template"), Some(1))
                    .hint("put it in the site's templates/ folder, or remove the `template` key to use the default"));
            }
            Ok(t)
        }
        None if id == ROOT => Ok("index.html"),
        None if site.nodes[id].kind == Kind::Section => Ok("section.html"),
        None => Ok("page.html"),
    }
}

/// The section whose sidebar a document shows: its own, or its parent's.
pub(crate) fn nav_key(site: &Site, id: NodeId) -> NodeId {
    match site.nodes[id].kind {
        Kind::Section => id,
        Kind::Page => site.nodes[id].parent.unwrap_or(ROOT),
    }
}

/// The template context of one document, from its rendered Markdown and
/// the page's HTML of it. `nav_html` is left empty: [`render_document`]
/// personalises the shared sidebar, and [`shell_hash`] stands for it by the
/// sidebar's section instead.
fn document_ctx<'a>(
    site: &'a Site,
    i18n: &'a I18n,
    inputs: &DocInputs<'a>,
    rendered: &'a Rendered,
    page_html: &'a str,
) -> DocumentCtx<'a> {
    let DocInputs { lang, id, .. } = *inputs;
    let config = &site.config;
    let view = &site.views[lang];
    let entry = &view.entries[id];
    let node = &site.nodes[id];
    let url = entry.url.as_str();
    let file = entry.source.map(|s| &site.sources[s]);
    // The print page that holds this document, if any.
    let print_home = print_section(site, inputs.printable, lang, id);
    let date_format = i18n.get(lang, "date_format");
    let hood = context::neighbourhood(site, lang, id, date_format);
    let text_lang_idx = file.map_or(lang, |f| f.lang);
    let (reading_minutes, cjk_chars, words) = context::reading(rendered);
    let translations: Vec<Translation> = config
        .languages
        .iter()
        .enumerate()
        .map(|(other, l)| {
            let target = site.switch_target(id, other);
            Translation {
                code: &l.code,
                html_lang: &l.html_lang,
                name: &l.name,
                href: site.href(url, &site.views[other].entries[target].url),
                is_current: other == lang,
                exact: target == id,
            }
        })
        .collect();
    let alternates = translations
        .iter()
        .filter(|t| t.exact && site.is_translated(id, config.language_index(t.code).unwrap_or(0)))
        .map(|t| {
            let other = config.language_index(t.code).unwrap_or(0);
            let mut t = t.clone();
            if let Some(p) = site.permalink(&site.views[other].entries[id].url) {
                t.href = p;
            }
            t
        })
        .collect();
    DocumentCtx {
        site: inputs.site_ctx,
        lang: inputs.lang_ctx,
        root: crate::site::root_prefix(url),
        home: site.href(url, &config.languages[lang].prefix),
        page: PageCtx {
            kind: if node.kind == Kind::Section {
                "section"
            } else {
                "page"
            },
            is_home: id == ROOT,
            title: &entry.title,
            description: file.and_then(|f| f.front.description.as_deref()),
            content: page_html,
            summary: (rendered.summary.as_deref()) // zola: <!-- more -->
                .map(|s| print::resolve_for_page(s, site, url)),
            has_code: rendered.html.contains("<pre class=\"code\""),
            date: file
                .and_then(|f| f.front.date)
                .map(|d| context::format_date(d, date_format)),
            date_iso: file.and_then(|f| f.front.date).map(|d| d.to_string()),
            updated: file
                .and_then(|f| f.front.updated)
                .map(|d| context::format_date(d, date_format)),
            updated_iso: file.and_then(|f| f.front.updated).map(|d| d.to_string()),
            authors: file.map(|f| f.authors(config)).unwrap_or_default(),
            weight: entry.weight,
            reading_minutes,
            cjk_chars,
            words,
            url,
            permalink: site.permalink(url),
            extra: file.map_or(&serde_json::Value::Null, |f| &f.front.extra),
            translated: entry.translated,
            text_lang: &config.languages[text_lang_idx].html_lang,
            text_lang_name: &config.languages[text_lang_idx].name,
            toc: &rendered.toc,
        },
        section: hood.section,
        breadcrumbs: hood.breadcrumbs,
        prev: hood.prev,
        next: hood.next,
        translations,
        alternates,
        canonical: if entry.translated {
            site.permalink(url)
        } else {
            site.permalink(&site.views[text_lang_idx].entries[id].url)
        },
        nav_html: String::new(),
        assets: inputs.assets,
        search_entry: inputs.search_entry,
        print_href: print_home.map(|s| site.href(url, &print_url(&view.entries[s].url))),
    }
}

/// A hash of everything a document's page shows except what its own
/// Markdown decides (the content, its table of contents and reading time):
/// titles, URLs, neighbours, breadcrumbs, translations, front matter, the
/// sidebar, and the URLs its links point to. After an edit of titles,
/// weights or slugs, the dev server re-renders the pages whose hash
/// changed; the others would come out byte for byte the same.
pub(crate) fn shell_hash(
    site: &Site,
    i18n: &I18n,
    inputs: &DocInputs,
    link_targets: &[usize],
) -> u64 {
    use std::hash::Hasher;
    let DocInputs { lang, id, .. } = *inputs;
    let no_text = Rendered::default();
    let ctx = document_ctx(site, i18n, inputs, &no_text, "");
    // Every field, named so that a new one cannot be forgotten here. The
    // site, language, assets and search entry are the same for every page
    // of a session (a change to them is a full build, and a new search
    // index is pointed at in place), so they are left out.
    let DocumentCtx {
        site: _,
        lang: _,
        assets: _,
        search_entry: _,
        nav_html: _, // stood for by its section and tree, below
        root,
        home,
        page,
        section,
        breadcrumbs,
        prev,
        next,
        translations,
        alternates,
        canonical,
        print_href,
    } = &ctx;
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    // Serialising into the hasher cannot fail: every field is plain data.
    let _ = serde_json::to_writer(
        HashWriter(&mut hasher),
        &(
            root,
            home,
            page,
            section,
            breadcrumbs,
            (prev, next),
            (translations, alternates, canonical, print_href),
        ),
    );
    let file = site.views[lang].entries[id]
        .source
        .map(|s| &site.sources[s]);
    if let Some(t) = file.and_then(|f| f.front.template.as_deref()) {
        hasher.write(t.as_bytes());
    }
    let nav = nav_key(site, id);
    hasher.write_usize(nav);
    hasher.write_u64(inputs.navs.trees.get(&(lang, nav)).copied().unwrap_or(0));
    let n_langs = site.config.languages.len();
    for &t in link_targets {
        hasher.write(site.views[t % n_langs].entries[t / n_langs].url.as_bytes());
        hasher.write_u8(0);
    }
    hasher.finish()
}

/// [`shell_hash`] of each of `docs`, as `state` renders them.
pub(crate) fn shell_hashes(
    site: &Site,
    i18n: &I18n,
    assets: &BTreeMap<String, String>,
    search_entries: &[Option<String>],
    state: &RenderState,
    docs: &[&RenderedDoc],
) -> HashMap<(usize, NodeId), u64> {
    let (languages, site_ctxs) = contexts(site);
    docs.par_iter()
        .map(|d| {
            let inputs = DocInputs {
                lang: d.lang,
                id: d.node,
                site_ctx: &site_ctxs[d.lang],
                lang_ctx: &languages[d.lang],
                assets,
                navs: &state.navs,
                search_entry: search_entries[d.lang].as_deref(),
                printable: &state.printable,
            };
            (
                (d.lang, d.node),
                shell_hash(site, i18n, &inputs, &d.markdown.link_targets),
            )
        })
        .collect()
}

/// Feeds `serde_json` output straight into a hasher.
struct HashWriter<'a>(&'a mut xxhash_rust::xxh3::Xxh3);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every `@/page.md#anchor` must name an id that exists on the target.
pub(crate) fn check_anchors(site: &Site, docs: &[RenderedDoc]) -> Result<()> {
    let n_langs = site.config.languages.len();
    let ids: HashMap<usize, HashSet<&str>> = docs
        .iter()
        .map(|d| {
            (
                d.node * n_langs + d.lang,
                d.markdown.ids.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    let mut errors = Vec::new();
    for d in docs {
        let entry = &site.views[d.lang].entries[d.node];
        // A fallback document repeats its source's links; report them once, from the source.
        if !entry.translated {
            continue;
        }
        let Some(file) = entry.source.map(|s| &site.sources[s]) else {
            continue;
        };
        for r in &d.markdown.anchor_refs {
            let found = ids
                .get(&r.target)
                .is_some_and(|set| set.contains(r.anchor.as_str()));
            if !found {
                let (target_node, target_lang) = (r.target / n_langs, r.target % n_langs);
                let target_url = &site.views[target_lang].entries[target_node].url;
                let mut known: Vec<&str> = ids
                    .get(&r.target)
                    .map(|s| s.iter().copied().collect())
                    .unwrap_or_default();
                known.sort();
                errors.push(
                    Error::new(
                        ErrorKind::BrokenAnchor,
                        format!(
                            "broken anchor: /{target_url} has no heading with id `{}`",
                            r.anchor
                        ),
                    )
                    .at(&file.display_path, Some(r.line), Some(r.column))
                    .hint(if known.is_empty() {
                        "that page has no headings; link to the page without `#…`".to_string()
                    } else {
                        format!("ids on that page: {}", known.join(", "))
                    }),
                );
            }
        }
    }
    match Error::combine(errors) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn render_not_found(
    site: &Site,
    renderer: &Renderer,
    site_ctx: &SiteCtx,
    lang_ctx: &LanguageCtx,
    assets: &BTreeMap<String, String>,
    search_entry: Option<&str>,
    navs: &HashMap<(usize, NodeId), String>,
    out: &dyn Sink,
    lang: usize,
) -> Result<()> {
    // A host serves 404.html at whatever URL was missed, so relative links
    // cannot work there: they are absolute (base_url) or root-absolute ("/").
    let root = match &site.config.base_url {
        Some(b) => format!("{b}/"),
        None => "/".to_string(),
    };
    let prefix = &site.config.languages[lang].prefix;
    let mut ctx = tera::Context::new();
    ctx.insert("site", site_ctx);
    ctx.insert("lang", lang_ctx);
    ctx.insert("root", &root);
    ctx.insert("assets", assets);
    ctx.insert("search_entry", &search_entry);
    ctx.insert("home", &format!("{root}{}", site.link_path(prefix)));
    // The 404 page is not a document: no translations or alternates of its own.
    let translations: Vec<Translation> = site
        .config
        .languages
        .iter()
        .enumerate()
        .map(|(i, l)| Translation {
            code: &l.code,
            html_lang: &l.html_lang,
            name: &l.name,
            href: format!("{root}{}", site.link_path(&l.prefix)),
            is_current: i == lang,
            exact: false,
        })
        .collect();
    ctx.insert("translations", &translations);
    ctx.insert("alternates", &Vec::<Translation>::new());
    ctx.insert("canonical", &None::<String>);
    ctx.insert(
        "page",
        &serde_json::json!({ "translated": true, "is_home": false }),
    );
    ctx.insert(
        "nav_html",
        &context::personalise_nav(
            navs.get(&(lang, ROOT)).map_or("", String::as_str),
            &root,
            "",
        ),
    );
    let html = renderer.render(lang, "404.html", &ctx)?;
    out.put(&format!("{prefix}404.html"), html.as_bytes())
}

/// The tiny page at `/` when every language has its own prefix: links to
/// each language, and a script that follows the browser's preference.
fn language_picker(site: &Site) -> String {
    let langs = &site.config.languages;
    let links: String = langs
        .iter()
        .map(|l| {
            format!(
                "<li><a hreflang=\"{h}\" lang=\"{h}\" href=\"{href}\">{name}: {title}</a></li>",
                h = l.html_lang,
                href = site.link_path(&l.prefix),
                name = crate::html::escape(&l.name),
                title = crate::html::escape(&l.title)
            )
        })
        .collect();
    let table: String = langs
        .iter()
        .map(|l| format!("[\"{}\",\"{}\"]", l.primary(), site.link_path(&l.prefix)))
        .collect::<Vec<_>>()
        .join(",");
    format!(
        "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{title}</title>\n<script>(function(){{var t=[{table}];var w=(navigator.languages||[navigator.language||\"\"]);for(var i=0;i<w.length;i++){{var p=String(w[i]).toLowerCase().split(\"-\")[0];for(var j=0;j<t.length;j++){{if(t[j][0]===p){{location.replace(t[j][1]);return;}}}}}}location.replace(t[0][1]);}})();</script>\n</head><body><ul>{links}</ul></body></html>\n",
        lang = langs[0].html_lang,
        title = crate::html::escape(&langs[0].title),
    )
}

/// Whether `lang` gets a search index.
fn search_enabled(site: &Site, lang: usize) -> bool {
    let search = &site.config.raw.search;
    let code = &site.config.languages[lang].code;
    search.enabled
        && !search
            .exclude_languages
            .iter()
            .any(|l| l.eq_ignore_ascii_case(code))
}

/// Whether a document's text goes into the index: its own translation, not
/// in an excluded section.
fn indexed(site: &Site, lang: usize, id: NodeId) -> bool {
    let entry = &site.views[lang].entries[id];
    let dir = &site.nodes[id].dir;
    entry.translated
        && entry.source.is_some()
        && entry.source.is_some_and(|s| site.sources[s].front.in_search_index) // zola: in_search_index
        && !site.config.raw.search.exclude_sections.iter().any(|s| {
            let s = s.trim_matches('/');
            dir == s || dir.starts_with(&format!("{s}/"))
        })
}

/// Path from the root of the entry file of `lang`'s search index, or `None`
/// when search is off there. The entry's name is fixed (`entry.js`) and
/// the client always fetches it afresh; every other index file is named by
/// a hash of its content. So a new build never mixes with cached old files,
/// and pages do not change when only the index does (a typo fixed on one
/// page re-uploads that page and the index, not the whole site; the dev
/// server refreshes an index without touching pages).
pub(crate) fn search_entry_name(site: &Site, lang: usize) -> Option<String> {
    search_enabled(site, lang).then(|| format!("{}{SEARCH_ENTRY}", search_dir(site, lang)))
}

/// File name of every language's search entry.
const SEARCH_ENTRY: &str = "entry.js";

/// `GRASSROOTS_SEARCH_TIERS=1` in the environment gives a small site's
/// index the files a big site's gets (head shards, deep records, metadata
/// and excerpt records read by range; `search-index/src/format.rs`), which
/// it otherwise gets past ~6 MB of postings a language: the browser tests
/// use it, and it shows on a small site how a big one will search.
fn forced_tiers() -> Option<bool> {
    (std::env::var_os("GRASSROOTS_SEARCH_TIERS").is_some_and(|v| v == "1")).then_some(true)
}

/// "search/zh/": the folder of a language's index, from the root.
pub(crate) fn search_dir(site: &Site, lang: usize) -> String {
    format!(
        "search/{}/",
        site.config.languages[lang].code.to_ascii_lowercase()
    )
}

/// Up to this many bytes of page text in all, the languages' search indexes
/// are built at once (see `build`); the Rust book has 3 MB, a generated
/// site of 10,000 pages per language about 60 MB.
const CONCURRENT_INDEX_MAX_TEXT: usize = 16 << 20;

/// One language's search index to build: its documents, taken out of the
/// rendered ones, and where the files go. Owning its data, it can be built
/// on another thread while the dev server goes on with edits.
pub struct SearchJob {
    pub lang: usize,
    code: String,
    language: grassroots_search::Language,
    documents: Vec<grassroots_search::Document>,
    /// "search/zh/".
    dir: String,
    /// "search/zh/entry.js".
    entry: String,
}

impl SearchJob {
    /// `lang`'s job, or `None` when search is off there. The documents'
    /// text chunks are moved out of `docs` unless `keep_chunks` (the dev
    /// server keeps them for the next refresh).
    pub(crate) fn new(
        site: &Site,
        docs: &mut [RenderedDoc],
        lang: usize,
        keep_chunks: bool,
    ) -> Option<SearchJob> {
        let entry = search_entry_name(site, lang)?;
        let view = &site.views[lang];
        let documents = docs
            .iter_mut()
            .filter(|d| d.lang == lang && indexed(site, lang, d.node))
            .map(|d| grassroots_search::Document {
                url: view.entries[d.node].url.clone(),
                title: view.entries[d.node].title.clone(),
                section_path: site
                    .ancestors(d.node)
                    .into_iter()
                    .skip(1)
                    .map(|a| view.entries[a].title.clone())
                    .collect(),
                chunks: match keep_chunks {
                    true => d.markdown.chunks.clone(),
                    false => std::mem::take(&mut d.markdown.chunks),
                },
            })
            .collect();
        let code = site.config.languages[lang].code.clone();
        Some(SearchJob {
            lang,
            language: grassroots_search::Language::from_code(&code),
            code,
            documents,
            dir: search_dir(site, lang),
            entry,
        })
    }

    /// Bytes of text to index (titles and page text).
    fn text_bytes(&self) -> usize {
        self.documents
            .iter()
            .map(|d| d.title.len() + d.chunks.iter().map(|c| c.text.len()).sum::<usize>())
            .sum()
    }

    /// The index's files: path from the root, bytes; the entry last, so a
    /// writer following this order never publishes an entry that names a
    /// file not yet written.
    pub fn build(&self) -> Result<Vec<OutFile>> {
        let entry_name = self.entry.strip_prefix(&self.dir).unwrap_or(&self.entry);
        let index = grassroots_search::build_index_with(
            self.language,
            &self.documents,
            Some(entry_name),
            forced_tiers(),
        )
        .map_err(|e| {
            Error::new(
                ErrorKind::Search,
                format!("could not build the search index of {}: {e}", self.code),
            )
        })?;
        let mut files: Vec<OutFile> = index
            .files
            .into_iter()
            .map(|f| (format!("{}{}", self.dir, f.name), f.bytes))
            .collect();
        files.sort_by_key(|(path, _)| *path == self.entry);
        Ok(files)
    }

    /// Builds the index into the site at `output` in place: the new files,
    /// then the entry that names them, then the old index's files removed.
    /// Pages are untouched: they name the entry, whose name is fixed. A
    /// file whose name is already there is not written again: names are
    /// content hashes, and an edit changes a few shards and result files
    /// of an index of tens of MB (rewriting it all made the editor's next
    /// save wait for the disk).
    pub fn write_into(&self, output: &Path) -> Result<()> {
        let files = self.build()?;
        let out = output::InPlace {
            root: output.to_path_buf(),
        };
        for (path, bytes) in &files {
            if *path != self.entry && output.join(path).is_file() {
                continue;
            }
            out.put(path, bytes)?;
        }
        let keep: HashSet<PathBuf> = files.iter().map(|(p, _)| output.join(p)).collect();
        let dir = output.join(&self.dir);
        for entry in std::fs::read_dir(&dir)
            .map_err(|e| Error::io(&dir, "read the search folder", e))?
            .flatten()
        {
            if !keep.contains(&entry.path()) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        Ok(())
    }
}

/// A file to write: path from the root, bytes.
pub type OutFile = (String, Vec<u8>);

/// "units/print/": where a section's print page lives.
pub(crate) fn print_url(section_url: &str) -> String {
    format!("{section_url}print/")
}

/// The section whose print page a document's print link opens: the
/// document itself if it is a printable section, else the nearest printable
/// section above it.
pub(crate) fn print_section(
    site: &Site,
    printable: &[HashSet<NodeId>],
    lang: usize,
    id: NodeId,
) -> Option<NodeId> {
    let mut cur = Some(id);
    while let Some(n) = cur {
        if site.nodes[n].kind == Kind::Section && printable[lang].contains(&n) {
            return Some(n);
        }
        cur = site.nodes[n].parent;
    }
    None
}

/// A page whose URL is a section's print URL would be overwritten.
pub(crate) fn check_print_urls(site: &Site, printable: &[HashSet<NodeId>]) -> Result<()> {
    let mut errors = Vec::new();
    for (lang, sections) in printable.iter().enumerate() {
        let view = &site.views[lang];
        let urls: HashMap<&str, NodeId> = view
            .entries
            .iter()
            .enumerate()
            .map(|(id, e)| (e.url.as_str(), id))
            .collect();
        for &s in sections {
            if let Some(&clash) = urls.get(print_url(&view.entries[s].url).as_str())
                && let Some(src) = view.entries[clash].source
            {
                errors.push(
                    Error::in_file(ErrorKind::Url, &site.sources[src].display_path, format!("this page's URL /{} is where the section's print page goes", view.entries[clash].url))
                        .hint("give the page another `slug`, or set [print] enabled = false in config.toml"),
                );
            }
        }
    }
    match Error::combine(errors) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn render_print_pages(
    site: &Site,
    renderer: &Renderer,
    i18n: &I18n,
    site_ctxs: &[SiteCtx],
    languages: &[LanguageCtx],
    assets: &BTreeMap<String, String>,
    jobs: &[(usize, NodeId)],
    rendered: &[RenderedDoc],
    out: &dyn Sink,
) -> Result<()> {
    let html_of: HashMap<(usize, NodeId), &str> = rendered
        .iter()
        .filter(|d| !d.markdown.html.is_empty())
        .map(|d| ((d.lang, d.node), d.markdown.html.as_str()))
        .collect();
    let build_date = time::OffsetDateTime::now_utc().date();
    jobs.par_iter()
        .map(|&(lang, section)| {
            let view = &site.views[lang];
            let url = print_url(&view.entries[section].url);
            let root = crate::site::root_prefix(&url);
            let docs = print::documents(site, lang, section, &root, |id| {
                html_of.get(&(lang, id)).map(|h| h.to_string())
            });
            let mut ctx = tera::Context::new();
            ctx.insert("site", &site_ctxs[lang]);
            ctx.insert("lang", &languages[lang]);
            ctx.insert("root", &root);
            ctx.insert(
                "home",
                &site.href(&url, &site.config.languages[lang].prefix),
            );
            ctx.insert("assets", assets);
            ctx.insert("section_title", &view.entries[section].title);
            ctx.insert("section_href", &site.href(&url, &view.entries[section].url));
            ctx.insert("is_whole_site", &(section == ROOT));
            ctx.insert(
                "date",
                &context::format_date(build_date, i18n.get(lang, "date_format")),
            );
            ctx.insert("date_iso", &build_date.to_string());
            ctx.insert("docs", &docs);
            let html = renderer.render(lang, "print.html", &ctx)?;
            out.put(&format!("{url}index.html"), html.as_bytes())
        })
        .collect::<Vec<Result<()>>>()
        .into_iter()
        .collect()
}

/// sitemap.xml, robots.txt and the Atom feeds, which need absolute URLs.
pub(crate) fn write_crawler_files(
    site: &Site,
    out: &dyn Sink,
    notes: &mut Vec<String>,
) -> Result<()> {
    let Some(base) = site.config.base_url.as_deref() else {
        notes.push("no base_url: sitemap.xml, robots.txt and feeds are skipped (set base_url or --base-url to get them)".into());
        return Ok(());
    };
    out.put(
        "sitemap.xml",
        output::sitemap::sitemap(site, base).as_bytes(),
    )?;
    out.put("robots.txt", output::sitemap::robots(base).as_bytes())?;
    let now = time::OffsetDateTime::now_utc();
    let now = format!("{}T00:00:00Z", now.date());
    for (lang, l) in site.config.languages.iter().enumerate() {
        if let Some(feed) = output::sitemap::atom_feed(site, lang, base, &now) {
            out.put(&format!("{}atom.xml", l.prefix), feed.as_bytes())?;
        }
    }
    Ok(())
}
