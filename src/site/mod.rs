//! Stage 3, model: the Site as each language's reader sees it.
//!
//! Sections and pages form one tree shared by all languages (a folder is the
//! same section in Chinese and English); a [`LangView`] gives every node of
//! that tree, for one language, its title, URL, sorted children, previous
//! and next page in reading order, and the text it shows: its own
//! translation, or the default language's text marked as untranslated.
//!
//! URLs are computed here and nowhere else.

use std::collections::HashMap;
use std::sync::Arc;

pub mod taxonomies;
#[cfg(test)]
pub(crate) mod testing;

use crate::config::{Config, SlugStrategy};
use crate::content::{Kind, SortBy, SourceFile};
use crate::error::{Error, ErrorKind, Result};

pub type NodeId = usize;

/// One document: a node of the tree in one language (an index into
/// `Config::languages`). Every page, print page, sidebar and link target is
/// named by one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocRef {
    pub node: NodeId,
    pub lang: usize,
}

impl DocRef {
    pub fn new(node: NodeId, lang: usize) -> DocRef {
        DocRef { node, lang }
    }
}

/// A document as rendered Markdown names it: by its node's key and a
/// language. Unlike [`DocRef`] it outlives a renumbering of the nodes (the
/// dev server's tree changes), so what was rendered before stays valid.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LinkTarget {
    /// The node's [`Node::key`].
    pub key: String,
    pub lang: usize,
}

/// A section or page, across languages.
#[derive(Debug, Clone)]
pub struct Node {
    pub kind: Kind,
    /// "units/" for sections ("/" for the top section), "units/research" for pages.
    pub key: String,
    /// Folder of the section, or of the page's section.
    pub dir: String,
    pub parent: Option<NodeId>,
    /// Per language (index into `Config::languages`): the source file, if written.
    pub sources: Vec<Option<usize>>,
    /// Sections and pages directly below a section, unsorted.
    pub children: Vec<NodeId>,
}

/// One node as seen in one language.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The file whose text is shown: this language's, or a fallback. `None`
    /// for a folder with pages but no `_index.md` in any language.
    pub source: Option<usize>,
    /// False when `source` is in another language.
    pub translated: bool,
    pub title: String,
    /// Path from the site root, always ending in `/` except for the root ("" or "en/").
    pub url: String,
    pub weight: Option<i64>,
    /// Children sorted as the section's `sort_by` asks.
    pub children: Vec<NodeId>,
    pub prev: Option<NodeId>,
    pub next: Option<NodeId>,
}

/// A whole language of the site.
#[derive(Debug, Clone)]
pub struct LangView {
    pub lang: usize,
    /// Indexed by `NodeId`.
    pub entries: Vec<Entry>,
    /// Every node in reading order: a section, then its children, depth first.
    pub reading_order: Vec<NodeId>,
}

#[derive(Debug)]
pub struct Site {
    pub config: Config,
    /// Every loaded file, shared: the dev server's tree changes build a new
    /// site from the same sources without copying their text.
    pub sources: Vec<Arc<SourceFile>>,
    pub nodes: Vec<Node>,
    pub views: Vec<LangView>,
    by_key: HashMap<String, NodeId>,
    /// Folders that hold pages but no `_index.md`, for one warning.
    pub implicit_sections: Vec<String>,
    /// The site's and theme's shortcode templates (Zola's `templates/shortcodes/`).
    pub shortcodes: crate::render::shortcodes::Shortcodes,
}

pub const ROOT: NodeId = 0;

impl Site {
    pub fn new(config: Config, sources: Vec<SourceFile>) -> Result<Site> {
        Site::from_shared(config, sources.into_iter().map(Arc::new).collect())
    }

    /// [`Site::new`] from sources another site may share.
    pub fn from_shared(config: Config, sources: Vec<Arc<SourceFile>>) -> Result<Site> {
        let n_langs = config.languages.len();
        let mut site = Site {
            config,
            sources: Vec::new(),
            nodes: vec![Node {
                kind: Kind::Section,
                key: "/".into(),
                dir: String::new(),
                parent: None,
                sources: vec![None; n_langs],
                children: Vec::new(),
            }],
            views: Vec::new(),
            by_key: HashMap::from([("/".to_string(), ROOT)]),
            implicit_sections: Vec::new(),
            shortcodes: Default::default(),
        };
        // Sections first, shallow ones before deep ones, so parents exist before children.
        let mut order: Vec<usize> = (0..sources.len()).collect();
        order.sort_by_key(|&i| {
            (
                sources[i].kind == Kind::Page,
                sources[i].dir.matches('/').count(),
                sources[i].rel_path.clone(),
            )
        });
        for i in order {
            site.attach(&sources[i], i)?;
        }
        site.sources = sources;
        let mut implicit: Vec<String> = site
            .nodes
            .iter()
            .filter(|n| {
                n.kind == Kind::Section && n.key != "/" && n.sources.iter().all(Option::is_none)
            })
            .map(|n| n.dir.clone())
            .collect();
        implicit.sort();
        site.implicit_sections = implicit;
        site.views = site.make_views()?;
        Ok(site)
    }

    /// Every language's view of the tree, from the current sources. The
    /// dev server calls it again after an edit changes titles, weights or
    /// slugs (the tree itself stays: the same files in the same folders).
    pub fn make_views(&self) -> Result<Vec<LangView>> {
        (0..self.config.languages.len())
            .map(|lang| self.make_view(lang))
            .collect()
    }

    fn attach(&mut self, source: &SourceFile, index: usize) -> Result<()> {
        let key = match source.kind {
            Kind::Section if source.dir.is_empty() => "/".to_string(),
            _ => source.key(),
        };
        let id = match self.by_key.get(&key) {
            Some(&id) => id,
            None => {
                let parent = self.section_for_dir(if source.kind == Kind::Section {
                    parent_dir(&source.dir)
                } else {
                    &source.dir
                });
                let id = self.nodes.len();
                self.nodes.push(Node {
                    kind: source.kind,
                    key: key.clone(),
                    dir: source.dir.clone(),
                    parent: Some(parent),
                    sources: vec![None; self.config.languages.len()],
                    children: Vec::new(),
                });
                self.nodes[parent].children.push(id);
                self.by_key.insert(key.clone(), id);
                id
            }
        };
        // Two files for one language of one node, e.g. `a.md` and `a.zh.md`.
        if self.nodes[id].sources[source.lang].is_some() {
            return Err(Error::in_file(
                ErrorKind::Content,
                &source.display_path,
                format!(
                    "this file and another are both the {} version of content/{}",
                    self.config.languages[source.lang].code, key
                ),
            )
            .hint("keep one of them: `name.md` is already the default language's file"));
        }
        self.nodes[id].sources[source.lang] = Some(index);
        Ok(())
    }

    /// The node with `key` ("units/", "units/research"), if the site has it.
    pub fn node_by_key(&self, key: &str) -> Option<NodeId> {
        self.by_key.get(key).copied()
    }

    /// The document a link target names, if the site still has it.
    pub fn doc_for(&self, target: &LinkTarget) -> Option<DocRef> {
        self.node_by_key(&target.key)
            .map(|node| DocRef::new(node, target.lang))
    }

    /// How rendered Markdown names `doc`.
    pub fn link_target(&self, doc: DocRef) -> LinkTarget {
        LinkTarget {
            key: self.nodes[doc.node].key.clone(),
            lang: doc.lang,
        }
    }

    /// The section node for a folder, creating implicit sections on the way.
    fn section_for_dir(&mut self, dir: &str) -> NodeId {
        if dir.is_empty() {
            return ROOT;
        }
        let key = format!("{dir}/");
        if let Some(&id) = self.by_key.get(&key) {
            return id;
        }
        let parent = self.section_for_dir(parent_dir(dir));
        let id = self.nodes.len();
        self.nodes.push(Node {
            kind: Kind::Section,
            key: key.clone(),
            dir: dir.to_string(),
            parent: Some(parent),
            sources: vec![None; self.config.languages.len()],
            children: Vec::new(),
        });
        self.nodes[parent].children.push(id);
        self.by_key.insert(key, id);
        id
    }

    /// The node a content path names: "units/research.md", "units/_index.md",
    /// "units/research.en.md" (with the language it names, if any).
    pub fn node_for_path(&self, path: &str) -> Option<(NodeId, Option<usize>)> {
        let path = path.trim_start_matches('/');
        let stem = path.strip_suffix(".md")?;
        let (dir, file) = match stem.rsplit_once('/') {
            Some((d, f)) => (d, f),
            None => ("", stem),
        };
        let (base, lang) = match file.rsplit_once('.') {
            Some((b, code)) => match self.config.language_index(code) {
                Some(l) => (b, Some(l)),
                None => (file, None),
            },
            None => (file, None),
        };
        let key = match (base, dir) {
            ("_index", "") => "/".to_string(),
            ("_index", d) => format!("{d}/"),
            (b, "") => b.to_string(),
            (b, d) => format!("{d}/{b}"),
        };
        // Zola's page bundle: `post/index.md` is the page "post".
        let key = match (base, self.by_key.contains_key(&key)) {
            ("index", false) if !dir.is_empty() => dir.to_string(),
            _ => key,
        };
        self.by_key.get(&key).map(|&id| (id, lang))
    }

    fn make_view(&self, lang: usize) -> Result<LangView> {
        let default = 0;
        let mut entries: Vec<Entry> = Vec::with_capacity(self.nodes.len());
        for node in &self.nodes {
            let own = node.sources[lang];
            let source = own
                .or(node.sources[default])
                .or_else(|| node.sources.iter().flatten().next().copied());
            let file = source.map(|s| &self.sources[s]);
            let title = match file {
                Some(f) => f.title.clone(),
                None if node.key == "/" => self.config.languages[lang].title.clone(),
                None => node.dir.rsplit('/').next().unwrap_or_default().to_string(),
            };
            entries.push(Entry {
                source,
                translated: own.is_some() || source.is_none(),
                title,
                url: String::new(),
                weight: file.and_then(|f| f.front.weight),
                children: Vec::new(),
                prev: None,
                next: None,
            });
        }
        // URLs: a parent's URL is known before its children's because nodes
        // were created parents first.
        let prefix = &self.config.languages[lang].prefix;
        let strategy = self.config.raw.slugify.paths;
        let mut seen: HashMap<String, NodeId> = HashMap::with_capacity(self.nodes.len());
        let mut errors = Vec::new();
        for (id, node) in self.nodes.iter().enumerate() {
            let url = match (node.kind, node.parent) {
                (_, None) => prefix.clone(),
                (Kind::Section, Some(_)) => {
                    format!("{prefix}{}/", url_segments(&node.dir, strategy))
                }
                (Kind::Page, Some(parent)) => {
                    let file = entries[id].source.map(|s| &self.sources[s]);
                    // Zola's `path`: the page's whole path below its language's root.
                    if let Some(f) = file
                        && let Some(p) = f.front.path.as_deref()
                    {
                        match check_path(p, strategy) {
                            Ok(p) => {
                                let url = format!("{prefix}{p}");
                                if let Some(&other) = seen.get(&url) {
                                    errors.push(self.duplicate_url_error(lang, &url, other, id, &entries));
                                }
                                seen.insert(url.clone(), id);
                                entries[id].url = url;
                            }
                            Err(msg) => errors.push(
                                Error::new(ErrorKind::Url, format!("`path = \"{p}\"` {msg}"))
                                    .at(&f.display_path, f.front.line_of("path"), Some(1))
                                    .hint("Zola's `path` is the page's URL below the site root, such as \"about/team\""),
                            ),
                        }
                        continue;
                    }
                    let slug = match file.and_then(|f| f.front.slug.as_deref()) {
                        Some(s) => match check_slug(s, strategy) {
                            Ok(s) => s,
                            Err(msg) => {
                                let f = file.expect("a slug comes from a file");
                                errors.push(
                                    Error::new(ErrorKind::Url, format!("`slug = \"{s}\"` {msg}"))
                                        .at(&f.display_path, f.front.line_of("slug"), Some(1))
                                        .hint("a slug is one URL segment such as \"research\" or \"调查研究\""),
                                );
                                continue;
                            }
                        },
                        // A file name's date prefix is not part of its URL, as in Zola.
                        None => match file.and_then(|f| f.name_slug.as_deref()) {
                            Some(name) => url_segment_as(name, strategy),
                            None => url_segment_as(
                                node.key.rsplit('/').next().unwrap_or_default(),
                                strategy,
                            ),
                        },
                    };
                    format!("{}{slug}/", entries[parent].url)
                }
            };
            if let Some(&other) = seen.get(&url) {
                errors.push(self.duplicate_url_error(lang, &url, other, id, &entries));
            }
            seen.insert(url.clone(), id);
            entries[id].url = url;
        }
        if let Some(e) = Error::combine(errors) {
            return Err(e);
        }
        for (id, node) in self.nodes.iter().enumerate() {
            if node.kind == Kind::Section {
                entries[id].children = self.sorted_children(id, &entries);
            }
        }
        let mut reading_order = Vec::with_capacity(self.nodes.len());
        walk(ROOT, &entries, &mut reading_order);
        for pair in reading_order.windows(2) {
            entries[pair[0]].next = Some(pair[1]);
            entries[pair[1]].prev = Some(pair[0]);
        }
        Ok(LangView {
            lang,
            entries,
            reading_order,
        })
    }

    fn duplicate_url_error(
        &self,
        lang: usize,
        url: &str,
        a: NodeId,
        b: NodeId,
        entries: &[Entry],
    ) -> Error {
        let name = |id: NodeId| match entries[id].source {
            Some(s) => self.sources[s].display_path.display().to_string(),
            None => format!("the folder content/{}", self.nodes[id].dir),
        };
        let file_b = entries[b]
            .source
            .map(|s| self.sources[s].display_path.clone());
        let e = Error::new(
            ErrorKind::Url,
            format!(
                "two pages map to the same URL /{url} in {}: this one and {}",
                self.config.languages[lang].code,
                name(a)
            ),
        )
        .hint("give one of them a different `slug` in its front matter, or rename the file");
        match file_b {
            Some(f) => e.at(f, None, None),
            None => e,
        }
    }

    fn sorted_children(&self, id: NodeId, entries: &[Entry]) -> Vec<NodeId> {
        let sort_by = entries[id]
            .source
            .and_then(|s| self.sources[s].front.sort_by)
            .unwrap_or(SortBy::Weight);
        let mut children = self.nodes[id].children.clone();
        let file = |c: NodeId| entries[c].source.map(|s| &self.sources[s]);
        let is_section = |c: NodeId| self.nodes[c].kind == Kind::Section;
        match sort_by {
            // Pages and subsections interleave by weight; unweighted ones come last, by name.
            SortBy::Weight => children.sort_by(|&a, &b| {
                let wa = entries[a].weight.unwrap_or(i64::MAX);
                let wb = entries[b].weight.unwrap_or(i64::MAX);
                wa.cmp(&wb)
                    .then_with(|| self.nodes[a].key.cmp(&self.nodes[b].key))
            }),
            // Newest first, as a news list reads; undated pages and then subsections after.
            SortBy::Date => children.sort_by(|&a, &b| {
                let da = file(a).and_then(|f| f.front.date);
                let db = file(b).and_then(|f| f.front.date);
                is_section(a)
                    .cmp(&is_section(b))
                    .then_with(|| db.cmp(&da))
                    .then_with(|| self.nodes[a].key.cmp(&self.nodes[b].key))
            }),
            SortBy::Title => children.sort_by(|&a, &b| {
                is_section(a)
                    .cmp(&is_section(b))
                    .then_with(|| entries[a].title.cmp(&entries[b].title))
                    .then_with(|| self.nodes[a].key.cmp(&self.nodes[b].key))
            }),
            SortBy::None => children.sort_by(|&a, &b| {
                is_section(a)
                    .cmp(&is_section(b))
                    .then_with(|| self.nodes[a].key.cmp(&self.nodes[b].key))
            }),
        }
        children
    }

    /// Sections from the top down to the node's parent.
    pub fn ancestors(&self, id: NodeId) -> Vec<NodeId> {
        let mut chain = Vec::new();
        let mut cur = self.nodes[id].parent;
        while let Some(p) = cur {
            chain.push(p);
            cur = self.nodes[p].parent;
        }
        chain.reverse();
        chain
    }

    /// Where the language switcher leads from `id` to language `to`: the same
    /// node if it is translated, else the nearest translated section above it.
    pub fn switch_target(&self, id: NodeId, to: usize) -> NodeId {
        let mut cur = Some(id);
        while let Some(n) = cur {
            if self.nodes[n].sources[to].is_some() {
                return n;
            }
            cur = self.nodes[n].parent;
        }
        ROOT
    }

    /// Node ids whose entry in `lang` has its own translation.
    pub fn is_translated(&self, id: NodeId, lang: usize) -> bool {
        self.nodes[id].sources[lang].is_some()
    }

    /// The href of `url` written on a page whose own URL is `from`: relative
    /// (so `public/` works under any path prefix), naming `index.html` in
    /// offline mode (so it works opened from disk).
    pub fn href(&self, from: &str, url: &str) -> String {
        let mut href = root_prefix(from);
        href.push_str(&self.link_path(url));
        href
    }

    /// `url` as written after the root prefix.
    pub fn link_path(&self, url: &str) -> String {
        if self.config.raw.offline && (url.is_empty() || url.ends_with('/')) {
            format!("{url}index.html")
        } else {
            url.to_string()
        }
    }

    /// Absolute URL when `base_url` is set.
    pub fn permalink(&self, url: &str) -> Option<String> {
        self.config.base_url.as_ref().map(|b| format!("{b}/{url}"))
    }
}

/// "../../" for a page at "en/units/"; "./" at the root.
pub fn root_prefix(from: &str) -> String {
    let depth = from.split('/').filter(|s| !s.is_empty()).count();
    if depth == 0 {
        "./".to_string()
    } else {
        "../".repeat(depth)
    }
}

fn walk(id: NodeId, entries: &[Entry], out: &mut Vec<NodeId>) {
    out.push(id);
    for &c in &entries[id].children {
        walk(c, entries, out);
    }
}

fn parent_dir(dir: &str) -> &str {
    dir.rsplit_once('/').map_or("", |(p, _)| p)
}

/// A path segment as written in a URL and as a folder name, by
/// grassroots' own rule: spaces become `-`; characters that would break a
/// URL or an HTML attribute (`? # % & < > " ' \\`) are left out, so the
/// folder and every link to it agree (`something-&-else` → `something-else`,
/// as Zola makes it); CJK stays readable.
pub fn url_segment(s: &str) -> String {
    url_segment_as(s, None)
}

/// Characters left out of every URL segment: they would end a path (`?`,
/// `#`), be read as an escape (`%`) or need escaping in HTML.
const URL_BREAKING: &[char] = &['"', '\'', '<', '>', '&', '#', '?', '%', '\\'];

/// Characters Zola's "safe" also leaves out: file names on Windows cannot hold them.
const FILE_NAME_BREAKING: &[char] = &[':', '|', '*'];

/// A URL segment by Zola's `[slugify] paths` strategy; `None` is
/// grassroots' own rule ([`url_segment`]).
pub fn url_segment_as(s: &str, strategy: Option<SlugStrategy>) -> String {
    if strategy == Some(SlugStrategy::On) {
        return slugify_on(s);
    }
    let windows_safe = strategy.is_some();
    let mut out = String::with_capacity(s.len());
    let mut dropped = false;
    for c in s.chars() {
        match c {
            ' ' => out.push('-'),
            c if URL_BREAKING.contains(&c) || (windows_safe && FILE_NAME_BREAKING.contains(&c)) => {
                dropped = true
            }
            _ => out.push(c),
        }
    }
    if dropped {
        // "a - & - b" would leave "a---b".
        out = collapse_dashes(&out);
    }
    out
}

/// Zola's "on": lowercase, letters and digits kept, anything else one `-`.
/// Unlike Zola, letters of every script are kept (Zola writes 调查研究 as
/// pinyin without tones, which no reader can read back).
fn slugify_on(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else {
            dash = true;
        }
    }
    out
}

fn collapse_dashes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
    out.trim_matches('-').to_string()
}

fn url_segments(dir: &str, strategy: Option<SlugStrategy>) -> String {
    dir.split('/')
        .map(|s| url_segment_as(s, strategy))
        .collect::<Vec<_>>()
        .join("/")
}

fn check_slug(
    s: &str,
    strategy: Option<SlugStrategy>,
) -> std::result::Result<String, &'static str> {
    let s = s.trim();
    if s.is_empty() || s == "." || s == ".." {
        return Err("is not a usable URL segment");
    }
    if s.contains('/') || s.contains('\\') {
        return Err("must not contain slashes");
    }
    let segment = url_segment_as(s, strategy);
    if segment.is_empty() {
        return Err("has no character that can stand in a URL");
    }
    Ok(segment)
}

/// Zola's `path` as a URL below the language root, ending in `/`.
fn check_path(
    p: &str,
    strategy: Option<SlugStrategy>,
) -> std::result::Result<String, &'static str> {
    let segments: Vec<&str> = p.trim().trim_matches('/').split('/').collect();
    if segments
        .iter()
        .any(|s| s.is_empty() || *s == "." || *s == "..")
    {
        return Err("is not a usable path (empty, `.` or `..` segments)");
    }
    let mut url = String::new();
    for s in segments {
        let segment = url_segment_as(s, strategy);
        if segment.is_empty() {
            return Err("has a segment with no character that can stand in a URL");
        }
        url.push_str(&segment);
        url.push('/');
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_prefixes() {
        assert_eq!(root_prefix(""), "./");
        assert_eq!(root_prefix("en/"), "../");
        assert_eq!(root_prefix("en/units/research/"), "../../../");
    }

    #[test]
    fn url_segments_keep_cjk_and_encode_specials() {
        assert_eq!(url_segment("调查研究"), "调查研究");
        assert_eq!(url_segment("a b&c"), "a-bc");
        assert_eq!(url_segment("something-&-else"), "something-else");
        assert_eq!(url_segment("a?b#c%d<e>f\"g'h"), "abcdefgh");
        assert_eq!(url_segment("v1.2_notes"), "v1.2_notes");
    }

    #[test]
    fn zola_slug_strategies() {
        let on = Some(SlugStrategy::On);
        assert_eq!(
            url_segment_as("Hello World_2 & 调查研究!", on),
            "hello-world-2-调查研究"
        );
        assert_eq!(url_segment_as("a:b*c", Some(SlugStrategy::Safe)), "abc");
        assert_eq!(check_path("/about/team/", None).unwrap(), "about/team/");
        assert!(check_path("a/../b", None).is_err());
        assert!(check_slug("&", None).is_err());
    }

    #[test]
    fn slugs_are_checked() {
        assert!(check_slug("a/b", None).is_err());
        assert!(check_slug("..", None).is_err());
        assert_eq!(check_slug("调研", None).unwrap(), "调研");
    }
}
