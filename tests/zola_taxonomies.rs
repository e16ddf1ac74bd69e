//! Zola's taxonomies: `taxonomies = [{ name = "tags", feed = true }]` per
//! language, `[taxonomies]` in front matter; list pages, term pages with
//! readable Chinese URLs, terms linked from pages, a feed per term.

mod common;

use common::*;
use grassroots::ErrorKind;

fn built() -> Fixture {
    let f = Fixture::copy("zola-blog");
    f.build().unwrap_or_else(|e| panic!("{e}"));
    f
}

#[test]
fn the_taxonomy_page_lists_its_terms_in_each_language() {
    let f = built();
    let zh = f.page("tags/index.html");
    assert_eq!(text(&zh, "h1"), "标签");
    assert_eq!(texts(&zh, ".terms a"), ["rust", "学习", "调查 & 研究"]);
    assert_eq!(
        attr(&zh, ".terms a", "href").as_deref(),
        Some("../tags/rust/")
    );
    assert_eq!(attr(&zh, "html", "lang").as_deref(), Some("zh-CN"));
    let en = f.page("en/tags/index.html");
    assert_eq!(text(&en, "h1"), "Tags");
    assert_eq!(texts(&en, ".terms a"), ["Rust", "study"]);
    // The language switcher leads to the same taxonomy.
    let switch: Vec<String> = en
        .select(&sel(".lang-switch a"))
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .collect();
    assert_eq!(switch, ["../../tags/"]);
}

#[test]
fn a_term_page_lists_its_pages_newest_first_with_a_readable_chinese_url() {
    let f = built();
    let doc = f.page("tags/学习/index.html");
    assert_eq!(text(&doc, "h1"), "学习");
    assert_eq!(texts(&doc, ".cards .card-title"), ["符号", "第一篇帖子"]);
    assert_eq!(
        attr(&doc, ".cards a", "href").as_deref(),
        Some("../../posts/something-else/")
    );
    assert!(text(&doc, "title").starts_with("学习 · 标签 · "));
    // `&` is left out of the URL as pages' slugs do; the name stays escaped.
    let amp = f.page("tags/调查-研究/index.html");
    assert_eq!(text(&amp, "h1"), "调查 & 研究");
    assert!(amp.html().contains("调查 &amp; 研究"));
    let en = f.page("en/tags/study/index.html");
    assert_eq!(texts(&en, ".cards .card-title"), ["A first post"]);
}

#[test]
fn pages_link_their_terms() {
    let f = built();
    let doc = f.page("posts/a-post/index.html");
    assert_eq!(texts(&doc, ".page-terms a"), ["学习", "rust"]);
    assert_eq!(text(&doc, ".page-terms .terms-title"), "标签");
    assert_eq!(
        attr(&doc, ".page-terms a", "href").as_deref(),
        Some("../../tags/学习/")
    );
    let en = f.page("en/posts/a-post/index.html");
    assert_eq!(texts(&en, ".page-terms a"), ["study", "Rust"]);
    // A page without terms has no list.
    assert!(
        f.page("posts/hidden/index.html")
            .select(&sel(".page-terms"))
            .next()
            .is_none()
    );
    let problems = broken_links(&f.public());
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn feed_true_gives_each_term_an_atom_feed() {
    let f = built();
    let feed = std::fs::read_to_string(f.public().join("tags/学习/atom.xml")).unwrap();
    assert!(
        feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">"),
        "{feed}"
    );
    assert!(
        feed.contains("https://example.org/posts/something-else/"),
        "{feed}"
    );
    assert_eq!(feed.matches("<entry>").count(), 2, "{feed}");
    assert_eq!(
        attr(
            &f.page("tags/学习/index.html"),
            "a[type=\"application/atom+xml\"]",
            "href"
        )
        .as_deref(),
        Some("atom.xml")
    );
    // The English tags have no `feed = true`.
    assert!(!f.public().join("en/tags/study/atom.xml").exists());
}

#[test]
fn a_taxonomy_the_language_does_not_configure_is_an_error() {
    let f = Fixture::copy("zola-blog");
    f.write(
        "content/posts/gone.md",
        "+++\ntitle = \"x\"\n[taxonomies]\ncategories = [\"a\"]\n+++\n",
    );
    let err = f.build().unwrap_err();
    let msg = err.to_string();
    assert_eq!(err.kinds(), [ErrorKind::FrontMatter], "{msg}");
    assert!(
        msg.contains("gone.md:3:1: taxonomy `categories` is not configured for zh (it has `tags`)"),
        "{msg}"
    );
    assert!(
        msg.contains("taxonomies = [{ name = \"categories\" }]"),
        "{msg}"
    );
}

#[test]
fn an_alias_on_a_term_page_is_an_error() {
    let f = Fixture::copy("zola-blog");
    f.write(
        "content/posts/hidden.md",
        "+++\ntitle = \"x\"\naliases = [\"/tags/rust/\"]\n+++\n",
    );
    let msg = f.build().unwrap_err().to_string();
    assert!(
        msg.contains("alias \"/tags/rust/\" is the URL of the page of the `tags` term \"rust\""),
        "{msg}"
    );
}
