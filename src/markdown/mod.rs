//! Stage 2, parse: Markdown → HTML with pulldown-cmark.
//!
//! On top of CommonMark (with tables, footnotes, strikethrough, task lists
//! and heading attributes) this stage gives every heading a readable unique
//! id, collects the table of contents, highlights code with syntect, resolves
//! internal links written as `@/section/page.md#anchor`, and gathers the
//! page's plain text split at headings for the search index.

pub mod highlight;
pub mod ids;
pub mod shortcodes;

use std::fmt::Write as _;
use std::path::Path;

use grassroots_search::TextChunk;
// One definition of "CJK" for the whole program: the search tokenizer's,
// which the browser client mirrors. Reading statistics count what search
// cuts into bigrams; Hangul, written with spaces, counts as words.
use grassroots_search::is_cjk;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::error::{Error, ErrorKind, LineIndex, Result};
use crate::html::escape;
use crate::site::LinkTarget;
use ids::IdAllocator;

/// Resolves `@/` links for the page being rendered.
pub trait LinkResolver: Sync {
    /// `path` is what follows `@/`, without the anchor ("units/research.md");
    /// `anchor` the decoded part after `#`, if any.
    fn resolve(&self, path: &str, anchor: Option<&str>) -> Option<ResolvedLink>;
}

pub struct ResolvedLink {
    /// The href to write (with the anchor), relative to the page being rendered.
    pub href: String,
    /// The target document, so anchors can be checked once every page is rendered.
    pub target: LinkTarget,
}

/// An `@/…#anchor` link whose anchor must exist on the target page.
#[derive(Debug, Clone)]
pub struct AnchorRef {
    pub target: LinkTarget,
    pub anchor: String,
    pub line: usize,
    pub column: usize,
}

/// Everything one Markdown file renders to.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// Plain text split at headings, for the search index.
    pub chunks: Vec<TextChunk>,
    /// Every id this page defines (headings, footnotes).
    pub ids: Vec<String>,
    pub anchor_refs: Vec<AnchorRef>,
    /// Target of every internal link, as its [`ResolvedLink::target`]: the
    /// page shows their URLs, so it changes when they move.
    pub link_targets: Vec<LinkTarget>,
    pub stats: TextStats,
    /// Zola's summary: the HTML before a `<!-- more -->` line, if there is one.
    pub summary: Option<String>,
}

/// One heading in the table of contents, with the headings below it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// Counts for the reading time: Chinese is read by characters, English by words.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct TextStats {
    pub cjk_chars: usize,
    pub words: usize,
}

impl TextStats {
    /// Minutes at about 300 Chinese characters or 200 English words a minute
    /// (study material is read carefully), at least one.
    pub fn reading_minutes(&self) -> usize {
        let minutes = self.cjk_chars as f64 / 300.0 + self.words as f64 / 200.0;
        (minutes.ceil() as usize).max(1)
    }

    fn add_text(&mut self, text: &str) {
        let mut in_word = false;
        for c in text.chars() {
            if is_cjk(c) {
                self.cjk_chars += 1;
                in_word = false;
            } else if c.is_alphanumeric() {
                if !in_word {
                    self.words += 1;
                }
                in_word = true;
            } else if !(in_word && (c == '\'' || c == '’' || c == '-')) {
                in_word = false;
            }
        }
    }
}

/// What the renderer needs to know about the page it renders.
pub struct RenderContext<'a> {
    pub file: &'a Path,
    /// Line of the file where the Markdown body starts.
    pub body_line: usize,
    pub smart_punctuation: bool,
    pub links: &'a dyn LinkResolver,
    /// Put before every heading id, so several pages can share one HTML
    /// document (the print pages) without id clashes. Usually "".
    pub id_prefix: &'a str,
}

pub(crate) fn parser_options(smart_punctuation: bool) -> Options {
    let mut o = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        // GitHub's alerts (`> [!NOTE]`), as Zola's `github_alerts` renders them.
        | Options::ENABLE_GFM;
    if smart_punctuation {
        o |= Options::ENABLE_SMART_PUNCTUATION;
    }
    o
}

/// Renders one Markdown body. Broken `@/` links are errors naming the file line.
pub fn render(markdown: &str, ctx: &RenderContext) -> Result<Rendered> {
    let parser =
        Parser::new_ext(markdown, parser_options(ctx.smart_punctuation)).into_offset_iter();
    let mut state = State {
        id_prefix: ctx.id_prefix.to_string(),
        ..State::default()
    };
    let mut errors = Vec::new();
    let mut out: Vec<Event> = Vec::new();
    let mut heading: Option<HeadingBuf> = None;
    let mut code: Option<(String, String)> = None; // (language, text)
    let mut summary_end: Option<usize> = None; // events before `<!-- more -->`
    // Line starts found once: a page of 80,000 links looked each one's line up
    // by rescanning the text (30 s).
    let lines = LineIndex::new(markdown);

    for (event, range) in parser {
        let position = || {
            let (l, c) = lines.line_col(range.start);
            (l + ctx.body_line - 1, c)
        };
        // Inside a code block: gather the text, emit it highlighted at the end.
        if let Some((_, text)) = code.as_mut() {
            match event {
                Event::Text(t) => text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let (lang, text) = code.take().unwrap_or_default();
                    state.text(&text);
                    state.block_end();
                    out.push(Event::Html(code_block_html(&lang, &text).into()));
                }
                _ => {}
            }
            continue;
        }
        let event = match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) if dest_url.starts_with("@/") => {
                let (line, column) = position();
                match resolve_internal(&dest_url, ctx, line, column, &mut state) {
                    Ok(href) => Event::Start(Tag::Link {
                        link_type,
                        dest_url: href.into(),
                        title,
                        id,
                    }),
                    Err(e) => {
                        errors.push(e);
                        Event::Start(Tag::Link {
                            link_type,
                            dest_url,
                            title,
                            id,
                        })
                    }
                }
            }
            other => other,
        };
        if let Some(h) = heading.as_mut() {
            match event {
                Event::End(TagEnd::Heading(_)) => {
                    if let Some(h) = heading.take() {
                        out.push(Event::Html(state.finish_heading(h).into()));
                    }
                }
                Event::Text(ref t) | Event::Code(ref t) => {
                    h.text.push_str(t);
                    h.events.push(event);
                }
                other => h.events.push(other),
            }
            continue;
        }
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                heading = Some(HeadingBuf {
                    level,
                    explicit_id: id.map(|i| i.to_string()),
                    text: String::new(),
                    events: Vec::new(),
                });
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split([',', ' ']).next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            Event::Start(Tag::Table(_)) => {
                out.push(Event::Html(CowStr::Borrowed("<div class=\"table-wrap\">")));
                out.push(event);
            }
            Event::End(TagEnd::Table) => {
                out.push(event);
                out.push(Event::Html(CowStr::Borrowed("</div>")));
                state.block_end();
            }
            // Zola's summary marker: the text before it is the page's summary,
            // and readers following "read more" land just after it.
            Event::Html(ref h) | Event::InlineHtml(ref h)
                if h.trim() == "<!-- more -->" && summary_end.is_none() =>
            {
                summary_end = Some(out.len());
                state
                    .ids
                    .push(format!("{}continue-reading", state.id_prefix));
                out.push(Event::Html(CowStr::Boxed(
                    format!(
                        "<span id=\"{}continue-reading\"></span>\n",
                        escape(&state.id_prefix)
                    )
                    .into(),
                )));
            }
            Event::Start(Tag::FootnoteDefinition(ref name)) => {
                state.ids.push(format!("fn-{name}"));
                out.push(event);
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                state.text(t);
                out.push(event);
            }
            Event::SoftBreak | Event::HardBreak => {
                state.text(" ");
                out.push(event);
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::BlockQuote(_) | TagEnd::TableCell,
            ) => {
                state.block_end();
                out.push(event);
            }
            other => out.push(other),
        }
    }
    if let Some(e) = Error::combine(errors) {
        return Err(e);
    }
    let summary = summary_end.map(|end| {
        let mut s = String::new();
        pulldown_cmark::html::push_html(&mut s, out[..end].iter().cloned());
        s
    });
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    let mut rendered = state.finish(html);
    rendered.summary = summary;
    Ok(rendered)
}

struct HeadingBuf<'a> {
    level: HeadingLevel,
    explicit_id: Option<String>,
    text: String,
    events: Vec<Event<'a>>,
}

/// What is gathered while walking the events.
#[derive(Default)]
struct State {
    id_prefix: String,
    ids_alloc: IdAllocator,
    ids: Vec<String>,
    flat_toc: Vec<(u8, String, String)>,
    chunks: Vec<TextChunk>,
    anchor_refs: Vec<AnchorRef>,
    link_targets: Vec<LinkTarget>,
    stats: TextStats,
}

impl State {
    fn current_chunk(&mut self) -> &mut TextChunk {
        if self.chunks.is_empty() {
            self.chunks.push(TextChunk {
                heading: None,
                anchor: None,
                text: String::new(),
            });
        }
        let last = self.chunks.len() - 1;
        &mut self.chunks[last]
    }

    fn text(&mut self, t: &str) {
        self.stats.add_text(t);
        self.current_chunk().text.push_str(t);
    }

    fn block_end(&mut self) {
        let chunk = self.current_chunk();
        if !chunk.text.is_empty() && !chunk.text.ends_with('\n') {
            chunk.text.push('\n');
        }
    }

    fn finish_heading(&mut self, h: HeadingBuf<'_>) -> String {
        let title = h.text.trim().to_string();
        let id = match &h.explicit_id {
            Some(explicit) => self.ids_alloc.reserve(explicit),
            None => self.ids_alloc.for_heading(&title),
        };
        let id = format!("{}{id}", self.id_prefix);
        self.ids.push(id.clone());
        self.stats.add_text(&title);
        let level = h.level as u8;
        self.flat_toc.push((level, id.clone(), title.clone()));
        self.chunks.push(TextChunk {
            heading: Some(title),
            anchor: Some(id.clone()),
            text: String::new(),
        });
        let mut inner = String::new();
        pulldown_cmark::html::push_html(&mut inner, h.events.into_iter());
        let id_attr = escape(&id);
        format!(
            "<h{level} id=\"{id_attr}\">{inner}<a class=\"heading-anchor\" href=\"#{id_attr}\" aria-hidden=\"true\" tabindex=\"-1\">#</a></h{level}>\n"
        )
    }

    fn finish(mut self, html: String) -> Rendered {
        self.chunks
            .retain(|c| c.heading.is_some() || !c.text.trim().is_empty());
        for c in &mut self.chunks {
            let trimmed = c.text.trim_end().len();
            c.text.truncate(trimmed);
        }
        Rendered {
            html,
            toc: nest_toc(&self.flat_toc),
            chunks: self.chunks,
            ids: self.ids,
            anchor_refs: self.anchor_refs,
            link_targets: self.link_targets,
            stats: self.stats,
            summary: None,
        }
    }
}

/// Turns `@/units/research.md#要义` into a relative href, remembering the
/// anchor so it can be checked once the target is rendered.
fn resolve_internal(
    dest: &str,
    ctx: &RenderContext,
    line: usize,
    column: usize,
    state: &mut State,
) -> Result<String> {
    let link = &dest[2..];
    let (path, anchor) = match link.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (link, None),
    };
    let path = percent_decode(path);
    let anchor = anchor.filter(|a| !a.is_empty()).map(percent_decode);
    let resolved = ctx.links.resolve(&path, anchor.as_deref()).ok_or_else(|| {
        Error::new(ErrorKind::BrokenLink, format!("broken internal link `{dest}`: no page or section content/{path}"))
            .at(ctx.file, Some(line), Some(column))
            .hint("internal links name a Markdown file below content/, e.g. `@/units/research.md` or `@/units/_index.md#anchor`")
    })?;
    if let Some(anchor) = anchor {
        state.anchor_refs.push(AnchorRef {
            target: resolved.target.clone(),
            anchor,
            line,
            column,
        });
    }
    state.link_targets.push(resolved.target);
    Ok(resolved.href)
}

/// Editors sometimes write `@/units/%E8%B0%83.md`: accept both forms.
fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 3 <= bytes.len()
            && let Ok(b) = u8::from_str_radix(
                std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"),
                16,
            )
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

fn code_block_html(lang: &str, code: &str) -> String {
    let mut html = String::with_capacity(code.len() * 2 + 64);
    let lang_attr = escape(lang);
    let _ = write!(html, "<pre class=\"code\"");
    if !lang.is_empty() {
        let _ = write!(html, " data-lang=\"{lang_attr}\"");
    }
    html.push_str("><code");
    if !lang.is_empty() {
        let _ = write!(html, " class=\"language-{lang_attr}\"");
    }
    html.push('>');
    match (!lang.is_empty())
        .then(|| highlight::highlight(code, lang))
        .flatten()
    {
        Some(highlighted) => html.push_str(&highlighted),
        None => html.push_str(&escape(code)),
    }
    html.push_str("</code></pre>\n");
    html
}

/// Builds the nested table of contents from the flat list of headings.
fn nest_toc(flat: &[(u8, String, String)]) -> Vec<TocEntry> {
    fn insert(list: &mut Vec<TocEntry>, entry: TocEntry) {
        match list.last_mut() {
            Some(last) if last.level < entry.level => insert(&mut last.children, entry),
            _ => list.push(entry),
        }
    }
    let mut toc = Vec::new();
    for (level, id, title) in flat {
        insert(
            &mut toc,
            TocEntry {
                level: *level,
                id: id.clone(),
                title: title.clone(),
                children: Vec::new(),
            },
        );
    }
    toc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn research() -> LinkTarget {
        LinkTarget {
            key: "units/research".into(),
            lang: 0,
        }
    }

    struct Links;
    impl LinkResolver for Links {
        fn resolve(&self, path: &str, anchor: Option<&str>) -> Option<ResolvedLink> {
            (path == "units/research.md").then(|| ResolvedLink {
                href: format!(
                    "../units/research/{}",
                    anchor.map(|a| format!("#{a}")).unwrap_or_default()
                ),
                target: research(),
            })
        }
    }

    fn md(text: &str) -> Result<Rendered> {
        render(
            text,
            &RenderContext {
                file: Path::new("content/a.md"),
                body_line: 5,
                smart_punctuation: true,
                links: &Links,
                id_prefix: "",
            },
        )
    }

    #[test]
    fn headings_get_readable_unique_ids_and_toc() {
        let r = md("## 要义\n\n正文\n\n### 细节\n\n## 要义\n\n## Key Points {#kp}\n").unwrap();
        assert!(r.html.contains("<h2 id=\"要义\">要义"), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"要义-1\">"));
        assert!(r.html.contains("<h2 id=\"kp\">Key Points"));
        assert_eq!(r.toc.len(), 3);
        assert_eq!(r.toc[0].children[0].id, "细节");
        assert_eq!(r.ids, ["要义", "细节", "要义-1", "kp"]);
    }

    #[test]
    fn internal_links_resolve_and_remember_anchors() {
        let r = md("见[调研](@/units/research.md#要义)。").unwrap();
        // pulldown-cmark percent-encodes hrefs; browsers decode the fragment before matching the id.
        assert!(
            r.html
                .contains("href=\"../units/research/#%E8%A6%81%E4%B9%89\""),
            "{}",
            r.html
        );
        assert_eq!(r.anchor_refs[0].anchor, "要义");
        assert_eq!(r.anchor_refs[0].target, research());
        assert_eq!(r.anchor_refs[0].line, 5);
    }

    #[test]
    fn broken_internal_link_names_file_line_column() {
        let e = md("第一行\n\n参见 [x](@/nope.md)\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("content/a.md:7:4: broken internal link `@/nope.md`"),
            "{e}"
        );
    }

    #[test]
    fn chunks_split_at_headings_for_search() {
        let r = md("导言\n\n## 要义\n\n第一段。\n\n第二段。\n").unwrap();
        assert_eq!(r.chunks.len(), 2);
        assert_eq!(r.chunks[0].text, "导言");
        assert_eq!(r.chunks[1].anchor.as_deref(), Some("要义"));
        assert_eq!(r.chunks[1].text, "第一段。\n第二段。");
    }

    #[test]
    fn extensions_are_on() {
        let r = md(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~x~~\n\n- [x] done\n\nnote[^1]\n\n[^1]: foot\n",
        )
        .unwrap();
        assert!(
            r.html.contains("<div class=\"table-wrap\"><table>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<del>x</del>"));
        assert!(r.html.contains("checkbox"));
        assert!(r.html.contains("footnote"));
    }

    #[test]
    fn code_is_highlighted_or_escaped() {
        let r = md("```rust\nfn main() {}\n```\n\n```\n<b>\n```\n").unwrap();
        assert!(r.html.contains("class=\"language-rust\""));
        assert!(r.html.contains("hl-"));
        assert!(r.html.contains("&lt;b&gt;"));
    }

    #[test]
    fn more_marker_makes_the_summary() {
        let r = md("导言**重要**。\n\n<!-- more -->\n\n正文。\n").unwrap();
        assert_eq!(
            r.summary.as_deref(),
            Some("<p>导言<strong>重要</strong>。</p>\n")
        );
        assert!(
            r.html.contains("<span id=\"continue-reading\"></span>"),
            "{}",
            r.html
        );
        assert!(r.ids.contains(&"continue-reading".to_string()));
        assert_eq!(md("没有标记。").unwrap().summary, None);
    }

    #[test]
    fn github_alerts_are_rendered() {
        let r = md("> [!WARNING]\n> 小心。\n").unwrap();
        assert!(
            r.html
                .contains("<blockquote class=\"markdown-alert-warning\">"),
            "{}",
            r.html
        );
    }

    #[test]
    fn reading_time_counts_characters_for_chinese() {
        let mut s = TextStats::default();
        s.add_text(&"学".repeat(900));
        assert_eq!(s.cjk_chars, 900);
        assert_eq!(s.reading_minutes(), 3);
        let mut s = TextStats::default();
        s.add_text(&"word ".repeat(401));
        assert_eq!(s.words, 401);
        assert_eq!(s.reading_minutes(), 3);
        let mut s = TextStats::default();
        s.add_text("Rust 是一门语言，it's fast");
        assert_eq!((s.cjk_chars, s.words), (5, 3));
    }
}
