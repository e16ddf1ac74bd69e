//! The search index of a real build, queried by the real client through its
//! Node CLI (`search-index/client/cli.mjs`), as a browser would query it.

mod common;

use common::*;
use serde_json::Value;

fn urls(v: &Value) -> Vec<String> {
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["url"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn chinese_query_finds_the_page_and_deep_links_to_the_heading() {
    let f = Fixture::portal();
    f.build().unwrap();
    let v = query(&f.public(), "zh", "露珠");
    let first = &urls(&v)[0];
    assert_eq!(first, "units/research/#要义", "{v}");
    let excerpt = v["results"][0]["excerpt"].as_str().unwrap();
    assert!(excerpt.contains("<mark>露珠</mark>"), "{excerpt}");
    // The deep link names an id that exists on the page.
    let doc = f.page("units/research/index.html");
    assert!(doc.select(&sel("[id='要义']")).next().is_some());
    // Only index and client files were read, a few of them.
    let files = v["files"].as_array().unwrap();
    assert!(files.len() <= 8, "{files:?}");
}

#[test]
fn english_query_matches_other_inflections_and_prefixes() {
    let f = Fixture::portal();
    f.build().unwrap();
    // The pages say "investigation"; the reader types other forms.
    let inflected = urls(&query(&f.public(), "en", "investigating"));
    assert!(
        inflected
            .iter()
            .any(|u| u.starts_with("en/units/research/")),
        "{inflected:?}"
    );
    let prefix = urls(&query(&f.public(), "en", "investig"));
    assert!(
        prefix.iter().any(|u| u.starts_with("en/units/research/")),
        "{prefix:?}"
    );
    // English results stay in the English index.
    assert!(
        inflected.iter().all(|u| u.starts_with("en/")),
        "{inflected:?}"
    );
}

#[test]
fn html_in_queries_and_empty_queries_are_harmless() {
    let f = Fixture::portal();
    f.build().unwrap();
    for q in [
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
        "&amp;",
    ] {
        let v = query(&f.public(), "en", q);
        let text = v.to_string();
        assert!(
            !text.contains("<script") && !text.contains("<img"),
            "{text}"
        );
    }
    for q in ["", "   ", "\u{3000}"] {
        let v = query(&f.public(), "zh", q);
        assert!(urls(&v).is_empty(), "{v}");
    }
}

#[test]
fn untranslated_fallback_pages_are_not_indexed_twice() {
    let f = Fixture::copy("nested");
    f.build().unwrap();
    // 第二篇 exists only in Chinese: found in the Chinese index, not the English one.
    assert!(
        urls(&query(&f.public(), "zh", "只有中文"))
            .iter()
            .any(|u| u.starts_with("part-a/two/"))
    );
    assert!(urls(&query(&f.public(), "en", "只有中文")).is_empty());
}

#[test]
fn search_can_be_turned_off() {
    let f = Fixture::copy("nested");
    let c = std::fs::read_to_string(f.path().join("config.toml")).unwrap();
    f.write("config.toml", format!("{c}\n[search]\nenabled = false\n"));
    f.build().unwrap();
    assert!(!f.public().join("search").exists());
    let doc = f.page("index.html");
    assert!(doc.select(&sel("#search-input")).next().is_none());
    assert!(
        doc.select(&sel("meta[name=grassroots-search]"))
            .next()
            .is_none()
    );
}
